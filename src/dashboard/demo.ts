/**
 * `annexa demo`: a store seeded from examples/ so the dashboard has something to show. Four scans
 * five weeks apart as the shop's namespaces are brought under the ISMS (coverage grows; a debugging
 * pod with host privileges is removed before the third), the exceptions of examples/demo/
 * exceptions.yaml, the nonconformities the failing controls open, and an admin's corrective action
 * on one of them. Scans go through the same pipeline and records as `annexa scan --store`.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { builtinChecks } from '../checks/index.js';
import { runScan } from '../engine/scan.js';
import { assessScan } from '../posture/outcome.js';
import { makeConfig, parseConfigText, type AnnexaConfig } from '../isms/config.js';
import { autoOpenDrafts, foldNonconformities, ncDraft, type NcPayload } from '../isms/nonconformities.js';
import { prepareInputs } from '../sources/input.js';
import { ScanRecorder, scanDraft, scopeOf } from '../evidence/scan-record.js';
import { collect } from '../evidence/record-scan.js';
import type { EvidenceStore } from '../evidence/store.js';

const DAY_MS = 86_400_000;
const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** Which example files each recorded scan reads, and how many days before now it is dated. */
export const DEMO_SCANS: ReadonlyArray<{ daysAgo: number; paths: readonly string[] }> = [
  { daysAgo: 35, paths: ['estate/namespaces.yaml', 'estate/shop.yaml', 'demo/earlier', 'demo/markup.yaml'] },
  { daysAgo: 21, paths: ['estate/namespaces.yaml', 'estate/shop.yaml', 'estate/payments.yaml', 'estate/rbac.yaml', 'demo/earlier', 'demo/markup.yaml'] },
  { daysAgo: 7, paths: ['estate', 'demo/markup.yaml'] },
  { daysAgo: 0, paths: ['estate', 'demo/markup.yaml'] },
];

/** examples/annexa.yaml with the exceptions of examples/demo/exceptions.yaml. */
export function demoConfig(examples: string): AnnexaConfig {
  const base = parseConfigText(readFileSync(join(examples, 'annexa.yaml'), 'utf8'), join(examples, 'annexa.yaml'));
  const extra = parse(readFileSync(join(examples, 'demo', 'exceptions.yaml'), 'utf8')) as { exceptions?: unknown[] };
  return makeConfig({ ...base, exceptions: [...base.exceptions, ...(extra.exceptions ?? [])] });
}

/** Runs the scan pipeline over `paths` and returns the store drafts: the scan and the nonconformities it opens. */
async function scanDrafts(store: EvidenceStore, config: AnnexaConfig, paths: readonly string[], time: Date) {
  const { units, errors } = prepareInputs({ paths, maxFileBytes: MAX_FILE_BYTES });
  if (errors.length > 0) throw new Error(`demo input: ${errors.map((e) => `${e.file}: ${e.message}`).join('; ')}`);
  const recorder = new ScanRecorder();
  const result = await runScan(units, { config, checks: builtinChecks, maxFileBytes: MAX_FILE_BYTES, workers: 0, now: time }, recorder);
  const outcome = assessScan(result, config, builtinChecks);
  const iso = time.toISOString();
  const draft = { ...scanDraft({ command: 'demo', outcome, recorder, config, units, salt: await store.salt() }), id: randomUUID(), time: iso };
  const existing = foldNonconformities(await collect(store.envelopes({ type: 'isms' })));
  const opened = autoOpenDrafts(outcome.controls, scopeOf(config), draft.id, existing).map((d) => ({ ...d, time: iso }));
  return [draft, ...opened];
}

export interface SeededDemo {
  config: AnnexaConfig;
  scans: number;
  records: number;
}

/** Seeds an empty store from `examples` (the package's examples/ folder). */
export async function seedDemo(store: EvidenceStore, examples: string, now: Date = new Date()): Promise<SeededDemo> {
  if (!existsSync(join(examples, 'demo', 'exceptions.yaml'))) throw new Error(`${examples} is not the annexa examples folder (no demo/exceptions.yaml)`);
  const config = demoConfig(examples);
  let records = 0;
  for (const [index, scan] of DEMO_SCANS.entries()) {
    const time = new Date(now.getTime() - scan.daysAgo * DAY_MS);
    const drafts = await scanDrafts(store, config, scan.paths.map((p) => join(examples, p)), time);
    records += (await store.append(drafts)).length;
    if (index === 0) records += await correctiveAction(store, config, new Date(time.getTime() + 2 * DAY_MS));
  }
  return { config, scans: DEMO_SCANS.length, records };
}

/** The platform lead takes on the A.8.2 nonconformity the first scan opened: one `isms` record. */
async function correctiveAction(store: EvidenceStore, config: AnnexaConfig, time: Date): Promise<number> {
  const open = [...foldNonconformities(await collect(store.envelopes({ type: 'isms' }))).values()].find((nc) => nc.control === 'A.8.2');
  if (!open) return 0;
  const payload: NcPayload & { actor: string } = {
    kind: 'nonconformity', event: 'updated', nc: open.id, status: 'corrective-action', owner: 'Platform team lead',
    rootCause: 'Debugging pods are started by hand with privileges and not removed afterwards',
    correctiveAction: 'Remove debug-toolbox; debugging through ephemeral containers only, enforced by Pod Security baseline',
    dueDate: new Date(time.getTime() + 30 * DAY_MS).toISOString().slice(0, 10), actor: 'demo',
  };
  await store.append([{ ...ncDraft(scopeOf(config), payload), time: time.toISOString() }]);
  return 1;
}
