/**
 * A report that cannot be written: a full device on standard output, a file that may not grow
 * (RLIMIT_FSIZE, the way a full disk fails a regular file), and a reader that goes away. The
 * process must end on its own with a one-line message and exit 2 (or, for a closed pipe, the exit
 * code of a complete run), and leave no partial --output-file behind.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { generateCorpus } from '../bench/corpus.js';
import { binPath, projectRoot } from './support/paths.js';
import { tempTree } from './support/scan-output.js';

const FORMATS = ['json', 'sarif', 'junit', 'markdown', 'table', 'policyreport', 'html', 'oscal'];
const ENV = { ...process.env, NO_COLOR: '1' };

const corpus = join(tempTree(), 'corpus');
const scratch = tempTree();
let completeExitCode: number | null = null;

function scanArgs(format: string, ...extra: string[]): string[] {
  return [binPath, 'scan', corpus, '-q', '-o', format, ...extra];
}

function assertCleanFailure(run: { status: number | null; signal: NodeJS.Signals | null; stderr: string }, reason: RegExp): void {
  assert.equal(run.signal, null, 'ended on its own, not by a signal');
  assert.equal(run.status, 2, run.stderr);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one message, no stack trace: ${run.stderr}`);
  assert.match(lines[0]!, reason);
}

describe('writing a large report to a sink that fails', () => {
  before(() => {
    generateCorpus(corpus, 2_000, 3);
    const complete = spawnSync(process.execPath, scanArgs('json', '--output-file', join(scratch, 'complete.json')), { cwd: projectRoot, env: ENV, encoding: 'utf8' });
    completeExitCode = complete.status;
    assert.equal(completeExitCode, 1, `the corpus has findings at the default threshold and no input errors: ${complete.stderr}`);
  });

  for (const format of FORMATS) {
    it(`-o ${format} to a full device on standard output: exit 2, one line`, () => {
      const full = openSync('/dev/full', 'w');
      try {
        const run = spawnSync(process.execPath, scanArgs(format), { cwd: projectRoot, env: ENV, encoding: 'utf8', stdio: ['ignore', full, 'pipe'] });
        assertCleanFailure(run, /^annexa: cannot write standard output: no space left on device \(ENOSPC\)/);
      } finally {
        closeSync(full);
      }
    });
  }

  for (const format of ['json', 'table']) {
    it(`-o ${format} --output-file that may not grow: exit 2, no partial file`, () => {
      const file = join(scratch, `report.${format}`);
      // The shell ignores SIGXFSZ (inherited through exec), so writes past the limit fail with EFBIG.
      const run = spawnSync('/bin/sh', ['-c', 'trap "" XFSZ; ulimit -f 64; exec "$@"', 'sh', process.execPath, ...scanArgs(format, '--output-file', file)], { cwd: projectRoot, env: ENV, encoding: 'utf8' });
      // The table keeps its rows in a temporary file until the end: that one hits the limit first.
      assertCleanFailure(run, format === 'table' ? /^annexa: cannot keep the report's rows in a temporary file \(in .*\): EFBIG/ : /^annexa: cannot write ".*": file too large \(EFBIG\)/);
      assert.equal(existsSync(file), false, 'the partial report was removed');
    });
  }

  for (const format of ['json', 'table']) {
    it(`-o ${format} to a pipe whose reader goes away: the exit code of a complete run, nothing on stderr`, async () => {
      const child = spawn(process.execPath, scanArgs(format), { cwd: projectRoot, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.stdout.once('data', () => child.stdout.destroy());
      const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (code, sig) => resolve([code, sig])));
      assert.equal(signal, null);
      assert.equal(stderr, '');
      assert.equal(status, completeExitCode);
    });
  }
});
