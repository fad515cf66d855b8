/** Output plumbing shared by commands: stdout or --output-file, colour only on a TTY, progress on stderr. */
import { closeSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export interface Output {
  write(chunk: string): void;
  close(): void;
  /** After a failure elsewhere (a report that cannot be completed): closes, and leaves no partial --output-file. */
  abort(): void;
  color: boolean;
}

const FLUSH_BYTES = 256 * 1024;

/**
 * Collects small writes (a finding at a time) into large synchronous writes: each chunk is encoded
 * straight into one reused buffer. Synchronous, so that large outputs stay ordered and complete
 * even when the process exits right after.
 */
function bufferedWriter(fd: number, target: string, onClose: () => void): Pick<Output, 'write' | 'close'> {
  const buffer = Buffer.allocUnsafe(FLUSH_BYTES);
  let used = 0;
  let broken = false;
  const send = (bytes: Buffer) => {
    if (broken) return;
    try {
      writeAll(fd, bytes);
    } catch (error) {
      // A reader that went away (`| head`) is not an error of ours: stop writing, keep the exit code.
      if ((error as NodeJS.ErrnoException).code === 'EPIPE' && target === STDOUT) {
        broken = true;
        return;
      }
      throw new WriteError(target, error);
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

const STDOUT = 'standard output';

/** A failed write of the report (ENOSPC, EIO, EPIPE to a file…): one line on stderr, exit 2. */
export class WriteError extends Error {
  override name = 'WriteError';
  constructor(readonly target: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason = code === 'ENOSPC' ? 'no space left on device' : code === 'EIO' ? 'input/output error' : code === 'EPIPE' ? 'broken pipe'
      : code === 'EDQUOT' ? 'disk quota exceeded' : code === 'EFBIG' ? 'file too large' : cause instanceof Error ? cause.message : String(cause);
    super(`cannot write ${target === STDOUT ? target : `"${target}"`}: ${reason}${code ? ` (${code})` : ''}`);
  }
}

/**
 * `--output-file`: a regular file (or a new one) is written to a temporary file beside it and renamed
 * over it once complete, so a reader never sees half a report and two runs never interleave; a
 * device or FIFO (`/dev/stdout`, `/dev/full`) is written in place.
 */
function openOutputFile(outputFile: string): Pick<Output, 'write' | 'close' | 'abort'> {
  const inPlace = isSpecialFile(outputFile);
  const path = inPlace ? outputFile : temporaryPathFor(outputFile);
  let fd: number;
  try {
    fd = openSync(path, inPlace ? 'w' : 'wx', 0o644);
  } catch (error) {
    // Every command: a clear usage error (exit 2), not a stack trace.
    throw new UsageError(`--output-file: cannot write "${outputFile}": ${fsReason(error)}`);
  }
  let open = true;
  const abandon = () => {
    if (open) closeQuietly(fd);
    open = false;
    if (!inPlace) removeQuietly(path);
  };
  const writer = bufferedWriter(fd, outputFile, () => {
    closeSync(fd);
    open = false;
    if (!inPlace) renameSync(path, outputFile);
  });
  const guarded = (action: () => void) => {
    try {
      action();
    } catch (error) {
      abandon();
      throw error instanceof WriteError ? error : new WriteError(outputFile, error);
    }
  };
  return {
    write: (chunk) => guarded(() => writer.write(chunk)),
    close: () => guarded(() => writer.close()),
    abort: abandon,
  };
}

const FS_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such directory', EACCES: 'permission denied', EPERM: 'operation not permitted', EISDIR: 'is a directory',
  EROFS: 'read-only file system', ENOTDIR: 'a parent is not a directory', ENOSPC: 'no space left on device',
};

/** The reason without the path Node quotes (which may be the temporary file, not the one the user named). */
function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code !== undefined && FS_REASONS[code] ? `${FS_REASONS[code]} (${code})` : error instanceof Error ? error.message : String(error);
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function isSpecialFile(path: string): boolean {
  try {
    return !statSync(path).isFile();
  } catch {
    return false;
  }
}

function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

export function openOutput(outputFile: string | undefined, stdout: NodeJS.WriteStream = process.stdout): Output {
  if (outputFile) return { ...openOutputFile(outputFile), color: false };
  const color = Boolean(stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  const fd = (stdout as unknown as { fd?: number }).fd;
  const abort = () => undefined;
  if (typeof fd === 'number') return { ...bufferedWriter(fd, STDOUT, () => undefined), abort, color };
  return { write: (chunk) => void stdout.write(chunk), close: () => undefined, abort, color };
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

/**
 * Text from the input (names, file names, messages quoting them) made safe for a terminal: control
 * characters (C0, DEL, C1: screen clears, OSC 52 clipboard writes), line and paragraph separators
 * and bidirectional overrides (which reorder what is shown) become visible escapes.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

export interface Problem {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/** `annexa: FILE:LINE:COL: message` (the position as far as known), one line, escaped. */
export function problemLine(problem: Problem, label?: 'note' | 'warning'): string {
  const position = `${problem.line ? `:${problem.line}` : ''}${problem.line && problem.column ? `:${problem.column}` : ''}`;
  const message = `${label ? `${label}: ` : ''}${problem.message}`;
  return `annexa: ${terminalSafe(problem.file)}${position}: ${terminalSafe(message)}\n`;
}

/** Every input error and note on stderr, where CI looks, whatever the output format and destination. */
export function reportProblems(
  errors: readonly Problem[],
  notes: readonly Problem[] = [],
  stderr: Pick<NodeJS.WritableStream, 'write'> = process.stderr,
): void {
  for (const note of notes) stderr.write(problemLine(note, 'note'));
  for (const error of errors) stderr.write(problemLine(error));
}

/**
 * A configuration picked up from the working directory (in CI: maybe the pull request under scan)
 * changes scope and checks: say so on stderr. One given with --config is the user's choice.
 */
export function noteConfig(explicit: string | undefined, file: string | undefined, stderr: Pick<NodeJS.WritableStream, 'write'> = process.stderr): void {
  if (explicit !== undefined || file === undefined) return;
  stderr.write(problemLine({ file, message: 'using this configuration from the working directory (its scope, exclusions and check settings apply; --config chooses another)' }, 'note'));
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT = { ok: 0, findings: 1, error: 2 } as const;
