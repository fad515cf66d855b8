/**
 * Input units from the command line: files, directories (recursively: .yaml, .yml, .json) and `-`
 * for standard input. Reading is bounded: huge and binary files are refused with a clear error.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
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
}

/** Expands the paths given on the command line into files, in a stable (sorted) order. */
export function expandPaths(paths: readonly string[]): ExpandedInputs {
  const units: InputUnit[] = [];
  const errors: InputError[] = [];
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
    if (stats.isDirectory()) walk(path, units, errors);
    else units.push({ source: 'file', file: path });
  }
  return { units, errors };
}

function walk(dir: string, units: InputUnit[], errors: InputError[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    errors.push({ file: dir, message: `cannot read directory: ${(error as Error).message}` });
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, units, errors);
    else if (entry.isFile() && MANIFEST_EXTENSIONS.test(entry.name)) units.push({ source: 'file', file: full });
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

/** Reads a file, refusing it before reading when it is over the limit. */
export function readBounded(file: string, maxBytes: number): ReadResult {
  let fd: number | undefined;
  try {
    const stats = statSync(file);
    if (stats.size > maxBytes) return tooLarge(file, stats.size, maxBytes);
    fd = openSync(file, 'r');
    const buffer = Buffer.allocUnsafe(Math.min(stats.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) return tooLarge(file, length, maxBytes);
      if (length === buffer.length) break;
    }
    return decode(buffer.subarray(0, length), file);
  } catch (error) {
    return { error: { file, message: `cannot read: ${(error as Error).message}` } };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
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
