/**
 * The hash chain: how appended drafts become rows, and how a sequence of rows and checkpoints is
 * verified. Backends only store what these functions produce.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import { canonicalJson, sha256Hex } from './canonical.js';
import { publicKeyFromDer, signText, verifyText, type SigningKey } from './signing.js';
import type { AppendPlan, ChainHead, CheckpointRow, RecordDraft, RecordEnvelope, StoredRow } from './types.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface ToolIdentity {
  name: string;
  version: string;
}

/** The canonical body of an envelope; `payloadJson` is the canonical JSON of its payload, computed once. */
function envelopeBody(envelope: Omit<RecordEnvelope, 'payload'>, payloadJson: string): string {
  // Keys in sorted order, exactly as canonicalJson(envelope) would write them.
  return `{"configDigest":${canonicalJson(envelope.configDigest)},"id":${canonicalJson(envelope.id)},"inputDigest":${canonicalJson(envelope.inputDigest)}`
    + `,"payload":${payloadJson},"payloadHash":${canonicalJson(envelope.payloadHash)},"prevHash":${canonicalJson(envelope.prevHash)}`
    + `,"scope":${canonicalJson(envelope.scope)},"seq":${envelope.seq},"time":${canonicalJson(envelope.time)},"tool":${canonicalJson(envelope.tool)}`
    + `,"type":${canonicalJson(envelope.type)}}`;
}

export function checkpointText(seq: number, hash: string, time: string): string {
  return canonicalJson({ hash, seq, time });
}

export function signCheckpoint(key: SigningKey, head: ChainHead, time: string): CheckpointRow {
  return { seq: head.seq, hash: head.hash, time, signature: signText(key, checkpointText(head.seq, head.hash, time)), publicKey: key.publicKeyDer };
}

/** Rows continuing `head` with `drafts`, and the signed checkpoint over the last of them. */
export function planAppend(head: ChainHead | undefined, drafts: readonly RecordDraft[], tool: ToolIdentity, key: SigningKey, now: Date = new Date()): AppendPlan {
  const appendedAt = now.toISOString();
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  const rows: StoredRow[] = [];
  for (const draft of drafts) {
    seq += 1;
    const payloadJson = canonicalJson(draft.payload);
    const envelope = {
      id: draft.id ?? randomUUID(), seq, type: draft.type, time: draft.time ?? appendedAt, scope: draft.scope, tool: { name: tool.name, version: tool.version },
      configDigest: draft.configDigest, inputDigest: draft.inputDigest, payloadHash: sha256Hex(payloadJson), prevHash,
    };
    const body = envelopeBody(envelope, payloadJson);
    const hash = sha256Hex(body);
    rows.push({ seq, id: envelope.id, type: envelope.type, time: envelope.time, body, hash, prevHash });
    prevHash = hash;
  }
  return { rows, checkpoint: signCheckpoint(key, { seq, hash: prevHash }, appendedAt) };
}

export type ProblemKind = 'changed' | 'reordered' | 'deleted' | 'unsigned' | 'signature';

export interface ChainProblem {
  /** The first record (by seq) that does not verify. */
  seq: number;
  id?: string;
  kind: ProblemKind;
  message: string;
}

