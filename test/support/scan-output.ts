/** Helpers for reporter and CLI tests: temporary inputs, in-process scans to a file, and spawned CLI runs. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { builtinChecks } from '../../src/checks/index.js';
import { runScanCommand } from '../../src/cli/scan.js';
import { binPath, projectRoot } from './paths.js';

export type ScanFlags = Parameters<typeof runScanCommand>[1];

/** A temporary directory holding the given files (relative paths), removed when the test file ends. */
export function tempTree(files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'annexa-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/**
 * An annexa.yaml that disables every built-in check except `keep`, so tests stay exact while
 * other checks are added; `severity` overrides severities; `rest` holds other top-level sections (scope, …).
 */
export function configKeeping(dir: string, keep: readonly string[], severity: Record<string, string> = {}, rest: Record<string, unknown> = {}): string {
  const disabled = builtinChecks.map((c) => c.id).filter((id) => !keep.includes(id));
  const file = join(dir, 'annexa.yaml');
  writeFileSync(file, JSON.stringify({ ...rest, checks: { disabled, severity } }, null, 2));
  return file;
}

const DEFAULT_FLAGS: ScanFlags = { output: 'table', failOn: 'high', kustomize: [], maxFileSize: '20MiB', quiet: true };

/** Runs `annexa scan` in this process, writing the report to a temporary file; returns exit code and text. */
export async function scanInProcess(paths: string[], flags: Partial<ScanFlags> = {}): Promise<{ code: number; text: string }> {
  const outputFile = join(tempTree(), 'report.out');
  const code = await runScanCommand(paths, { ...DEFAULT_FLAGS, outputFile, ...flags });
  return { code, text: readFileSync(flags.outputFile ?? outputFile, 'utf8') };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Spawns `node bin/annexa.js` (needs a built dist/). */
export function runCli(args: string[], options: { input?: string; env?: Record<string, string>; cwd?: string; timeout?: number } = {}): CliRun {
  const started = Date.now();
  const run = spawnSync(process.execPath, [binPath, ...args], {
    cwd: options.cwd ?? projectRoot,
    input: options.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    timeout: options.timeout ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, ms: Date.now() - started };
}
