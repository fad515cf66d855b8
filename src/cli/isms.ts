/**
 * `annexa isms nc|risks|record|incident`: ISMS records kept as evidence in the store, next to the
 * scans they refer to. Every change is a new record; state is the fold of the records.
 */
import { Command, Option } from 'commander';
import { builtinCheckIds } from '../checks/index.js';
import { loadConfig, type AnnexaConfig } from '../isms/config.js';
import { controlsOfRisk } from '../isms/records.js';
import type { EvidenceStore } from '../evidence/store.js';
import type { AppendedRecord, RecordDraft, RecordEnvelope } from '../evidence/types.js';
import { scopeOf } from '../evidence/scan-record.js';
import { collect } from '../evidence/record-scan.js';
import type { JsonObject } from '../resources/types.js';
import { checkTransition, foldNonconformities, ncDraft, newNcId, NcTransitionError, NC_STATUSES, scopeName, type NcPayload, type NcStatus, type Nonconformity } from '../isms/nonconformities.js';
import { foldIncidents, newIncidentId, outsideIncidentScope, parseWorkload, type IncidentPayload } from '../isms/incidents.js';
import { instant, storeFor } from './evidence.js';
import { openOutput, UsageError } from './io.js';

interface StoreFlags {
  store?: string;
  config?: string;
  signingKey?: string;
}

function storeOptions(command: Command): Command {
  return command
    .option('--store <path|url>', 'evidence store: SQLite file or postgres:// URL (default: evidence.store in annexa.yaml, else ./annexa.db)')
    .option('-c, --config <file>', 'annexa.yaml (default: ./annexa.yaml)')
    .option('--signing-key <file>', 'Ed25519 key (PEM) that signs checkpoints (default: beside the store)');
}

const formatOption = () => new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table');
const repeatable = (value: string, previous: string[]) => [...previous, value];

function print(text: string): void {
  const output = openOutput(undefined);
  output.write(text);
  output.close();
}

/** Opens the store (creating it when writing) with the config, runs `work`, closes. */
async function withStore<T>(flags: StoreFlags, mustExist: boolean, work: (store: EvidenceStore, config: AnnexaConfig) => Promise<T>): Promise<T> {
  const { config } = loadConfig(flags.config, process.cwd(), builtinCheckIds);
  const store = await storeFor(flags, { mustExist });
  try {
    return await work(store, config);
  } finally {
    await store.close();
  }
}

async function ismsRecords(store: EvidenceStore): Promise<RecordEnvelope[]> {
  return collect(store.envelopes({ type: 'isms' }));
}

async function requireRecords(store: EvidenceStore, ids: readonly string[]): Promise<void> {
  for (const id of ids) if (!(await store.find(id))) throw new UsageError(`no evidence record "${id}" in ${store.location} (see "annexa evidence list")`);
}

function ismsDraft(config: AnnexaConfig, payload: JsonObject | IncidentPayload): RecordDraft {
  // IncidentPayload is JSON by construction (strings, string lists, plain objects).
  return { type: 'isms', scope: scopeOf(config), configDigest: null, inputDigest: null, payload: payload as unknown as JsonObject };
}

function dateOption(value: string | undefined, what: string): string | undefined {
  return instant(value, what);
}

function tell(record: AppendedRecord | undefined, what: string): void {
  if (record) process.stderr.write(`annexa: ${what}: evidence record ${record.seq} (${record.id})\n`);
}

function ncTable(ncs: readonly Nonconformity[]): string {
  if (ncs.length === 0) return 'no nonconformities\n';
  const lines = ['ID           CONTROL  STATUS             OWNER              DUE         SCOPE'];
  for (const nc of ncs) lines.push(`${nc.id.padEnd(12)} ${nc.control.padEnd(8)} ${nc.status.padEnd(18)} ${(nc.owner ?? '-').padEnd(18)} ${(nc.dueDate ?? '-').padEnd(11)} ${nc.scope}`);
  return `${lines.join('\n')}\n`;
}

