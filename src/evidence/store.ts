/**
 * The evidence store: one interface over the SQLite and PostgreSQL backends. Appends are hash-
 * chained and each append transaction ends with a signed checkpoint; `verify` recomputes it all.
 */
import { existsSync } from 'node:fs';
import { randomBytes, type KeyObject } from 'node:crypto';
import { planAppend, ChainVerifier, type ChainProblem, type ToolIdentity } from './chain.js';
import { derOf, fingerprint, loadOrCreateSigningKey, readPublicKey, type SigningKey } from './signing.js';
import { isPostgresUrl } from './location.js';
import type { AppendedRecord, ChainHead, RecordDraft, RecordEnvelope, RecordFilter, StoreBackend, StoredRow } from './types.js';

export const DEFAULT_STORE = 'annexa.db';
const PAGE = 5000;

export interface OpenStoreOptions {
  tool: ToolIdentity;
  /** PEM Ed25519 private key; default: beside the SQLite file, or ./annexa-evidence.ed25519.pem for PostgreSQL. */
  signingKey?: string;
}

/** Where the signing key of a store lives when none is given. */
export function defaultSigningKeyPath(location: string): string {
  return isPostgresUrl(location) ? 'annexa-evidence.ed25519.pem' : `${location}.ed25519.pem`;
}

export interface VerifyReport {
  ok: boolean;
  store: string;
  backend: 'sqlite' | 'postgres';
  schemaVersion: number;
  records: number;
  head?: ChainHead;
  checkpoints: number;
  checkpointsMatched: number;
  /** Which key the checkpoint signatures were checked against. */
  key: { fingerprint: string | null; source: 'given' | 'signing-key' | 'recorded-in-store' };
  problem?: ChainProblem;
}

export class EvidenceStore {
  private signingKey: SigningKey | undefined;

  private constructor(readonly backend: StoreBackend, private readonly options: OpenStoreOptions, private readonly keyFile: string) {}

  static async open(location: string, options: OpenStoreOptions): Promise<EvidenceStore> {
    const backend = isPostgresUrl(location)
      ? await (await import('./postgres.js')).PostgresBackend.open(location)
      : new (await import('./sqlite.js')).SqliteBackend(location);
    return new EvidenceStore(backend, options, options.signingKey ?? defaultSigningKeyPath(location));
  }

  get location(): string {
    return this.backend.location;
  }

  /** The signing key, created on first use. */
  key(): SigningKey {
    this.signingKey ??= loadOrCreateSigningKey(this.keyFile);
    return this.signingKey;
  }

  /** Appends drafts as one transaction ending with a signed checkpoint; returns where each went. */
  async append(drafts: readonly RecordDraft[]): Promise<AppendedRecord[]> {
    if (drafts.length === 0) return [];
    const key = this.key();
    const rows = await this.backend.append((head) => planAppend(head, drafts, this.options.tool, key));
    return rows.map(({ seq, id, type, time, hash }) => ({ seq, id, type, time, hash }));
  }

  async *rows(filter: RecordFilter = {}): AsyncGenerator<StoredRow> {
    let after = 0;
    for (;;) {
      const page = await this.backend.page(after, PAGE, filter);
      for (const row of page) yield row;
      if (page.length < PAGE) return;
      after = page[page.length - 1]!.seq;
    }
  }

  async *envelopes(filter: RecordFilter = {}): AsyncGenerator<RecordEnvelope> {
    for await (const row of this.rows(filter)) yield JSON.parse(row.body) as RecordEnvelope;
  }

  /** A record by id, or by sequence number. */
  async find(selector: string): Promise<RecordEnvelope | undefined> {
    const row = /^\d+$/.test(selector) ? await this.backend.find(Number(selector)) : await this.backend.find(selector);
    return row && (JSON.parse(row.body) as RecordEnvelope);
  }

  /** The store's salt for digests of values that must never be recoverable (Secret data, input files). */
  async salt(): Promise<string> {
    return this.backend.metaValue('salt', randomBytes(32).toString('hex'));
  }

  /** The key checkpoints are verified against: given, the store's signing key file, else the keys the store records. */
  trustedKey(publicKeyFile?: string): { key: KeyObject | undefined; source: VerifyReport['key']['source'] } {
    if (publicKeyFile) return { key: readPublicKey(publicKeyFile), source: 'given' };
    if (existsSync(this.keyFile)) return { key: this.key().publicKey, source: 'signing-key' };
    return { key: undefined, source: 'recorded-in-store' };
  }

  /** Recomputes every hash, link and checkpoint signature; reports the first broken record. */
  async verify(publicKeyFile?: string): Promise<VerifyReport> {
    const trusted = this.trustedKey(publicKeyFile);
    const checkpoints = await this.backend.checkpoints();
    const verifier = new ChainVerifier(checkpoints, trusted.key);
    for await (const row of this.rows()) {
      verifier.row(row);
      if (verifier.problem) break;
    }
    const problem = verifier.finish();
    const recorded = checkpoints[0]?.publicKey;
    const report: VerifyReport = {
      ok: problem === undefined,
      store: this.location,
      backend: this.backend.kind,
      schemaVersion: await this.backend.schemaVersion(),
      records: verifier.records,
      checkpoints: checkpoints.length,
      checkpointsMatched: verifier.checkpointsMatched,
      key: { fingerprint: trusted.key ? fingerprint(derOf(trusted.key)) : recorded ? fingerprint(recorded) : null, source: trusted.source },
    };
    if (verifier.head) report.head = verifier.head;
    if (problem) report.problem = problem;
    return report;
  }

  private closed = false;

  /** Closes the connection; a second call does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.backend.close();
  }
}
