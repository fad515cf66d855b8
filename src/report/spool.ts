/**
 * An append-only list of text lines that spills to an anonymous temporary file once it outgrows a
 * memory budget, and is read back in order at the end. Reporters whose layout needs the whole run
 * before the first byte (column widths, totals at the top) keep their rows here instead of in memory.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputError } from './reporter.js';

/** Lines kept in memory before the spool moves to disk. */
const MEMORY_BYTES = 4 * 2 ** 20;
const CHUNK_BYTES = 1 * 2 ** 20;

export class Spool {
  private pending: string[] = [];
  private pendingChars = 0;
  private fd: number | undefined;
  private written = 0;

  constructor(private readonly memoryBytes = MEMORY_BYTES) {}

  /** Appends one line; it must not contain a line break. */
  append(line: string): void {
    this.pending.push(line);
    this.pendingChars += line.length + 1;
    if (this.pendingChars * 3 > (this.fd === undefined ? this.memoryBytes : CHUNK_BYTES)) this.flush();
  }

  /** The lines in the order they were appended; the spool is empty afterwards. */
  *drain(): Generator<string> {
    if (this.fd === undefined) {
      const lines = this.pending;
      this.pending = [];
      this.pendingChars = 0;
      yield* lines;
      return;
    }
    this.flush();
    const fd = this.fd;
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let position = 0;
    let carry = Buffer.alloc(0);
    try {
      while (position < this.written) {
        const read = readSync(fd, buffer, 0, buffer.length, position);
        if (read === 0) break;
        position += read;
        const bytes = carry.length > 0 ? Buffer.concat([carry, buffer.subarray(0, read)]) : buffer.subarray(0, read);
        let start = 0;
        for (let end = bytes.indexOf(10, start); end >= 0; end = bytes.indexOf(10, start)) {
          yield bytes.toString('utf8', start, end);
          start = end + 1;
        }
        // A copy: `buffer` is overwritten by the next read.
        carry = Buffer.from(bytes.subarray(start));
      }
    } finally {
      this.close();
    }
  }

  /** Releases the temporary file (already unlinked: nothing is left behind even if the process dies). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.written = 0;
    this.pending = [];
    this.pendingChars = 0;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const bytes = Buffer.from(`${this.pending.join('\n')}\n`, 'utf8');
    try {
      this.fd ??= openAnonymousFile();
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset, bytes.length - offset, this.written + offset);
    } catch (error) {
      throw new OutputError(`cannot keep the report's rows in a temporary file (in ${tmpdir()}): ${(error as Error).message}`);
    }
    this.written += bytes.length;
    this.pending = [];
    this.pendingChars = 0;
  }
}

/** A read-write file with no name: created in a private directory and unlinked at once. */
export function openAnonymousFile(): number {
  const dir = mkdtempSync(join(tmpdir(), 'annexa-spool-'));
  const path = join(dir, 'rows');
  try {
    return openSync(path, 'w+', 0o600);
  } finally {
    try {
      unlinkSync(path);
    } catch {
      // Not created.
    }
    try {
      rmdirSync(dir);
    } catch {
      // Where an open file cannot be unlinked (Windows) the directory stays until the OS cleans it.
    }
  }
}
