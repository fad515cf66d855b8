/** Output plumbing shared by commands: stdout or --output-file, colour only on a TTY, progress on stderr. */
import { closeSync, openSync, writeSync } from 'node:fs';

export interface Output {
  write(chunk: string): void;
  close(): void;
  color: boolean;
}

const FLUSH_BYTES = 256 * 1024;

/**
 * Collects small writes (a finding at a time) into large synchronous writes: each chunk is encoded
 * straight into one reused buffer. Synchronous, so that large outputs stay ordered and complete
 * even when the process exits right after.
 */
function bufferedWriter(fd: number, onClose: () => void): Pick<Output, 'write' | 'close'> {
  const buffer = Buffer.allocUnsafe(FLUSH_BYTES);
  let used = 0;
  let broken = false;
  const send = (bytes: Buffer) => {
    if (broken) return;
    // A reader that went away (`| head`) is not an error of ours: stop writing, keep the exit code.
    try {
      writeAll(fd, bytes);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
      broken = true;
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
    let fd: number;
    try {
      fd = openSync(outputFile, 'w');
    } catch (error) {
      // Every command: a clear usage error (exit 2), not a stack trace.
      throw new UsageError(`--output-file: cannot write "${outputFile}": ${(error as Error).message}`);
    }
    return { ...bufferedWriter(fd, () => closeSync(fd)), color: false };
  }
  const color = Boolean(stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  const fd = (stdout as unknown as { fd?: number }).fd;
  if (typeof fd === 'number') return { ...bufferedWriter(fd, () => undefined), color };
  return { write: (chunk) => void stdout.write(chunk), close: () => undefined, color };
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
