/**
 * TLS material read from files and reloaded when they change (cert-manager and kubelet rotate a
 * mounted Secret by swapping a symlinked directory, so the directories are watched, not the files).
 * A new pair is applied only when it loads and the key matches the certificate; otherwise the
 * server keeps the context it has and the failure is logged.
 */
import { watch, readFileSync, type FSWatcher } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from './logger.js';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** When set, clients must present a certificate signed by this CA (mutual TLS). */
  clientCaFile?: string;
  /**
   * With `clientCaFile`: ask for a client certificate but let the handshake succeed without one; the
   * handler decides (`(req.socket as TLSSocket).authorized`), e.g. to accept a bearer token instead and answer 401.
   */
  clientCertOptional?: boolean;
}

/** Reads the files and builds context options; throws with the file name and reason when they do not form a usable pair. */
export function loadTlsOptions(files: TlsFiles): SecureContextOptions {
  const cert = readTlsFile(files.certFile, 'certificate');
  const key = readTlsFile(files.keyFile, 'private key');
  const options: SecureContextOptions = { cert, key };
  if (files.clientCaFile) options.ca = readTlsFile(files.clientCaFile, 'client CA');
  try {
    // Validates the PEM blocks and that the key matches the certificate.
    createSecureContext(options);
  } catch (error) {
    throw new Error(`${files.certFile} / ${files.keyFile}: not a usable certificate and key pair: ${(error as Error).message}`);
  }
  return options;
}

function readTlsFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`${file}: cannot read the ${what}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export interface TlsReloader {
  /** Number of successful reloads since start (0 until the first change). */
  readonly generation: number;
  close(): void;
}

export interface TlsReloadOptions {
  files: TlsFiles;
  apply(options: SecureContextOptions): void;
  logger: Logger;
  /** Wait this long after the last change event before reading (writers replace files in steps); default 100 ms. */
  debounceMs?: number;
  /** Called after each attempt: `true` when applied, the error otherwise. */
  onReload?(result: true | Error): void;
}

export function watchTlsFiles(options: TlsReloadOptions): TlsReloader {
  const { files, logger } = options;
  const debounceMs = options.debounceMs ?? 100;
  const watched = [files.certFile, files.keyFile, files.clientCaFile].filter((f): f is string => typeof f === 'string').map((f) => resolve(f));
  const directories = [...new Set(watched.map((f) => dirname(f)))];
  let generation = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const reload = () => {
    timer = undefined;
    if (closed) return;
    try {
      options.apply(loadTlsOptions(files));
      generation += 1;
      logger.info('TLS certificate reloaded', { certFile: files.certFile, generation });
      options.onReload?.(true);
    } catch (error) {
      logger.error('TLS certificate not reloaded; keeping the previous one', { error: (error as Error).message });
      options.onReload?.(error as Error);
    }
  };
  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(reload, debounceMs);
    timer.unref();
  };
  // Only changes of the watched files, or of the kubelet's atomic-writer entries (`..data`, `..2026_…`),
  // count: other files in the directory (a log, an SQLite store beside the certificate) would otherwise
  // trigger a reload on every write, and a reload's own log line written there would loop.
  const names = new Set(watched.map((f) => basename(f)));
  const relevant = (_event: string, filename: string | Buffer | null) => {
    const name = filename === null ? null : String(filename);
    if (name === null || names.has(name) || name.startsWith('..')) schedule();
  };
  const watchers: FSWatcher[] = [];
  for (const directory of directories) {
    try {
      const watcher = watch(directory, { persistent: false }, relevant);
      watcher.on('error', (error) => logger.warn('TLS directory watch failed', { directory, error }));
      watchers.push(watcher);
    } catch (error) {
      logger.warn('cannot watch TLS directory; certificate rotation needs a restart', { directory, error });
    }
  }
  return {
    get generation() {
      return generation;
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