/**
 * Streaming verification: feed rows in seq order, then checkpoints; the first problem is kept.
 * Memory stays constant: checkpoints are matched against the hashes of the seqs they name,
 * which are looked up as rows pass (checkpoints are loaded first and indexed by seq).
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private readonly checkpointBySeq = new Map<number, CheckpointRow[]>();
  private matchedCheckpoints = 0;
  problem: ChainProblem | undefined;
  records = 0;
  head: ChainHead | undefined;
  readonly signatureProblems: ChainProblem[] = [];

  /**
   * @param checkpoints every checkpoint of the store
   * @param trusted the key checkpoints must be signed with; undefined = each checkpoint's own recorded key
   * @param startAfter for a partial chain (a bundle of a period): the seq and hash the first row continues
   */
  constructor(private readonly checkpoints: readonly CheckpointRow[], private readonly trusted: KeyObject | undefined, startAfter?: ChainHead) {
    if (startAfter) {
      this.expectedSeq = startAfter.seq + 1;
      this.prevHash = startAfter.hash;
    }
    for (const checkpoint of checkpoints) {
      const list = this.checkpointBySeq.get(checkpoint.seq);
      if (list) list.push(checkpoint);
      else this.checkpointBySeq.set(checkpoint.seq, [checkpoint]);
      if (!verifyText(this.trusted ?? publicKeyFromDer(checkpoint.publicKey), checkpointText(checkpoint.seq, checkpoint.hash, checkpoint.time), checkpoint.signature)) {
        this.signatureProblems.push({ seq: checkpoint.seq, kind: 'signature', message: `the checkpoint at record ${checkpoint.seq} (${checkpoint.time}) has no valid signature by the ${this.trusted ? 'given' : 'recorded'} key` });
      }
    }
  }

  private fail(problem: ChainProblem): void {
    this.problem ??= problem;
  }

  /** Checks one row; returns its parsed envelope when it verifies on its own. */
  row(row: StoredRow): RecordEnvelope | undefined {
    this.records += 1;
    if (this.problem) return undefined;
    const at = { seq: row.seq, id: row.id };
    if (row.seq > this.expectedSeq) {
      const missing = row.seq - this.expectedSeq;
      this.fail({ seq: this.expectedSeq, kind: 'deleted', message: `record ${this.expectedSeq}${missing > 1 ? `–${row.seq - 1}` : ''} is missing (the chain goes from ${this.expectedSeq - 1} to ${row.seq})` });
      return undefined;
    }
    if (sha256Hex(row.body) !== row.hash) {
      this.fail({ ...at, kind: 'changed', message: `record ${row.seq} was changed: its content no longer has the hash it was stored with` });
      return undefined;
    }
    let envelope: RecordEnvelope;
    try {
      envelope = JSON.parse(row.body) as RecordEnvelope;
    } catch {
      this.fail({ ...at, kind: 'changed', message: `record ${row.seq} was changed: its content is not JSON` });
      return undefined;
    }
    if (envelope.seq !== row.seq) {
      this.fail({ ...at, kind: 'reordered', message: `record ${row.seq} holds the content of record ${envelope.seq}: records were reordered` });
      return undefined;
    }
    if (envelope.prevHash !== this.prevHash) {
      this.fail({ seq: row.seq - 1, kind: 'changed', message: `record ${row.seq - 1} was changed or replaced: record ${row.seq} was chained to a different hash` });
      return undefined;
    }
    if (envelope.id !== row.id || envelope.type !== row.type || envelope.time !== row.time || row.prevHash !== envelope.prevHash) {
      this.fail({ ...at, kind: 'changed', message: `record ${row.seq} was changed: its indexed columns (id, type, time, previous hash) differ from its hashed content` });
      return undefined;
    }
    if (sha256Hex(canonicalJson(envelope.payload)) !== envelope.payloadHash) {
      this.fail({ ...at, kind: 'changed', message: `record ${row.seq} was changed: its payload does not match its payload hash` });
      return undefined;
    }
    for (const checkpoint of this.checkpointBySeq.get(row.seq) ?? []) {
      if (checkpoint.hash !== row.hash) {
        this.fail({ ...at, kind: 'changed', message: `record ${row.seq} differs from the signed checkpoint of ${checkpoint.time}: the chain up to it was rewritten` });
        return undefined;
      }
      this.matchedCheckpoints += 1;
    }
    this.expectedSeq = row.seq + 1;
    this.prevHash = row.hash;
    this.head = { seq: row.seq, hash: row.hash };
    return envelope;
  }

  /** Called after the last row: checkpoints past the end mean records were removed from the end. */
  finish(): ChainProblem | undefined {
    if (!this.problem) {
      const beyond = this.checkpoints.filter((checkpoint) => checkpoint.seq > (this.head?.seq ?? 0));
      if (beyond.length > 0) {
        const last = Math.max(...beyond.map((c) => c.seq));
        this.fail({ seq: this.expectedSeq, kind: 'deleted', message: `records ${this.expectedSeq}–${last} are missing: a signed checkpoint covers record ${last}, the store ends at ${this.expectedSeq - 1}` });
      }
    }
    if (!this.problem && this.signatureProblems.length > 0) this.fail(this.signatureProblems[0]!);
    if (!this.problem && this.head && !this.checkpoints.some((c) => c.seq === this.head!.seq)) {
      this.fail({ seq: this.head.seq, kind: 'unsigned', message: `no signed checkpoint covers the last record ${this.head.seq}: records after the last checkpoint may have been appended outside annexa` });
    }
    return this.problem;
  }

  get checkpointsMatched(): number {
    return this.matchedCheckpoints;
  }
}