function ncCommand(): Command {
  const nc = new Command('nc').description('Nonconformities: opened by recorded scans per failing control and scope; open → corrective-action → verified → closed');
  nc.addCommand(storeOptions(new Command('list'))
    .description('List nonconformities and their status')
    .option('--status <status>', `only this status: ${NC_STATUSES.join(', ')}`)
    .addOption(formatOption())
    .action(async function (this: Command) {
      const flags = this.opts<StoreFlags & { status?: string; output: string }>();
      const all = await withStore(flags, true, async (store) => [...foldNonconformities(await ismsRecords(store)).values()]);
      const shown = flags.status ? all.filter((n) => n.status === flags.status) : all;
      print(flags.output === 'json' ? `${JSON.stringify({ nonconformities: shown }, null, 2)}\n` : ncTable(shown));
    }));
  nc.addCommand(storeOptions(new Command('show'))
    .description('One nonconformity with its history')
    .argument('<id>', 'NC-…')
    .action(async function (this: Command, id: string) {
      const found = await withStore(this.opts<StoreFlags>(), true, async (store) => foldNonconformities(await ismsRecords(store)).get(id));
      if (!found) throw new UsageError(`no nonconformity "${id}"`);
      print(`${JSON.stringify(found, null, 2)}\n`);
    }));
  nc.addCommand(storeOptions(new Command('update'))
    .description('Record root cause, corrective action, due date, owner or a status change')
    .argument('<id>', 'NC-…')
    .option('--status <status>', `corrective-action or verified (close with "annexa isms nc close")`)
    .option('--root-cause <text>')
    .option('--corrective-action <text>')
    .option('--due <date>', 'due date of the corrective action (YYYY-MM-DD)')
    .option('--owner <name>')
    .option('--note <text>')
    .action(async function (this: Command, id: string) {
      const flags = this.opts<StoreFlags & { status?: string; rootCause?: string; correctiveAction?: string; due?: string; owner?: string; note?: string }>();
      if (flags.status !== undefined && !(NC_STATUSES as readonly string[]).includes(flags.status)) throw new UsageError(`--status must be one of ${NC_STATUSES.join(', ')}`);
      if (flags.status === 'closed') throw new UsageError('close with "annexa isms nc close ID": it checks that a later recorded scan shows the control passing');
      if (flags.due !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(flags.due)) throw new UsageError('--due: expected a date as YYYY-MM-DD');
      const record = await withStore(flags, true, async (store, config) => {
        const current = foldNonconformities(await ismsRecords(store)).get(id);
        if (!current) throw new UsageError(`no nonconformity "${id}"`);
        if (flags.status) transition(current, flags.status as NcStatus, undefined);
        const payload: NcPayload = {
          kind: 'nonconformity', event: 'updated', nc: id,
          ...(flags.status ? { status: flags.status as NcStatus } : {}),
          ...(flags.rootCause !== undefined ? { rootCause: flags.rootCause } : {}),
          ...(flags.correctiveAction !== undefined ? { correctiveAction: flags.correctiveAction } : {}),
          ...(flags.due !== undefined ? { dueDate: flags.due } : {}),
          ...(flags.owner !== undefined ? { owner: flags.owner } : {}),
          ...(flags.note !== undefined ? { note: flags.note } : {}),
        };
        if (Object.keys(payload).length === 3) throw new UsageError('nothing to record: give --status, --root-cause, --corrective-action, --due, --owner or --note');
        return (await store.append([ncDraft(scopeOf(config), payload)]))[0];
      });
      tell(record, `updated ${id}`);
    }));
  nc.addCommand(storeOptions(new Command('close'))
    .description('Close a nonconformity: only when the latest recorded scan of its scope, after it was opened, shows the control passing')
    .argument('<id>', 'NC-…')
    .option('--note <text>')
    .action(async function (this: Command, id: string) {
      const flags = this.opts<StoreFlags & { note?: string }>();
      const record = await withStore(flags, true, async (store, config) => {
        const current = foldNonconformities(await ismsRecords(store)).get(id);
        if (!current) throw new UsageError(`no nonconformity "${id}"`);
        let latest: RecordEnvelope | undefined;
        for await (const scan of store.envelopes({ type: 'scan' })) {
          if (scan.seq > current.openedSeq && scopeName(scan.scope) === current.scope) latest = scan;
        }
        transition(current, 'closed', latest);
        const payload: NcPayload = { kind: 'nonconformity', event: 'closed', nc: id, status: 'closed', evidence: latest!.id, ...(flags.note ? { note: flags.note } : {}) };
        return (await store.append([ncDraft(scopeOf(config), payload)]))[0];
      });
      tell(record, `closed ${id}`);
    }));
  return nc;
}

