/**
 * Evidence bundles for auditors: a .tar.gz with the records of a period (JSON lines, each with its
 * hash), the signed checkpoints among them, the posture summary and SoA of the period, the public
 * key, a README on how to verify, and manifest.json listing the sha256 of every file, signed with
 * the store's Ed25519 key. `verifyBundle` checks all of it without the store.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { createWriteStream, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { canonicalJson, sha256Hex } from './canonical.js';
import { ChainVerifier } from './chain.js';
import { derOf, fingerprint, publicKeyPem, signText, verifyText } from './signing.js';
import { TrendBuilder } from './period.js';
import { readTarGz, writeTarGzStream, TarFormatError, type StreamedTarEntry, type TarEntry } from './tar.js';
import type { EvidenceStore } from './store.js';
import { EvidenceError, type CheckpointRow, type RecordEnvelope, type RecordFilter, type StoredRow } from './types.js';
import type { JsonObject } from '../resources/types.js';
import { buildSoa } from '../posture/soa.js';
import type { ScanOutcome } from '../posture/outcome.js';
import type { AnnexaConfig } from '../isms/config.js';
import { Inventory } from '../inventory/inventory.js';

export const BUNDLE_FORMAT = 'annexa-evidence-bundle/1';

export interface Period {
  since?: string;
  until?: string;
}

export interface BundleManifest {
  format: string;
  created: string;
  tool: { name: string; version: string };
  store: string;
  period: { since: string | null; until: string | null };
  scope: unknown;
  records: { count: number; firstSeq: number | null; lastSeq: number | null; headHash: string | null; previousHash: string | null };
  files: Array<{ name: string; sha256: string; bytes: number }>;
  publicKey: string;
  publicKeyFingerprint: string;
  /** Base64 Ed25519 signature of the canonical JSON of this manifest without `signature`. */
  signature?: string;
}

const README = `# Annexa evidence bundle

This archive holds evidence records exported from an Annexa evidence store for an audit period.

| file | what |
|---|---|
| manifest.json | period, scope, record count, head hash, sha256 of every other file, the public key and the signature |
| records.jsonl | one record per line: {"hash", "record"}; record is the evidence envelope (id, seq, type, time, scope, tool, configDigest, inputDigest, payload, payloadHash, prevHash) |
| checkpoints.json | the signed checkpoints among these records: the store's head hash at a point in time, signed |
| posture-summary.json | per Annex A control and theme: pass/fail in each recorded scan of the period |
| soa.json | the Statement of Applicability from the last recorded scan of the period |
| public-key.pem | the Ed25519 public key that signed the manifest and the checkpoints |

## How to verify

With Annexa: \`annexa evidence verify-bundle THIS.tar.gz --public-key KEY.pem\`, where KEY.pem is the
public key you obtained from the organisation independently of this bundle (the copy inside the bundle
only proves the bundle is intact, not who made it).

By hand:
1. manifest.json: remove the "signature" member, write the rest as canonical JSON (keys sorted, no
   whitespace) and check the Ed25519 signature (base64) against the public key.
2. Every file listed under "files" has the given sha256; no other file is present.
3. records.jsonl: for each line, sha256(canonical JSON of "record") equals "hash"; each record's
   prevHash equals the hash of the line before (the first one equals manifest.records.previousHash);
   seq increases by one; payloadHash equals sha256(canonical JSON of payload). The last hash equals
   manifest.records.headHash.
4. checkpoints.json: each signature covers canonical JSON of {"hash","seq","time"}; each checkpoint's
   hash equals the hash of the record with that seq.

No Secret value is in these records: Secrets appear by metadata and key names, input files by salted
digests (HMAC-SHA-256 with a salt that stays in the store).
`;

function posturePayload(record: RecordEnvelope): { posture?: unknown; summary?: unknown; errors?: unknown; config?: unknown } {
  return record.payload as { posture?: unknown; summary?: unknown; errors?: unknown; config?: unknown };
}

/** The SoA as the last recorded scan of the period saw it (config and posture as recorded). */
function soaOf(scan: RecordEnvelope | undefined): unknown {
  if (!scan) return { note: 'no scan was recorded in this period' };
  const payload = posturePayload(scan);
  const outcome = { summary: payload.summary, controls: payload.posture, errors: payload.errors ?? [], checks: [], inventory: new Inventory() } as unknown as ScanOutcome;
  const provenance = { toolVersion: scan.tool.version, configDigest: scan.configDigest ?? '', ...(scan.inputDigest ? { inputDigest: scan.inputDigest } : {}) };
  return { record: scan.id, seq: scan.seq, time: scan.time, soa: buildSoa({ config: payload.config as AnnexaConfig, checks: [], outcome, provenance, now: new Date(scan.time) }) };
}

