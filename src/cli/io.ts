/** Output plumbing shared by commands: stdout or --output-file, colour only on a TTY, progress on stderr. */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { OutputError } from '../report/reporter.js';

export interface Output {
  write(chunk: string): void;
  close(): void;
  /** After a failure elsewhere: closes, and removes an --output-file this run created. */
  abort(): void;
  color: boolean;
}

const FLUSH_BYTES = 256 * 1024;

/**
 * Collects small writes (a finding at a time) into large synchronous writes: each chunk is encoded
 * straight into one reused buffer. Synchronous, so that large outputs stay ordered and complete
 * even when the process exits right after.
 *
 * A write that fails for any reason but a reader gone away (disk full, file too large, I/O error)
 * calls `onFailure` (which removes a partial --output-file) and throws an OutputError: the command
 * stops and exits 2 with that message.
 */
function bufferedWriter(fd: number, target: string, onClose: () => void, onFailure: () => void = onClose): Pick<Output, 'write' | 'close'> {
  const buffer = Buffer.allocUnsafe(FLUSH_BYTES);
  let used = 0;
  let broken = false;
  const send = (bytes: Buffer) => {
    if (broken) return;
    // A reader that went away (`| head`) is not an error of ours: stop writing, keep the exit code.
    try {
      writeAll(fd, bytes);
    } catch (error) {
      broken = true;
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') {
        onFailure();
        throw new OutputError(`cannot write the report to ${target}: ${(error as Error).message}`);
      }
    }
  };
  const flush = () => {
    if (used === 0) return;
    send(buffer.subarray(0, used));
    used = 0;
  };
  return {
    write(chunk) {
      // A UTF-16 code unit takes at most 3 bytes in UTF-8.
      if (chunk.length * 3 > FLUSH_BYTES - used) {
        flush();
        if (chunk.length * 3 > FLUSH_BYTES) {
          send(Buffer.from(chunk));
          return;
        }
      }
      used += buffer.write(chunk, used);
    },
    close() {
      flush();
      onClose();
    },
  };
}

export function openOutput(outputFile: string | undefined, stdout: NodeJS.WriteStream = process.stdout): Output {
  if (outputFile) {
    let opened: { fd: number; created: boolean };
    try {
      opened = openForReport(outputFile);
    } catch (error) {
      // Every command: a clear usage error (exit 2), not a stack trace.
      throw new UsageError(`--output-file: cannot write "${outputFile}": ${(error as Error).message}`);
    }
    const { fd, created } = opened;
    let open = true;
    const closeOnce = () => {
      if (open) closeSync(fd);
      open = false;
    };
    const removePartial = () => {
      closeOnce();
      // Only a file this run created: never a device (/dev/null) or a file that was there before.
      if (created) rmSync(outputFile, { force: true });
    };
    return { ...bufferedWriter(fd, `"${outputFile}"`, closeOnce, removePartial), abort: removePartial, color: false };
  }
  const color = Boolean(stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  const fd = (stdout as unknown as { fd?: number }).fd;
  if (typeof fd === 'number') return { ...bufferedWriter(fd, 'standard output', () => undefined), abort: () => undefined, color };
  return { write: (chunk) => void stdout.write(chunk), close: () => undefined, abort: () => undefined, color };
}

/** Opens the report file, noting whether this run created it (a partial one is then removed on failure). */
function openForReport(file: string): { fd: number; created: boolean } {
  try {
    return { fd: openSync(file, 'wx'), created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { fd: openSync(file, 'w'), created: false };
  }
}

function writeAll(fd: number, buffer: Buffer): void {
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += writeSync(fd, buffer, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      throw error;
    }
  }
}

/** A progress line on stderr, shown only on a TTY and only once work has taken over a second. */
export class Progress {
  private readonly started: number;
  private shown = false;

  constructor(
    private readonly enabled: boolean,
    private readonly stderr: Pick<NodeJS.WritableStream, 'write'> = process.stderr,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  /** Progress for a command: shown only on a TTY stderr and without --quiet. */
  static for(quiet: boolean, stderr: Pick<NodeJS.WriteStream, 'write' | 'isTTY'> = process.stderr, now: () => number = Date.now): Progress {
    return new Progress(!quiet && Boolean(stderr.isTTY), stderr, now);
  }

  update(text: string): void {
    if (!this.enabled || this.now() - this.started < 1000) return;
    this.shown = true;
    this.stderr.write(`\r\x1b[2K${text}`);
  }

  done(): void {
    if (this.shown) this.stderr.write('\r\x1b[2K');
  }
}

export class UsageError extends Error {
  override name = 'UsageError';
}


export const EXIT = { ok: 0, findings: 1, error: 2 } as const;
