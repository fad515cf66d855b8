/** The evidence store's records, checkpoints and the interface both backends sit behind. */
import type { JsonObject, JsonValue } from '../resources/types.js';

export const RECORD_TYPES = ['scan', 'admission', 'audit', 'isms', 'import'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export function isRecordType(value: string): value is RecordType {
  return (RECORD_TYPES as readonly string[]).includes(value);
}

/** What a writer hands the store; the store adds id, seq, time, hashes and the link to the previous record. */
export interface RecordDraft {
  /** Given when other drafts of the same append refer to this record; default: a random UUID. */
  id?: string;
  type: RecordType;
  scope: JsonValue;
  configDigest: string | null;
  inputDigest: string | null;
  payload: JsonValue;
  /** RFC 3339 UTC; defaults to the time of the append. */
  time?: string;
}

/** The envelope of DESIGN.md §6. Its canonical JSON is what `hash` covers. */
export interface RecordEnvelope {
  id: string;
  seq: number;
  type: RecordType;
  time: string;
  scope: JsonValue;
  tool: { name: string; version: string };
  configDigest: string | null;
  inputDigest: string | null;
  payload: JsonValue;
  payloadHash: string;
  prevHash: string;
}

/** One stored row: the canonical envelope text (`body`) and its hash, plus copies of the fields queries filter on. */
export interface StoredRow {
  seq: number;
  id: string;
  type: string;
  time: string;
  body: string;
  hash: string;
  prevHash: string;
}

/** What an append returns for each record written (the content is what the writer gave). */
export interface AppendedRecord {
  seq: number;
  id: string;
  type: string;
  time: string;
  hash: string;
}

/** A signed statement that the chain's head was `hash` at `seq`. */
export interface CheckpointRow {
  seq: number;
  hash: string;
  time: string;
  /** Base64 Ed25519 signature of the canonical JSON of { hash, seq, time }. */
  signature: string;
  /** Base64 DER (SPKI) of the public key that signed it. */
  publicKey: string;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

export interface RecordFilter {
  type?: string;
  /** Inclusive lower bound on `time` (RFC 3339). */
  since?: string;
  /** Exclusive upper bound on `time` (RFC 3339). */
  until?: string;
}

/** What an append transaction writes: rows continuing `head`, and the checkpoint over the last of them. */
export interface AppendPlan {
  rows: StoredRow[];
  checkpoint: CheckpointRow;
}

/**
 * A storage backend: rows and checkpoints, nothing about hashing. `append` runs `plan` inside one
 * transaction that holds the store's write lock, so two writers never continue the same head.
 */
export interface StoreBackend {
  readonly kind: 'sqlite' | 'postgres';
  /** Where the store is, without credentials. */
  readonly location: string;
  schemaVersion(): Promise<number>;
  append(plan: (head: ChainHead | undefined) => AppendPlan): Promise<StoredRow[]>;
  /** Rows with seq > afterSeq, in seq order, at most `limit`. */
  page(afterSeq: number, limit: number, filter?: RecordFilter): Promise<StoredRow[]>;
  /** A row by id, or by seq when `selector` is a number. */
  find(selector: string | number): Promise<StoredRow | undefined>;
  checkpoints(): Promise<CheckpointRow[]>;
  /** The stored value of `key`, setting it to `initial` first when absent (a race keeps the first writer's value). */
  metaValue(key: string, initial: string): Promise<string>;
  close(): Promise<void>;
}

export type { JsonObject };

/** A problem with a store, key or bundle the user can act on: reported without a stack trace, exit 2. */
export class EvidenceError extends Error {
  override name = 'EvidenceError';
}
