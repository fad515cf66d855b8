/**
 * `-o oscal`: an OSCAL 1.1.3 `assessment-results` document, so GRC tools can import the scan.
 *
 * - one `result` per scan, with `start` (when the report began) and `end`;
 * - an `observation` per in-scope finding (method TEST, type finding): the check's title, the
 *   finding's message, its resource as the subject, props for check, severity, path, location,
 *   controls and, for accepted risk, the exception; streamed as findings arrive;
 * - `reviewed-controls`: the Annex A controls the scan assessed (posture pass, fail or partial);
 * - a `finding` per reviewed control, targeting the control (`target-id` = the Annex A id, e.g.
 *   `A.8.9`), `satisfied` only when the posture is `pass`, with the uuids of its observations
 *   (kept one per line in a KeyedSpool until the end). Manual, not-assessed and not-applicable
 *   controls get no finding: the scan says nothing about them.
 *
 * Input errors (what could not be read or checked) are entries of the result's `assessment-log`.
 * There is no separate assessment plan: `import-ap` points at a back-matter resource that says so.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ScanOutcome } from '../posture/outcome.js';
import type { ControlStatus } from '../posture/posture.js';
import type { Finding, InputError, ResourceRef } from '../resources/types.js';
import { formatRef } from '../resources/types.js';
import { exceptionText } from '../engine/exceptions.js';
import { KeyedSpool } from './keyed-spool.js';
import type { ReporterFactory } from './reporter.js';
import { locationText } from './table.js';

export const OSCAL_VERSION = '1.1.3';
/** The namespace of Annexa's own props (an identifier, never fetched). */
export const ANNEXA_PROP_NS = 'urn:annexa:oscal';

interface Prop {
  name: string;
  value: string;
  ns?: string;
}

function prop(name: string, value: string): Prop {
  return { name, value, ns: ANNEXA_PROP_NS };
}

