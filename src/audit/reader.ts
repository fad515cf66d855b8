/**
 * Streaming reader of audit logs: JSON lines (the log backend's format), gzip-compressed or not
 * (rotated files; detected by the magic bytes, not the name), and `EventList` JSON (the webhook
 * backend's batches, one per line or a pretty-printed document). Memory is bounded by the longest
 * line (`maxLineBytes`), or by `maxDocumentBytes` for a pretty-printed document; a bad line is
 * reported with its file and line and the rest is read.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { notAnAuditEvent, type AuditEvent } from './event.js';

export interface AuditRecord {
  event: AuditEvent;
  file: string;
  line: number;
}

export interface ReadError {
  file: string;
  line?: number;
  message: string;
}

export interface ReaderOptions {
  /** Longest line accepted (default 16 MiB: a RequestResponse event of a large object). */
  maxLineBytes?: number;
  /** Largest pretty-printed JSON document accepted (default 256 MiB). */
  maxDocumentBytes?: number;
  onError(error: ReadError): void;
}

const DEFAULT_MAX_LINE = 16 * 1024 * 1024;
const DEFAULT_MAX_DOCUMENT = 256 * 1024 * 1024;
const NEWLINE = 0x0a;

/** Every event of `value`: an Event, the items of an EventList, or the elements of a JSON array. */
export function* eventsOfValue(value: unknown, file: string, line: number, onError: (error: ReadError) => void): Generator<AuditRecord> {
  if (Array.isArray(value)) {
    for (const item of value) yield* eventsOfValue(item, file, line, onError);
    return;
  }
  if (typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'EventList') {
    const items = (value as { items?: unknown }).items;
    if (items === null || items === undefined) return;
    if (!Array.isArray(items)) {
      onError({ file, line, message: 'EventList.items: expected a list' });
      return;
    }
    items.forEach((item, index) => {
      const problem = notAnAuditEvent(item);
      if (problem) onError({ file, line, message: `items[${index}]: ${problem}` });
    });
    for (const item of items) if (notAnAuditEvent(item) === undefined) yield { event: item as AuditEvent, file, line };
    return;
  }
  const problem = notAnAuditEvent(value);
  if (problem) onError({ file, line, message: problem });
  else yield { event: value as AuditEvent, file, line };
}

function parseProblem(error: unknown): string {
  return `not valid JSON (${error instanceof Error ? error.message.replace(/^Unexpected/, 'unexpected') : String(error)})`;
}

/** Lines of a byte stream, decoded as UTF-8, numbered from 1, one batch per chunk (one await per chunk, not per line); over-long lines are reported and skipped. */
async function* linesOf(stream: AsyncIterable<Buffer>, file: string, maxLineBytes: number, onError: (error: ReadError) => void): AsyncGenerator<Array<{ text: string; line: number }>> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  let skipping = false;
  for await (const chunk of stream) {
    const batch: Array<{ text: string; line: number }> = [];
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(NEWLINE, start);
      if (end < 0) break;
      line += 1;
      if (skipping) {
        skipping = false;
      } else if (pendingBytes + end - start > maxLineBytes) {
        onError({ file, line, message: `line longer than ${maxLineBytes} bytes; skipped` });
      } else if (pendingBytes === 0) {
        batch.push({ text: chunk.toString('utf8', start, end), line });
      } else {
        pending.push(chunk.subarray(start, end));
        batch.push({ text: Buffer.concat(pending).toString('utf8'), line });
      }
      pending = [];
      pendingBytes = 0;
      start = end + 1;
    }
    if (start < chunk.length && !skipping) {
      if (pendingBytes + chunk.length - start > maxLineBytes) {
        onError({ file, line: line + 1, message: `line longer than ${maxLineBytes} bytes; skipped` });
        pending = [];
        pendingBytes = 0;
        skipping = true;
      } else {
        // Copied: the stream may reuse its buffer.
        const rest = Buffer.from(chunk.subarray(start));
        pending.push(rest);
        pendingBytes += rest.length;
      }
    }
    if (batch.length > 0) yield batch;
  }
  if (pendingBytes > 0 && !skipping) yield [{ text: Buffer.concat(pending).toString('utf8'), line: line + 1 }];
}

/** Audit events of a byte stream (already decompressed). */
export async function* readAuditStream(stream: AsyncIterable<Buffer>, file: string, options: ReaderOptions): AsyncGenerator<AuditRecord> {
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE;
  const maxDocument = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT;
  let document: string[] | undefined;
  let documentBytes = 0;
  for await (const batch of linesOf(stream, file, maxLine, options.onError)) for (const { text: raw, line } of batch) {
    let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (document) {
      documentBytes += text.length + 1;
      if (documentBytes > maxDocument) {
        options.onError({ file, line: 1, message: `JSON document larger than ${maxDocument} bytes; not read` });
        return;
      }
      document.push(text);
      continue;
    }
    // Whitespace around a line is rare: trim (a copy) only when the line starts or ends with some.
    const edge = text.length === 0 ? 0 : Math.min(text.charCodeAt(0), text.charCodeAt(text.length - 1));
    const trimmed = edge <= 32 ? text.trim() : text;
    if (trimmed === '') continue;
    // A pretty-printed document (`kubectl get --raw`, jq): read whole, within maxDocumentBytes.
    if (line === 1 && (trimmed === '{' || trimmed === '[')) {
      document = [text];
      documentBytes = text.length + 1;
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      options.onError({ file, line, message: parseProblem(error) });
      continue;
    }
    yield* eventsOfValue(value, file, line, options.onError);
  }
  if (document) {
    let value: unknown;
    try {
      value = JSON.parse(document.join('\n'));
    } catch (error) {
      options.onError({ file, line: 1, message: parseProblem(error) });
      return;
    }
    yield* eventsOfValue(value, file, 1, options.onError);
  }
}

const GZIP_MAGIC = [0x1f, 0x8b];

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

/** A byte stream that ends (instead of throwing) on a read or decompression error, reported as `onError`. */
async function* guarded(stream: Readable, file: string, what: string, onError: (error: ReadError) => void): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    onError({ file, message: `${what}: ${code === 'Z_BUF_ERROR' ? 'unexpected end of file (truncated)' : (error as Error).message}; read up to here` });
  } finally {
    stream.destroy();
  }
}

/** Audit events of a file, plain or gzip. A missing or unreadable file is one error; nothing throws. */
export async function* readAuditFile(path: string, options: ReaderOptions): AsyncGenerator<AuditRecord> {
  let gzip: boolean;
  try {
    gzip = await isGzip(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    options.onError({ file: path, message: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message });
    return;
  }
  const raw = createReadStream(path, { highWaterMark: 256 * 1024 });
  const bytes = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on('error', (error) => bytes.destroy(error));
  yield* readAuditStream(guarded(bytes, path, gzip ? 'gzip' : 'read', options.onError), path, options);
}
