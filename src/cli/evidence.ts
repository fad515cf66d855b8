/** `annexa evidence verify|list|show|export|verify-bundle|trend`: the evidence store from the command line. */
import { writeEvidenceHtml } from './evidence-html.js';
import { Command, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { builtinCheckIds } from '../checks/index.js';
import { loadConfig } from '../isms/config.js';
import { DEFAULT_STORE, type EvidenceStore } from '../evidence/store.js';
import { isPostgresUrl } from '../evidence/location.js';
import { isRecordType, RECORD_TYPES, type RecordEnvelope } from '../evidence/types.js';
import { exportBundle, verifyBundle } from '../evidence/bundle.js';
import { buildTrend } from '../evidence/period.js';
import { readPublicKey } from '../evidence/signing.js';
import { collect } from '../evidence/record-scan.js';
import { openOutput, UsageError, EXIT } from './io.js';
import { requireStore, TOOL } from './evidence-io.js';

interface StoreFlags {
  store?: string;
  config?: string;
  signingKey?: string;
}

/** --store, else evidence.store in annexa.yaml, else ./annexa.db, which must exist (reading never creates a store). */
export async function storeFor(flags: StoreFlags, { mustExist = true } = {}): Promise<EvidenceStore> {
  const { config } = loadConfig(flags.config, process.cwd(), builtinCheckIds);
  const location = flags.store ?? config.evidence?.store ?? DEFAULT_STORE;
  if (mustExist && !isPostgresUrl(location) && !existsSync(location)) throw new UsageError(`no evidence store at ${location} (record one with: annexa scan PATH --store ${location})`);
  return requireStore(location, flags.signingKey ?? config.evidence?.signingKey);
}

/** An RFC 3339 UTC instant from a date or date-time; `what` names the flag in errors. */
export function instant(value: string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new UsageError(`${what}: "${value}" is not a date (YYYY-MM-DD) or an RFC 3339 time`);
  return new Date(time).toISOString();
}

function storeOptions(command: Command): Command {
  return command
    .option('--store <path|url>', `evidence store: SQLite file or postgres:// URL (default: evidence.store in annexa.yaml, else ./${DEFAULT_STORE})`)
    .option('-c, --config <file>', 'annexa.yaml (default: ./annexa.yaml)');
}

const formatOption = () => new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table');

function print(text: string): void {
  const output = openOutput(undefined);
  output.write(text);
  output.close();
}

async function withStore<T>(flags: StoreFlags, work: (store: EvidenceStore) => Promise<T>): Promise<T> {
  const store = await storeFor(flags);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

export function evidenceCommand(): Command {
  const evidence = new Command('evidence').description('The tamper-evident evidence store: verify, list, show, export for auditors, trends');

  evidence.addCommand(storeOptions(new Command('verify'))
    .description('Recompute every record hash, chain link and signed checkpoint; exit 1 at the first broken record')
    .option('--public-key <file>', 'PEM public key the checkpoints must be signed with (default: the store\'s signing key)')
    .addOption(formatOption())
    .action(async function (this: Command) {
      const flags = this.opts<StoreFlags & { publicKey?: string; output: string }>();
      const report = await withStore(flags, (store) => store.verify(flags.publicKey));
      if (flags.output === 'json') print(`${JSON.stringify(report, null, 2)}\n`);
      else {
        const lines = [
          `store: ${report.store} (${report.backend}, schema ${report.schemaVersion})`,
          `records: ${report.records}${report.head ? `, head ${report.head.seq} ${report.head.hash}` : ''}`,
          `checkpoints: ${report.checkpoints} (${report.checkpointsMatched} matched), key ${report.key.fingerprint ?? 'none'} (${report.key.source})`,
          report.problem ? `BROKEN at record ${report.problem.seq}: ${report.problem.message}` : 'OK: every record, link and checkpoint verifies',
        ];
        if (report.key.source === 'recorded-in-store') lines.push('note: no independent public key was given (--public-key); signatures were checked against the key recorded in the store');
        print(`${lines.join('\n')}\n`);
      }
      this.setOptionValue('exitCode', report.ok ? EXIT.ok : EXIT.findings);
    }));

  evidence.addCommand(storeOptions(new Command('list'))
    .description('List evidence records')
    .option('--type <type>', `record type: ${RECORD_TYPES.join(', ')}`)
    .option('--since <date>', 'records at or after this date or time')
    .option('--until <date>', 'records before this date or time')
    .addOption(formatOption())
    .action(async function (this: Command) {
      const flags = this.opts<StoreFlags & { type?: string; since?: string; until?: string; output: string }>();
      if (flags.type !== undefined && !isRecordType(flags.type)) throw new UsageError(`--type must be one of ${RECORD_TYPES.join(', ')}, not "${flags.type}"`);
      const filter = { ...(flags.type ? { type: flags.type } : {}), ...optionalPeriod(flags) };
      await withStore(flags, async (store) => {
        const output = openOutput(undefined);
        let first = true;
        if (flags.output === 'json') output.write('{"records":[');
        else output.write('SEQ  ID                                    TYPE   TIME                      SUMMARY\n');
        for await (const record of store.envelopes(filter)) {
          const entry = { seq: record.seq, id: record.id, type: record.type, time: record.time, scope: record.scope, payloadHash: record.payloadHash, summary: summaryOf(record) };
          if (flags.output === 'json') output.write(`${first ? '\n' : ',\n'}${JSON.stringify(entry)}`);
          else output.write(`${String(record.seq).padEnd(4)} ${record.id.padEnd(37)} ${record.type.padEnd(6)} ${record.time.padEnd(25)} ${entry.summary}\n`);
          first = false;
        }
        if (flags.output === 'json') output.write(`${first ? '' : '\n'}]}\n`);
        output.close();
      });
    }));

  evidence.addCommand(storeOptions(new Command('show'))
    .description('Print one evidence record (by id or sequence number) as JSON')
    .argument('<id>', 'record id or sequence number')
    .action(async function (this: Command, id: string) {
      const record = await withStore(this.opts<StoreFlags>(), (store) => store.find(id));
      if (!record) throw new UsageError(`no evidence record "${id}"`);
      print(`${JSON.stringify(record, null, 2)}\n`);
    }));

  evidence.addCommand(storeOptions(new Command('export'))
    .description('Write a signed .tar.gz bundle of the records of a period for auditors, or (-o html) a report of its latest scan')
    .requiredOption('--out <file>', 'the .tar.gz (or, with -o html, the .html) to write')
    .addOption(new Option('-o, --output <format>', 'bundle: the signed records; html: a self-contained report of the latest scan of the period').choices(['bundle', 'html']).default('bundle'))
    .option('--since <date>', 'records at or after this date or time')
    .option('--until <date>', 'records before this date or time')
    .option('--signing-key <file>', 'Ed25519 key (PEM) that signs the manifest (default: the store\'s)')
    .action(async function (this: Command) {
      const flags = this.opts<StoreFlags & { out: string; since?: string; until?: string; output: string }>();
      const period = optionalPeriod(flags);
      if (flags.output === 'html') {
        await exportHtml(flags, period);
        return;
      }
      const manifest = await withStore(flags, async (store) => {
        const verified = await store.verify();
        if (!verified.ok) throw new UsageError(`the store does not verify (record ${verified.problem!.seq}: ${verified.problem!.message}); nothing exported`);
        const { manifest } = await exportBundle(store, period, TOOL, flags.out);
        return manifest;
      });
      process.stderr.write(`annexa: wrote ${flags.out}: ${manifest.records.count} records, key ${manifest.publicKeyFingerprint}\n`);
    }));

  evidence.addCommand(new Command('verify-bundle')
    .description('Check an exported bundle: manifest signature, every file hash, the records\' chain; exit 1 if anything fails')
    .argument('<file>', 'the .tar.gz bundle')
    .option('--public-key <file>', 'PEM public key obtained independently of the bundle (default: the key inside it, which proves integrity only)')
    .addOption(formatOption())
    .action(async function (this: Command, file: string) {
      const flags = this.opts<{ publicKey?: string; output: string }>();
      let archive: Buffer;
      try {
        archive = readFileSync(file);
      } catch (error) {
        throw new UsageError(`${file}: cannot read: ${(error as Error).message}`);
      }
      const report = verifyBundle(archive, flags.publicKey ? readPublicKey(flags.publicKey) : undefined);
      if (flags.output === 'json') print(`${JSON.stringify({ file, ...report }, null, 2)}\n`);
      else {
        const lines = [`${file}: ${report.records} records, key ${report.key.fingerprint ?? 'none'} (${report.key.source})`];
        lines.push(...report.problems.map((problem) => `FAIL: ${problem}`));
        if (report.ok) lines.push('OK: signature, file hashes and the record chain verify');
        if (report.key.source === 'embedded') lines.push('note: checked against the key inside the bundle; give --public-key to check who signed it');
        print(`${lines.join('\n')}\n`);
      }
      this.setOptionValue('exitCode', report.ok ? EXIT.ok : EXIT.findings);
    }));

  evidence.addCommand(storeOptions(new Command('trend'))
    .description('Pass/fail over time per Annex A control and per theme, from recorded scans')
    .option('--since <date>', 'scans at or after this date or time')
    .option('--until <date>', 'scans before this date or time')
    .addOption(formatOption())
    .action(async function (this: Command) {
      const flags = this.opts<StoreFlags & { since?: string; until?: string; output: string }>();
      const scans = await withStore(flags, (store) => collect(store.envelopes({ type: 'scan', ...optionalPeriod(flags) })));
      const trend = buildTrend(scans);
      print(flags.output === 'json' ? `${JSON.stringify(trend, null, 2)}\n` : trendTable(trend));
    }));
  return evidence;
}

function optionalPeriod(flags: { since?: string; until?: string }): { since?: string; until?: string } {
  const since = instant(flags.since, '--since');
  const until = instant(flags.until, '--until');
  return { ...(since ? { since } : {}), ...(until ? { until } : {}) };
}

async function exportHtml(flags: StoreFlags & { out: string }, period: { since?: string; until?: string }): Promise<void> {
  const output = openOutput(flags.out);
  try {
    const scan = await withStore(flags, async (store) => {
      const verified = await store.verify();
      const problem = verified.problem ? `record ${verified.problem.seq}: ${verified.problem.message}` : undefined;
      return writeEvidenceHtml({ store, storeName: verified.store, period, verified: { ok: verified.ok, ...(problem ? { problem } : {}) }, summaryOf, write: output.write });
    });
    output.close();
    process.stderr.write(`annexa: wrote ${flags.out}: scan record ${scan.seq} of ${scan.time}\n`);
  } catch (error) {
    output.abort();
    throw error;
  }
}

/** One line about a record's content. */
export function summaryOf(record: RecordEnvelope): string {
  const payload = record.payload as Record<string, unknown> | null;
  if (record.type === 'scan' && payload && typeof payload.summary === 'object' && payload.summary) {
    const s = payload.summary as { resources?: number; findings?: number; exceptedFindings?: number };
    return `${s.resources ?? 0} resources, ${s.findings ?? 0} findings${s.exceptedFindings ? `, ${s.exceptedFindings} excepted` : ''}`;
  }
  if (payload && typeof payload.kind === 'string') {
    const id = [payload.nc, payload.incident, payload.title].find((v) => typeof v === 'string');
    return `${payload.kind}${typeof payload.event === 'string' ? ` ${payload.event}` : ''}${id ? ` ${String(id)}` : ''}${typeof payload.control === 'string' ? ` ${payload.control}` : ''}`;
  }
  return '';
}

const STATUS_MARK: Record<string, string> = { pass: 'P', partial: 'p', fail: 'F', 'not-assessed': '.', manual: 'm', 'not-applicable': '-', absent: ' ' };

function trendTable(trend: ReturnType<typeof buildTrend>): string {
  if (trend.scans.length === 0) return 'no recorded scans in this period\n';
  const lines = [`${trend.scans.length} scans from ${trend.scans[0]!.time} to ${trend.scans[trend.scans.length - 1]!.time} (P pass, p partial, F fail, . not assessed, m manual, - not applicable; oldest first)`, ''];
  lines.push('THEME            ' + 'LATEST: pass fail manual n/a');
  for (const theme of trend.themes) {
    const latest = theme.points[theme.points.length - 1] ?? {};
    lines.push(`${theme.theme.padEnd(16)} ${String(latest.pass ?? 0).padStart(12)} ${String(latest.fail ?? 0).padStart(4)} ${String(latest.manual ?? 0).padStart(6)} ${String(latest['not-applicable'] ?? 0).padStart(3)}`);
  }
  lines.push('', 'CONTROL  PASS FAIL  HISTORY');
  const width = 60;
  for (const control of trend.controls) {
    if (control.pass === 0 && control.fail === 0) continue;
    const history = control.statuses.slice(-width).map((s) => STATUS_MARK[s] ?? '?').join('');
    lines.push(`${control.id.padEnd(8)} ${String(control.pass).padStart(4)} ${String(control.fail).padStart(4)}  ${history}`);
  }
  return `${lines.join('\n')}\n`;
}
