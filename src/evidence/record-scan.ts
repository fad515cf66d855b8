/** Records a scan in the store, with the nonconformities its failing controls open, in one append. */
import { randomUUID } from 'node:crypto';
import type { ScanOutcome } from '../posture/outcome.js';
import type { AnnexaConfig } from '../isms/config.js';
import type { InputUnit } from '../sources/files.js';
import { autoOpenDrafts, foldNonconformities } from '../isms/nonconformities.js';
import { scanDraft, scopeOf, type ClusterIdentity, type ScanRecorder } from './scan-record.js';
import type { EvidenceStore } from './store.js';
import type { AppendedRecord } from './types.js';
import type { JsonObject } from '../resources/types.js';

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

export interface RecordedScan {
  scan: AppendedRecord;
  opened: AppendedRecord[];
}

/** `extra`: fields added to the scan record's payload (watch mode: what triggered the record). */
export async function recordScan(store: EvidenceStore, input: { command: string; outcome: ScanOutcome; recorder: ScanRecorder; config: AnnexaConfig; units: readonly InputUnit[]; cluster?: ClusterIdentity; extra?: JsonObject }): Promise<RecordedScan> {
  const base = scanDraft({ ...input, salt: await store.salt() });
  const draft = { ...base, id: randomUUID(), ...(input.extra ? { payload: { ...(base.payload as JsonObject), ...input.extra } } : {}) };
  const existing = foldNonconformities(await collect(store.envelopes({ type: 'isms' })));
  const opening = autoOpenDrafts(input.outcome.controls, scopeOf(input.config), draft.id, existing);
  const [scan, ...opened] = await store.append([draft, ...opening]);
  return { scan: scan!, opened };
}
