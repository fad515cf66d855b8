/** The progress line: stderr only, only on a TTY, only after a second, silenced by --quiet, cleared at the end. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Progress } from '../src/cli/io.js';

function fakeStderr(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (chunk: string | Uint8Array) => (writes.push(String(chunk)), true) };
}

describe('Progress', () => {
  it('stays silent during the first second, then rewrites one line and clears it', () => {
    let now = 1_000;
    const stderr = fakeStderr(true);
    const progress = new Progress(true, stderr, () => now);
    progress.update('scanning: 1/10 files');
    assert.deepEqual(stderr.writes, []);
    now += 1_500;
    progress.update('scanning: 5/10 files');
    assert.deepEqual(stderr.writes, ['\r\x1b[2Kscanning: 5/10 files']);
    progress.done();
    assert.equal(stderr.writes.at(-1), '\r\x1b[2K');
  });

  it('is off when stderr is not a TTY or with --quiet, on otherwise', () => {
    for (const [quiet, tty, shown] of [[false, false, false], [true, true, false], [false, true, true]] as const) {
      let now = 0;
      const stderr = fakeStderr(tty);
      const progress = Progress.for(quiet, stderr as unknown as NodeJS.WriteStream, () => now);
      now = 5_000;
      progress.update('x');
      progress.done();
      assert.equal(stderr.writes.length > 0, shown, `quiet=${quiet} tty=${tty}`);
    }
  });

  it('clears nothing when it never showed', () => {
    const stderr = fakeStderr(true);
    const progress = new Progress(true, stderr, () => 0);
    progress.done();
    assert.deepEqual(stderr.writes, []);
  });
});
