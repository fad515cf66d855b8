/**
 * Imported results in the evidence store: one `import` record per run with the provenance of every
 * file, the imported findings, the coverage, and the first time each vulnerability was seen, which
 * later runs read back so that a remediation SLA runs from the first sighting, not the latest report.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import type { EvidenceStore } from '../evidence/store.js';
import { compactFinding, configDigest, scopeOf } from '../evidence/scan-record.js';
import type { AppendedRecord } from '../evidence/types.js';
import type { AnnexaConfig } from '../isms/config.js';
import type { Finding, JsonObject } from '../resources/types.js';
import { isRecord } from './access.js';

/** Earliest sighting per vulnerability key over every `import` record of the store. */
export async function loadFirstSeen(store: EvidenceStore): Promise<Map<string, string>> {
  const firstSeen = new Map<string, string>();
  for await (const envelope of store.envelopes({ type: 'import' })) {
    const recorded = isRecord(envelope.payload) ? envelope.payload.firstSeen : undefined;
    if (!isRecord(recorded)) continue;
    for (const [key, time] of Object.entries(recorded)) {
      if (typeof time !== 'string') continue;
      const known = firstSeen.get(key);
      if (!known || Date.parse(time) < Date.parse(known)) firstSeen.set(key, time);
    }
  }
  return firstSeen;
}

/** Size, modification time and SHA-256 of each imported file: what was read, identified without copying it. */
async function fileFacts(files: readonly string[]): Promise<JsonObject[]> {
  const facts: JsonObject[] = [];
  for (const file of files) {
    try {
      const stat = statSync(file);
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
      facts.push({ file, bytes: stat.size, modified: stat.mtime.toISOString(), sha256: hash.digest('hex') });
    } catch {
      facts.push({ file });
    }
  }
  return facts;
}

export async function recordImport(store: EvidenceStore, input: {
  command: string; config: AnnexaConfig; files: readonly string[]; findings: readonly Finding[]; summary: JsonObject;
  seen: ReadonlyMap<string, string>; firstSeen: ReadonlyMap<string, string>; scanRecord?: string;
}): Promise<AppendedRecord> {
  const firstSeen: JsonObject = {};
  for (const [key, time] of input.seen) {
    const known = input.firstSeen.get(key);
    firstSeen[key] = known && Date.parse(known) < Date.parse(time) ? known : time;
  }
  const facts = await fileFacts(input.files);
  const payload: JsonObject = {
    command: input.command,
    files: facts,
    imports: input.summary,
    findings: input.findings.filter((f) => !f.outOfScope).map(compactFinding),
    firstSeen,
    ...(input.scanRecord ? { scanRecord: input.scanRecord } : {}),
  };
  const [record] = await store.append([{
    type: 'import', scope: scopeOf(input.config), configDigest: configDigest(input.config),
    inputDigest: createHash('sha256').update(JSON.stringify(facts)).digest('hex'), payload,
  }]);
  return record!;
}