function transition(nc: Nonconformity, to: NcStatus, latestScan: RecordEnvelope | undefined): void {
  try {
    checkTransition(nc, to, latestScan);
  } catch (error) {
    if (error instanceof NcTransitionError) throw new UsageError(error.message);
    throw error;
  }
}

function risksCommand(): Command {
  return storeOptions(new Command('risks'))
    .description('The risk register of annexa.yaml with the posture of each risk\'s controls in the latest recorded scan')
    .addOption(formatOption())
    .action(async function (this: Command) {
      const flags = this.opts<StoreFlags & { output: string }>();
      const { risks, latest } = await withStore(flags, false, async (store, config) => {
        let last: RecordEnvelope | undefined;
        for await (const scan of store.envelopes({ type: 'scan' })) last = scan;
        return { risks: config.risks.map((risk) => ({ ...risk, controls: controlsOfRisk(risk, config.controls) })), latest: last };
      });
      const posture = new Map(((latest?.payload as { posture?: Array<{ id: string; status: string }> } | undefined)?.posture ?? []).map((c) => [c.id, c.status]));
      const rows = risks.map((risk) => ({ ...risk, controlStatus: risk.controls.map((id) => ({ control: id, status: posture.get(id) ?? 'not recorded' })) }));
      if (flags.output === 'json') {
        print(`${JSON.stringify({ scan: latest ? { id: latest.id, seq: latest.seq, time: latest.time } : null, risks: rows }, null, 2)}\n`);
        return;
      }
      const lines = [latest ? `posture from scan record ${latest.seq} (${latest.time})` : 'no recorded scan: control posture unknown', ''];
      if (rows.length === 0) lines.push('no risks in annexa.yaml (risks:)');
      for (const risk of rows) {
        lines.push(`${risk.id}  ${risk.likelihood ?? '?'}/${risk.impact ?? '?'}  ${risk.treatment ?? 'treatment not recorded'}${risk.owner ? `  owner ${risk.owner}` : ''}`, `  ${risk.description ?? risk.title ?? ''}`);
        lines.push(`  controls: ${risk.controlStatus.map((c) => `${c.control} ${c.status}`).join(', ') || 'none linked'}`);
      }
      print(`${lines.join('\n')}\n`);
    });
}

function recordCommand(): Command {
  return storeOptions(new Command('record'))
    .description('Record an internal audit or management review as evidence')
    .argument('<kind>', 'internal-audit or management-review')
    .requiredOption('--title <text>')
    .requiredOption('--date <date>', 'when it took place (YYYY-MM-DD)')
    .requiredOption('--summary <text>')
    .option('--participant <name>', 'repeatable', repeatable, [] as string[])
    .option('--finding <text>', 'repeatable', repeatable, [] as string[])
    .option('--decision <text>', 'repeatable', repeatable, [] as string[])
    .option('--evidence <record-id>', 'evidence record it refers to (repeatable)', repeatable, [] as string[])
    .action(async function (this: Command, kind: string) {
      const flags = this.opts<StoreFlags & { title: string; date: string; summary: string; participant: string[]; finding: string[]; decision: string[]; evidence: string[] }>();
      if (kind !== 'internal-audit' && kind !== 'management-review') throw new UsageError(`record kind must be internal-audit or management-review, not "${kind}"`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(flags.date)) throw new UsageError('--date: expected a date as YYYY-MM-DD');
      const record = await withStore(flags, false, async (store, config) => {
        await requireRecords(store, flags.evidence);
        return (await store.append([ismsDraft(config, {
          kind, title: flags.title, date: flags.date, summary: flags.summary,
          participants: flags.participant, findings: flags.finding, decisions: flags.decision, evidence: flags.evidence,
        })]))[0];
      });
      tell(record, `recorded ${kind}`);
    });
}

