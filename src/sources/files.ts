/**
 * Input units from the command line: files, directories (recursively: .yaml, .yml, .json) and `-`
 * for standard input. Reading is bounded: huge and binary files are refused with a clear error.
 */
import { closeSync, openSync, readdirSync, readSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import type { InputError, SourceKind } from '../resources/types.js';

export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;
const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

export interface InputUnit {
  source: SourceKind;
  /** Path as shown to the user (`-` for stdin). */
  file: string;
  /** Text, when the unit was produced in memory (stdin, kustomize). */
  text?: string;
}

export interface ExpandedInputs {
  units: InputUnit[];
  errors: InputError[];
  /** What was skipped inside directories and why (symbolic links, FIFOs, devices, sockets). */
  notes: InputError[];
  /** Directories given on the command line that hold no manifest file at all. */
  emptyDirectories: string[];
}

/** A file whose presence makes a directory an unrendered Helm chart. */
const HELM_CHART_FILE = 'Chart.yaml';

function helmChartMessage(dir: string): string {
  return `a Helm chart (${HELM_CHART_FILE}), not rendered manifests: render it first, e.g. helm template NAME ${dir} | annexa scan -`;
}

/** Expands the paths given on the command line into files, in a stable (sorted) order. */
export function expandPaths(paths: readonly string[]): ExpandedInputs {
  const units: InputUnit[] = [];
  const errors: InputError[] = [];
  const notes: InputError[] = [];
  const emptyDirectories: string[] = [];
  for (const path of paths) {
    if (path === '-') {
      units.push({ source: 'stdin', file: '-' });
      continue;
    }
    let stats;
    try {
      stats = statSync(path);
    } catch (error) {
      errors.push({ file: path, message: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message });
      continue;
    }
    if (stats.isDirectory()) {
      const before = units.length;
      const errorsBefore = errors.length;
      walk(path, units, errors, notes);
      if (units.length === before && errors.length === errorsBefore) emptyDirectories.push(path);
    } else units.push({ source: 'file', file: path });
  }
  return { units, errors, notes, emptyDirectories };
}

function specialFileKind(entry: Dirent): string | undefined {
  if (entry.isSymbolicLink()) return 'symbolic link';
  if (entry.isFIFO()) return 'FIFO';
  if (entry.isCharacterDevice() || entry.isBlockDevice()) return 'device';
  if (entry.isSocket()) return 'socket';
  return undefined;
}

function walk(dir: string, units: InputUnit[], errors: InputError[], notes: InputError[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    errors.push({ file: dir, message: `cannot read directory: ${(error as Error).message}` });
    return;
  }
  if (entries.some((entry) => entry.name === HELM_CHART_FILE && entry.isFile())) {
    errors.push({ file: dir, message: helmChartMessage(dir) });
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, units, errors, notes);
    else if (entry.isFile()) {
      if (MANIFEST_EXTENSIONS.test(entry.name)) units.push({ source: 'file', file: full });
    } else {
      const kind = specialFileKind(entry);
      if (kind !== undefined) notes.push({ file: full, message: `${kind} skipped: only regular files are read inside a directory` });
    }
  }
}

export type ReadResult = { text: string } | { error: InputError };

const BINARY_PROBE_BYTES = 8192;

function looksBinary(buffer: Buffer): boolean {
  const probe = buffer.subarray(0, BINARY_PROBE_BYTES);
  if (probe.includes(0)) return true;
  let control = 0;
  for (const byte of probe) if (byte < 9 || (byte > 13 && byte < 32)) control += 1;
  return probe.length > 0 && control / probe.length > 0.1;
}

function decode(buffer: Buffer, file: string): ReadResult {
  if (looksBinary(buffer)) return { error: { file, message: 'binary file, not YAML or JSON; refused' } };
  const text = buffer.toString('utf8');
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

function tooLarge(file: string, size: number, limit: number): ReadResult {
  return { error: { file, message: `file is ${size} bytes, over the ${limit}-byte limit (--max-file-size); refused` } };
}

/**
 * Reads a file, refusing it before reading when it is over the limit. A pipe, FIFO, device or procfs
 * file (`<(helm template …)`, `/dev/stdin`) reports size 0: it is read to its end, up to the limit.
 */
export function readBounded(file: string, maxBytes: number): ReadResult {
  let fd: number | undefined;
  try {
    const stats = statSync(file);
    if (stats.isFile() && stats.size > maxBytes) return tooLarge(file, stats.size, maxBytes);
    fd = openSync(file, 'r');
    const read = stats.isFile() ? readSized(fd, Math.min(stats.size, maxBytes) + 1, maxBytes) : readToEnd(fd, maxBytes);
    if (read === undefined) return { error: tooLargeStream(file, maxBytes) };
    return decode(read, file);
  } catch (error) {
    return { error: { file, message: `cannot read: ${(error as Error).message}` } };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A regular file: one buffer of its size (plus one byte, to notice growth past the limit). */
function readSized(fd: number, size: number, maxBytes: number): Buffer | undefined {
  const buffer = Buffer.allocUnsafe(size);
  let length = 0;
  for (;;) {
    const n = readSync(fd, buffer, length, buffer.length - length, null);
    if (n === 0) break;
    length += n;
    if (length > maxBytes) return undefined;
    if (length === buffer.length) break;
  }
  return buffer.subarray(0, length);
}

const STREAM_CHUNK_BYTES = 64 * 1024;

/** A stream with no size: chunks until end of input; undefined once it passes the limit. */
function readToEnd(fd: number, maxBytes: number): Buffer | undefined {
  const chunks: Buffer[] = [];
  let length = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(STREAM_CHUNK_BYTES);
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      // A non-blocking pipe with nothing yet: wait for the writer.
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      throw error;
    }
    if (n === 0) break;
    length += n;
    if (length > maxBytes) return undefined;
    chunks.push(chunk.subarray(0, n));
  }
  return Buffer.concat(chunks, length);
}

function tooLargeStream(file: string, limit: number): InputError {
  return { file, message: `input is over the ${limit}-byte limit (--max-file-size); refused` };
}

/** Reads standard input up to the limit; the rest is refused rather than buffered. */
export async function readStdin(maxBytes: number, stream: NodeJS.ReadableStream = process.stdin): Promise<ReadResult> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    length += buffer.length;
    if (length > maxBytes) {
      if ('destroy' in stream && typeof stream.destroy === 'function') stream.destroy();
      return tooLarge('-', length, maxBytes);
    }
    chunks.push(buffer);
  }
  return decode(Buffer.concat(chunks), '-');
}

/** Parses a size such as `20MiB`, `512k` or `1048576`. */
export function parseSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('g') ? 1024 ** 3 : 1;
  return Math.floor(Number(match[1]) * factor);
}