export interface ExportResult {
  manifest: BundleManifest;
}

/** What the export keeps while streaming the records: counts and ends, never the records. */
interface RecordsSummary {
  count: number;
  first?: StoredRow;
  last?: StoredRow;
  firstScope?: unknown;
  lastScan?: RecordEnvelope;
  trend: TrendBuilder;
  bytes: number;
  sha256: string;
}

/**
 * Streams the records of the period into `path` as JSON lines, hashing them as they are written;
 * keeps only the first and last rows, the last scan record and the trend's statuses.
 */
async function writeRecords(store: EvidenceStore, filter: RecordFilter, path: string): Promise<RecordsSummary> {
  const summary: RecordsSummary = { count: 0, trend: new TrendBuilder(), bytes: 0, sha256: '' };
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  const finished = once(out, 'close');
  try {
    for await (const row of store.rows(filter)) {
      const record = JSON.parse(row.body) as RecordEnvelope;
      if (summary.last && row.seq !== summary.last.seq + 1) throw new EvidenceError(`records of the period are not contiguous (record ${summary.last.seq} is followed by ${row.seq}): record times go backwards; export without --since/--until`);
      if (!summary.first) {
        summary.first = { ...row, body: '' };
        summary.firstScope = record.scope;
      }
      summary.last = { ...row, body: '' };
      summary.count += 1;
      if (record.type === 'scan') {
        summary.trend.add(record);
        summary.lastScan = record;
      }
      const line = Buffer.from(`{"hash":${JSON.stringify(row.hash)},"record":${row.body}}\n`);
      hash.update(line);
      summary.bytes += line.length;
      if (!out.write(line)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await finished;
  }
  summary.sha256 = hash.digest('hex');
  return summary;
}

/**
 * Writes the bundle of `period` to `out` from a store whose chain verifies (the caller verifies
 * first). Records stream from the store through a temporary file into the archive, so memory does
 * not grow with their number (the checkpoints of the period and one status per control per scan
 * do); the archive is written beside `out` and renamed into place, so a failed export leaves no
 * partial bundle.
 */
export async function exportBundle(store: EvidenceStore, period: Period, tool: { name: string; version: string }, out: string, now: Date = new Date()): Promise<ExportResult> {
  const filter = { ...(period.since ? { since: period.since } : {}), ...(period.until ? { until: period.until } : {}) };
  const work = mkdtempSync(join(tmpdir(), 'annexa-export-'));
  const partial = join(dirname(out), `.${basename(out)}.${process.pid}.partial`);
  try {
    const recordsPath = join(work, 'records.jsonl');
    const records = await writeRecords(store, filter, recordsPath);
    const { first, last } = records;
    const checkpoints = first && last ? (await store.backend.checkpoints()).filter((c) => c.seq >= first.seq && c.seq <= last.seq) : [];
    const key = store.key();
    const small: TarEntry[] = [
      { name: 'checkpoints.json', data: Buffer.from(`${JSON.stringify(checkpoints, null, 2)}\n`) },
      { name: 'posture-summary.json', data: Buffer.from(`${JSON.stringify(records.trend.result(), null, 2)}\n`) },
      { name: 'soa.json', data: Buffer.from(`${JSON.stringify(soaOf(records.lastScan), null, 2)}\n`) },
      { name: 'public-key.pem', data: Buffer.from(publicKeyPem(key.publicKey)) },
      { name: 'README.md', data: Buffer.from(README) },
    ];
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      created: now.toISOString(),
      tool,
      store: store.location,
      period: { since: period.since ?? null, until: period.until ?? null },
      scope: records.lastScan?.scope ?? records.firstScope ?? null,
      records: { count: records.count, firstSeq: first?.seq ?? null, lastSeq: last?.seq ?? null, headHash: last?.hash ?? null, previousHash: first?.prevHash ?? null },
      files: [
        { name: 'records.jsonl', sha256: records.sha256, bytes: records.bytes },
        ...small.map((file) => ({ name: file.name, sha256: sha256Hex(file.data), bytes: file.data.length })),
      ],
      publicKey: publicKeyPem(key.publicKey),
      publicKeyFingerprint: fingerprint(key.publicKeyDer),
    };
    manifest.signature = signText(key, canonicalJson({ ...manifest, signature: undefined }));
    const entries: StreamedTarEntry[] = [
      { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
      { name: 'records.jsonl', path: recordsPath, size: records.bytes },
      ...small,
    ];
    await writeTarGzStream(entries, partial, now);
    renameSync(partial, out);
    return { manifest };
  } finally {
    rmSync(partial, { force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

export interface BundleReport {
  ok: boolean;
  records: number;
  period?: BundleManifest['period'];
  key: { fingerprint: string | null; source: 'given' | 'embedded' };
  problems: string[];
}

/** Checks a bundle: signature, every file's hash, no missing or extra file, the records' chain and checkpoints. */
export function verifyBundle(archive: Buffer, trusted?: KeyObject): BundleReport {
  const problems: string[] = [];
  const report = (extra: Partial<BundleReport> = {}): BundleReport => ({ ok: problems.length === 0, records: 0, key: { fingerprint: null, source: trusted ? 'given' : 'embedded' }, problems, ...extra });
  let entries: TarEntry[];
  try {
    entries = readTarGz(archive);
  } catch (error) {
    problems.push(error instanceof TarFormatError ? error.message : `cannot read the archive: ${(error as Error).message}`);
    return report();
  }
  const byName = new Map(entries.map((entry) => [entry.name, entry.data]));
  const manifestData = byName.get('manifest.json');
  if (!manifestData) {
    problems.push('manifest.json is missing');
    return report();
  }
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(manifestData.toString('utf8')) as BundleManifest;
  } catch {
    problems.push('manifest.json is not JSON');
    return report();
  }
  let key: KeyObject | undefined = trusted;
  if (!key) {
    try {
      key = createPublicKey(manifest.publicKey);
    } catch {
      problems.push('manifest.json has no readable public key');
    }
  }
  const keyInfo = { fingerprint: key ? fingerprint(derOf(key)) : null, source: trusted ? 'given' as const : 'embedded' as const };
  if (key && (typeof manifest.signature !== 'string' || !verifyText(key, canonicalJson({ ...manifest, signature: undefined }), manifest.signature))) {
    problems.push(`manifest.json: the signature does not verify with the ${trusted ? 'given' : 'embedded'} public key`);
  }
  const listed = new Set<string>();
  for (const file of Array.isArray(manifest.files) ? manifest.files : []) {
    listed.add(file.name);
    const data = byName.get(file.name);
    if (!data) problems.push(`${file.name}: listed in the manifest but missing`);
    else if (sha256Hex(data) !== file.sha256) problems.push(`${file.name}: sha256 differs from the manifest (the file was changed)`);
  }
  for (const name of byName.keys()) if (name !== 'manifest.json' && !listed.has(name)) problems.push(`${name}: not listed in the manifest`);
  const records = verifyRecords(byName.get('records.jsonl'), byName.get('checkpoints.json'), manifest, key, problems);
  return report({ records, period: manifest.period, key: keyInfo });
}

function verifyRecords(recordsData: Buffer | undefined, checkpointData: Buffer | undefined, manifest: BundleManifest, key: KeyObject | undefined, problems: string[]): number {
  if (!recordsData) return 0;
  let checkpoints: CheckpointRow[] = [];
  try {
    checkpoints = checkpointData ? (JSON.parse(checkpointData.toString('utf8')) as CheckpointRow[]) : [];
  } catch {
    problems.push('checkpoints.json is not JSON');
  }
  const firstSeq = manifest.records?.firstSeq ?? 1;
  const verifier = new ChainVerifier(checkpoints, key, { seq: firstSeq - 1, hash: manifest.records?.previousHash ?? '' });
  let lineNumber = 0;
  for (const line of recordsData.toString('utf8').split('\n')) {
    if (line === '') continue;
    lineNumber += 1;
    let parsed: { hash: string; record: RecordEnvelope & JsonObject };
    try {
      parsed = JSON.parse(line) as typeof parsed;
    } catch {
      problems.push(`records.jsonl:${lineNumber}: not JSON`);
      return lineNumber;
    }
    const record = parsed.record;
    verifier.row({ seq: firstSeq + lineNumber - 1, id: record.id, type: record.type, time: record.time, body: canonicalJson(record), hash: parsed.hash, prevHash: record.prevHash });
    if (verifier.problem) break;
  }
  verifier.finish();
  const problem = verifier.problem;
  // A bundle ends where its period ends: its last record need not be a checkpoint, the manifest's signed head hash covers it.
  if (problem && problem.kind !== 'unsigned') problems.push(`records.jsonl: ${problem.message}`);
  if (!problem || problem.kind === 'unsigned') {
    if (verifier.records !== manifest.records?.count) problems.push(`records.jsonl has ${verifier.records} records, the manifest says ${manifest.records?.count}`);
    if ((verifier.head?.hash ?? null) !== (manifest.records?.headHash ?? null)) problems.push('records.jsonl: the last record is not the head the manifest names');
  }
  return verifier.records;
}