function incidentCommand(): Command {
  const incident = new Command('incident').description('Security incidents (A.5.24–A.5.28): open, update the timeline, close with a post-incident review');
  incident.addCommand(storeOptions(new Command('open'))
    .description('Open an incident')
    .requiredOption('--title <text>')
    .requiredOption('--severity <level>', 'low, medium, high or critical')
    .option('--detected <time>', 'when it was detected (default: now)')
    .option('--description <text>')
    .option('--cluster <name>')
    .option('--namespace <name>')
    .option('--workload <Kind/namespace/name>')
    .option('--link <record-id>', 'detection or evidence record it rests on (repeatable)', repeatable, [] as string[])
    .action(async function (this: Command) {
      const flags = this.opts<StoreFlags & { title: string; severity: string; detected?: string; description?: string; cluster?: string; namespace?: string; workload?: string; link: string[] }>();
      if (!['low', 'medium', 'high', 'critical'].includes(flags.severity)) throw new UsageError('--severity must be low, medium, high or critical');
      const workload = flags.workload === undefined ? undefined : parseWorkload(flags.workload);
      if (flags.workload !== undefined && !workload) throw new UsageError('--workload: expected Kind/namespace/name or Kind/name');
      const record = await withStore(flags, false, async (store, config) => {
        const where = { ...(flags.cluster ? { cluster: flags.cluster } : {}), ...(flags.namespace ? { namespace: flags.namespace } : {}), ...(workload ? { workload } : {}) };
        const outside = outsideIncidentScope(config, where);
        if (outside) throw new UsageError(`outside the incident scope of annexa.yaml: ${outside}`);
        await requireRecords(store, flags.link);
        const payload: IncidentPayload = {
          kind: 'incident', event: 'opened', incident: newIncidentId(), title: flags.title, severity: flags.severity,
          detectedAt: dateOption(flags.detected, '--detected') ?? new Date().toISOString(), links: flags.link, ...where,
          ...(flags.description ? { description: flags.description } : {}),
        };
        return { record: (await store.append([ismsDraft(config, payload)]))[0], incident: payload.incident };
      });
      tell(record?.record, `opened ${record?.incident}`);
    }));
  incident.addCommand(storeOptions(new Command('update'))
    .description('Add to an incident\'s timeline, links or notes')
    .argument('<id>', 'INC-…')
    .option('--contained <time>')
    .option('--resolved <time>')
    .option('--note <text>')
    .option('--link <record-id>', 'repeatable', repeatable, [] as string[])
    .action(async function (this: Command, id: string) {
      const flags = this.opts<StoreFlags & { contained?: string; resolved?: string; note?: string; link: string[] }>();
      const record = await withStore(flags, true, async (store, config) => {
        const current = foldIncidents(await ismsRecords(store)).get(id);
        if (!current) throw new UsageError(`no incident "${id}"`);
        if (current.status === 'closed') throw new UsageError(`${id} is closed`);
        await requireRecords(store, flags.link);
        const payload: IncidentPayload = { kind: 'incident', event: 'updated', incident: id, links: flags.link };
        const contained = dateOption(flags.contained, '--contained');
        const resolved = dateOption(flags.resolved, '--resolved');
        if (contained) payload.containedAt = contained;
        if (resolved) payload.resolvedAt = resolved;
        if (flags.note) payload.note = flags.note;
        if (!contained && !resolved && !flags.note && flags.link.length === 0) throw new UsageError('nothing to record: give --contained, --resolved, --note or --link');
        return (await store.append([ismsDraft(config, payload)]))[0];
      });
      tell(record, `updated ${id}`);
    }));
  incident.addCommand(storeOptions(new Command('close'))
    .description('Close an incident with its post-incident review; link corrective actions or open them as nonconformities')
    .argument('<id>', 'INC-…')
    .requiredOption('--review <text>', 'post-incident review: what happened, why, what changes')
    .option('--resolved <time>', 'when it was resolved (default: as recorded, else now)')
    .option('--corrective-action <NC-id>', 'existing nonconformity the review links (repeatable)', repeatable, [] as string[])
    .option('--open-corrective-action <CONTROL:text>', 'open a nonconformity for this control with this corrective action (repeatable)', repeatable, [] as string[])
    .action(async function (this: Command, id: string) {
      const flags = this.opts<StoreFlags & { review: string; resolved?: string; correctiveAction: string[]; openCorrectiveAction: string[] }>();
      const opening = flags.openCorrectiveAction.map((spec) => {
        const match = /^(A\.[5-8]\.\d{1,2}):(.+)$/s.exec(spec);
        if (!match) throw new UsageError(`--open-corrective-action: expected CONTROL:text such as "A.5.24:Add runbook for token leaks", not "${spec}"`);
        return { control: match[1]!, action: match[2]!.trim() };
      });
      const records = await withStore(flags, true, async (store, config) => {
        const isms = await ismsRecords(store);
        const current = foldIncidents(isms).get(id);
        if (!current) throw new UsageError(`no incident "${id}"`);
        if (current.status === 'closed') throw new UsageError(`${id} is already closed`);
        const ncs = foldNonconformities(isms);
        for (const nc of flags.correctiveAction) if (!ncs.has(nc)) throw new UsageError(`no nonconformity "${nc}" (see "annexa isms nc list")`);
        const scope = scopeOf(config);
        const opened = opening.map(({ control, action }) => ncDraft(scope, {
          kind: 'nonconformity', event: 'opened', nc: newNcId(), control, scope: scopeName(scope), source: 'incident', correctiveAction: action, note: `from the review of ${id}`,
          ...(config.owners.find((o) => o.control === control) ? { owner: config.owners.find((o) => o.control === control)!.owner } : {}),
        }));
        const payload: IncidentPayload = {
          kind: 'incident', event: 'closed', incident: id, review: flags.review,
          resolvedAt: dateOption(flags.resolved, '--resolved') ?? current.timeline.resolved ?? new Date().toISOString(),
          correctiveActions: [...flags.correctiveAction, ...opened.map((draft) => (draft.payload as { nc: string }).nc)],
        };
        return store.append([...opened, ismsDraft(config, payload)]);
      });
      tell(records[records.length - 1], `closed ${id}${records.length > 1 ? ` and opened ${records.length - 1} corrective action${records.length > 2 ? 's' : ''}` : ''}`);
    }));
  for (const name of ['list', 'show'] as const) {
    const command = storeOptions(new Command(name)).description(name === 'list' ? 'List incidents' : 'One incident with its timeline and history');
    if (name === 'show') command.argument('<id>', 'INC-…');
    else command.addOption(formatOption());
    command.action(async function (this: Command, id?: string) {
      const flags = this.opts<StoreFlags & { output?: string }>();
      const all = await withStore(flags, true, async (store) => foldIncidents(await ismsRecords(store)));
      if (name === 'show') {
        const found = all.get(id!);
        if (!found) throw new UsageError(`no incident "${id}"`);
        print(`${JSON.stringify(found, null, 2)}\n`);
        return;
      }
      const list = [...all.values()];
      if (flags.output === 'json') print(`${JSON.stringify({ incidents: list }, null, 2)}\n`);
      else print(list.length === 0 ? 'no incidents\n' : `${['ID            SEVERITY  STATUS  DETECTED                  TITLE', ...list.map((i) => `${i.id.padEnd(13)} ${i.severity.padEnd(9)} ${i.status.padEnd(7)} ${(i.timeline.detected ?? '-').padEnd(25)} ${i.title}`)].join('\n')}\n`);
    });
    incident.addCommand(command);
  }
  return incident;
}

export function ismsCommand(): Command {
  const isms = new Command('isms').description('ISMS records in the evidence store: nonconformities, risk register, internal audits and management reviews, incidents');
  isms.addCommand(ncCommand());
  isms.addCommand(risksCommand());
  isms.addCommand(recordCommand());
  isms.addCommand(incidentCommand());
  return isms;
}


