/**
 * A minimal ustar writer and reader for evidence bundles: regular files only, names up to 100
 * bytes, gzip by node:zlib. Enough for bundles annexa writes; `tar -xzf` reads them.
 *
 * `writeTarGzStream` writes entries whose data comes from files or buffers straight through gzip
 * into a file, a chunk at a time, so an archive of any size is written in bounded memory; it
 * gives the same bytes as `writeTarGz` (tested).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';

const BLOCK = 512;

export interface TarEntry {
  name: string;
  data: Buffer;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, mtime: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length > 100) throw new Error(`tar: file name longer than 100 bytes: ${name}`);
  const block = Buffer.alloc(BLOCK, 0);
  nameBytes.copy(block, 0);
  block.write(octal(0o644, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(mtime, 12), 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write('0', 156, 'ascii');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

export function writeTarGz(entries: readonly TarEntry[], mtime: Date = new Date()): Buffer {
  const seconds = Math.floor(mtime.getTime() / 1000);
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(header(entry.name, entry.data.length, seconds), entry.data);
    const pad = (BLOCK - (entry.data.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return gzipSync(Buffer.concat(parts));
}

/** An entry whose data is read from `path` when written: `size` bytes, known beforehand (the tar header holds it). */
export interface TarFileEntry {
  name: string;
  path: string;
  size: number;
}

export type StreamedTarEntry = TarEntry | TarFileEntry;

function padding(size: number): Buffer | undefined {
  const pad = (BLOCK - (size % BLOCK)) % BLOCK;
  return pad > 0 ? Buffer.alloc(pad, 0) : undefined;
}

async function* tarChunks(entries: readonly StreamedTarEntry[], seconds: number): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    const size = 'data' in entry ? entry.data.length : entry.size;
    yield header(entry.name, size, seconds);
    if ('data' in entry) {
      yield entry.data;
    } else {
      let read = 0;
      for await (const chunk of createReadStream(entry.path)) {
        read += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
      // The header promised `size` bytes: a file that changed under us would corrupt the archive.
      if (read !== size) throw new Error(`tar: ${entry.path} has ${read} bytes, expected ${size}`);
    }
    const pad = padding(size);
    if (pad) yield pad;
  }
  yield Buffer.alloc(BLOCK * 2, 0);
}

/** Writes the .tar.gz of `entries` to `path`, streaming (see the module comment). */
export async function writeTarGzStream(entries: readonly StreamedTarEntry[], path: string, mtime: Date = new Date()): Promise<void> {
  await pipeline(Readable.from(tarChunks(entries, Math.floor(mtime.getTime() / 1000))), createGzip(), createWriteStream(path));
}

export class TarFormatError extends Error {}

/** Regular files of a .tar.gz; anything malformed is an error naming where it stopped. */
export function readTarGz(archive: Buffer): TarEntry[] {
  let tar: Buffer;
  try {
    tar = gunzipSync(archive);
  } catch (error) {
    throw new TarFormatError(`not a gzip file (${(error as Error).message})`);
  }
  const entries: TarEntry[] = [];
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const block = tar.subarray(offset, offset + BLOCK);
    if (block.every((byte) => byte === 0)) break;
    const stored = parseInt(block.toString('ascii', 148, 156).replace(/[\0 ]+$/, '').trim(), 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
    if (stored !== sum) throw new TarFormatError(`tar header at byte ${offset}: checksum mismatch`);
    const name = block.toString('utf8', 0, 100).replace(/\0.*$/s, '');
    const prefix = block.toString('utf8', 345, 500).replace(/\0.*$/s, '');
    const size = parseInt(block.toString('ascii', 124, 136).replace(/\0.*$/s, '').trim() || '0', 8);
    const type = block.toString('ascii', 156, 157);
    const start = offset + BLOCK;
    if (!Number.isFinite(size) || start + size > tar.length) throw new TarFormatError(`tar entry ${name}: truncated`);
    if (type === '0' || type === '\0' || type === '') entries.push({ name: prefix ? `${prefix}/${name}` : name, data: Buffer.from(tar.subarray(start, start + size)) });
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}
