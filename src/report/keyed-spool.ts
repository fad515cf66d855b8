/**
 * Lines filed under keys (a namespace, a control), read back one key at a time in append order:
 * for reports that write one section per key while the input arrives in any order (PolicyReport
 * per namespace). Past a memory budget, the pending lines of every key are written to one
 * anonymous temporary file, each key's as one contiguous extent; reading a key back reads its
 * extents, then its lines still in memory. Memory: the budget plus a few numbers per key and flush.
 */
import { closeSync, readSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { OutputError } from './reporter.js';
import { openAnonymousFile } from './spool.js';

const MEMORY_BYTES = 8 * 2 ** 20;

interface Bucket {
  pending: string[];
  /** [byte offset, byte length] of each flushed run of lines, oldest first. */
  extents: Array<[number, number]>;
  lines: number;
}

export class KeyedSpool {
  private readonly buckets = new Map<string, Bucket>();
  private pendingChars = 0;
  private fd: number | undefined;
  private written = 0;

  constructor(private readonly memoryBytes = MEMORY_BYTES) {}

  /** Appends one line (without a line break) under a key. */
  append(key: string, line: string): void {
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = { pending: [], extents: [], lines: 0 }));
    bucket.pending.push(line);
    bucket.lines += 1;
    this.pendingChars += line.length + 1;
    // UTF-16 code units to UTF-8 bytes: at most 3 bytes each.
    if (this.pendingChars * 3 > this.memoryBytes) this.flush();
  }

  /** The keys, in the order of their first line. */
  keys(): string[] {
    return [...this.buckets.keys()];
  }

  /** Number of lines filed under a key. */
  count(key: string): number {
    return this.buckets.get(key)?.lines ?? 0;
  }

  /** The lines of one key in append order; the key is forgotten afterwards. */
  *drain(key: string): Generator<string> {
    const bucket = this.buckets.get(key);
    if (!bucket) return;
    this.buckets.delete(key);
    yield* this.linesOf(bucket);
  }

  /** The lines of one key in append order, kept for another read (no line may be appended meanwhile). */
  *read(key: string): Generator<string> {
    const bucket = this.buckets.get(key);
    if (bucket) yield* this.linesOf(bucket);
  }

  private *linesOf(bucket: Bucket): Generator<string> {
    for (const [offset, length] of bucket.extents) yield* this.readExtent(offset, length);
    yield* bucket.pending;
  }

  /** Releases the temporary file (already unlinked) and every line. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.written = 0;
    this.buckets.clear();
    this.pendingChars = 0;
  }

  private *readExtent(offset: number, length: number): Generator<string> {
    const bytes = Buffer.allocUnsafe(length);
    let read = 0;
    while (read < length) {
      const n = readSync(this.fd!, bytes, read, length - read, offset + read);
      if (n === 0) throw new OutputError(`the report's temporary file ended early (in ${tmpdir()})`);
      read += n;
    }
    let start = 0;
    for (let end = bytes.indexOf(10, start); end >= 0; end = bytes.indexOf(10, start)) {
      yield bytes.toString('utf8', start, end);
      start = end + 1;
    }
  }

  private flush(): void {
    try {
      this.fd ??= openAnonymousFile();
      for (const bucket of this.buckets.values()) {
        if (bucket.pending.length === 0) continue;
        const bytes = Buffer.from(`${bucket.pending.join('\n')}\n`, 'utf8');
        let offset = 0;
        while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset, bytes.length - offset, this.written + offset);
        bucket.extents.push([this.written, bytes.length]);
        this.written += bytes.length;
        bucket.pending = [];
      }
    } catch (error) {
      throw new OutputError(`cannot keep the report's rows in a temporary file (in ${tmpdir()}): ${(error as Error).message}`);
    }
    this.pendingChars = 0;
  }
}