/** A name-based (version 5 layout) UUID from text: the same resource gets the same subject uuid in every report. */
export function nameUuid(text: string): string {
  const hex = createHash('sha1').update(`annexa:${text}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** RFC 3339 with a time zone, as OSCAL's date-time pattern requires. */
function timestamp(date: Date): string {
  return date.toISOString();
}

function subjectOf(ref: ResourceRef) {
  const props = [prop('api-version', ref.apiVersion), prop('kind', ref.kind), prop('name', ref.name)];
  if (ref.namespace) props.push(prop('namespace', ref.namespace));
  return { 'subject-uuid': nameUuid(formatRef(ref)), type: 'resource', props, remarks: formatRef(ref) };
}

/** One finding as an observation. */
export function observationOf(finding: Finding, uuid: string, collected: string): Record<string, unknown> {
  const props = [prop('check-id', finding.checkId), prop('severity', finding.severity), prop('path', finding.path)];
  for (const rule of finding.rules ?? []) if (rule !== finding.checkId) props.push(prop('also-flagged-by', rule));
  for (const control of finding.controls.iso27001) props.push(prop('annex-a-control', control));
  const location = locationText(finding.location, true);
  if (location) props.push(prop('location', location));
  if (finding.severityReason) props.push(prop('severity-reason', finding.severityReason));
  if (finding.excepted) {
    props.push(prop('exception', exceptionText(finding.excepted)), prop('exception-expires', finding.excepted.expires));
  }
  const observation: Record<string, unknown> = {
    uuid,
    title: finding.title,
    description: finding.message,
    props,
    methods: ['TEST'],
    types: ['finding'],
    subjects: [subjectOf(finding.resource)],
    collected,
    remarks: `Remediation: ${finding.remediation}`,
  };
  return observation;
}

/** The controls the scan assessed: a mapped check ran on them. */
export function reviewedControls(controls: readonly ControlStatus[]): ControlStatus[] {
  return controls.filter((c) => c.status === 'pass' || c.status === 'fail' || c.status === 'partial');
}

function targetStatus(control: ControlStatus): { state: 'satisfied' | 'not-satisfied'; reason: 'pass' | 'fail' | 'other'; remarks?: string } {
  if (control.status === 'pass') return { state: 'satisfied', reason: 'pass' };
  if (control.status === 'fail') return { state: 'not-satisfied', reason: 'fail', remarks: `${control.findings} in-scope findings at or above the failing threshold (checks: ${control.checksFailed.join(', ')})` };
  return { state: 'not-satisfied', reason: 'other', remarks: 'partial: what ran passed, but a mapped check was not evaluated or the control is only partly automatable; not shown to be satisfied' };
}

/** A reviewed control's finding, written with its related observations one at a time (a control may have millions). */
function* findingChunks(control: ControlStatus, observations: Iterable<string>): Generator<string> {
  const finding = {
    uuid: randomUUID(),
    title: `${control.id} ${control.title}`,
    description: `Automated assessment of ISO/IEC 27001:2022 Annex A ${control.id} from the checks mapped to it: ${control.status}.`,
    props: [prop('annex-a-theme', control.theme), prop('posture-status', control.status), prop('automation', control.automation)],
    target: { type: 'objective-id', 'target-id': control.id, status: targetStatus(control) },
  };
  yield JSON.stringify(finding).slice(0, -1);
  let first = true;
  for (const uuid of observations) {
    yield `${first ? ',"related-observations":[' : ','}{"observation-uuid":"${uuid}"}`;
    first = false;
  }
  yield first ? '}' : ']}';
}

/** An input error (a document that does not parse, a check that threw) as an assessment-log entry: what could not be assessed. */
function inputErrorEntry(error: InputError, start: string): Record<string, unknown> {
  const where = locationText(error, true) || error.file;
  return { uuid: randomUUID(), title: 'Input error', description: `${where}: ${error.message}`, start, props: [prop('file', error.file)] };
}

/**
 * The observations of a control: those of each mapped check, once (an observation flagged by two
 * checks of the same control is listed under the first of them only).
 */
function* relatedObservations(byCheck: KeyedSpool, control: ControlStatus): Generator<string> {
  const earlier = new Set<string>();
  for (const checkId of control.checks) {
    for (const line of byCheck.read(checkId)) {
      const [uuid, rules] = line.split(' ') as [string, string];
      if (!rules.split(',').some((rule) => earlier.has(rule))) yield uuid;
    }
    earlier.add(checkId);
  }
}

export const oscalReporter: ReporterFactory = ({ write, toolVersion }) => {
  const started = new Date();
  const planUuid = randomUUID();
  const byCheck = new KeyedSpool();
  let opened = false;
  let observations = 0;
  const open = () => {
    if (opened) return;
    opened = true;
    const metadata = { title: 'Annexa assessment results: ISO/IEC 27001:2022 Annex A controls on Kubernetes', 'last-modified': timestamp(started), version: toolVersion, 'oscal-version': OSCAL_VERSION };
    write(`{"assessment-results":{"uuid":${JSON.stringify(randomUUID())},"metadata":${JSON.stringify(metadata)},"import-ap":${JSON.stringify({ href: `#${planUuid}` })}`
      + `,"results":[{"uuid":${JSON.stringify(randomUUID())},"title":"Annexa scan","description":"Automated checks of Kubernetes resources, mapped to ISO/IEC 27001:2022 Annex A controls.","start":${JSON.stringify(timestamp(started))}`);
  };
  const emit = (findings: readonly Finding[]) => {
    open();
    for (const finding of findings) {
      if (finding.outOfScope) continue;
      const uuid = randomUUID();
      write(`${observations === 0 ? ',"observations":[\n' : ',\n'}${JSON.stringify(observationOf(finding, uuid, timestamp(started)))}`);
      observations += 1;
      if (finding.excepted) continue; // accepted risk: observed, not held against the control
      // Filed under each check that flags it, as the posture counts it (engine/evaluation.ts).
      const rules = finding.rules ?? [finding.checkId];
      for (const checkId of rules) byCheck.append(checkId, `${uuid} ${rules.join(',')}`);
    }
  };
  return {
    resource: (scanned) => emit(scanned.findings),
    inventoryFindings: emit,
    finish(outcome: ScanOutcome) {
      open();
      try {
        if (observations > 0) write('\n]');
        const reviewed = reviewedControls(outcome.controls);
        const selection = reviewed.length > 0
          ? { 'include-controls': reviewed.map((c) => ({ 'control-id': c.id })) }
          : { remarks: 'No Annex A control was assessed: no mapped check was evaluated.' };
        const { summary } = outcome;
        const props = [prop('resources', String(summary.resources)), prop('findings', String(summary.findings)), prop('out-of-scope-findings', String(summary.outOfScopeFindings)),
          prop('excepted-findings', String(summary.exceptedFindings ?? 0)), prop('input-errors', String(outcome.errors.length))];
        const log = outcome.errors.length > 0 ? `,"assessment-log":${JSON.stringify({ entries: outcome.errors.map((error) => inputErrorEntry(error, timestamp(started))) })}` : '';
        write(`,"end":${JSON.stringify(timestamp(new Date()))},"props":${JSON.stringify(props)}${log},"reviewed-controls":${JSON.stringify({ 'control-selections': [selection] })}`);
        reviewed.forEach((control, i) => {
          write(i === 0 ? ',"findings":[\n' : ',\n');
          for (const chunk of findingChunks(control, relatedObservations(byCheck, control))) write(chunk);
        });
        if (reviewed.length > 0) write('\n]');
        const plan = { uuid: planUuid, title: 'Assessment plan', description: 'No separate assessment plan: the assessment is the set of Annexa checks that ran, mapped to Annex A controls (annexa checks, annexa controls).' };
        write(`}],"back-matter":${JSON.stringify({ resources: [plan] })}}}\n`);
      } finally {
        byCheck.close();
      }
    },
  };
};
