/**
 * The ISMS records of annexa.yaml that the posture and the Statement of Applicability read:
 * `posture` (failing threshold), `document` (document control of the SoA), `risks` and
 * `requirements` (what justifies including a control), `controls` (per-control records: owner,
 * implementation status, evidence references, reviews, responsibility) and `organisationControls`
 * (controls outside Annex A). Each is an additive section of the config schema (config.ts).
 */
import { z } from 'zod';
import { ANNEX_A_TITLES } from '../frameworks/annex-a-titles.js';
import { isPlaceholderText } from './justification.js';

const ANNEX_A_IDS = new Set(ANNEX_A_TITLES.map((control) => control.id));
/** Supplier relationship controls that can cover what a provider does. */
export const SUPPLIER_CONTROLS = ['A.5.19', 'A.5.20', 'A.5.21', 'A.5.22', 'A.5.23'] as const;

export const IMPLEMENTATION_STATUSES = ['implemented', 'partially-implemented', 'planned', 'not-implemented'] as const;
export type ImplementationStatus = (typeof IMPLEMENTATION_STATUSES)[number];
export const RESPONSIBILITIES = ['organisation', 'shared', 'provider'] as const;
export type Responsibility = (typeof RESPONSIBILITIES)[number];

/** A calendar date `YYYY-MM-DD` that exists (2026-02-30 does not). */
export const isoDate = z.string({ error: 'expected a date YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date YYYY-MM-DD', abort: true })
  .refine((value) => new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), { message: 'not a calendar date' });

/** Organisation-specific control ids: `ORG-1`, `ACME.7`; never an Annex A id. */
const ORGANISATION_ID = /^[A-Z][A-Z0-9]{1,11}[-.][A-Za-z0-9.-]{1,20}$/;

const evidenceRef = z.object({
  /** Document id, ticket or record name, e.g. `ISMS-POL-001` or `SEC-1234`. */
  ref: z.string().min(1, 'an evidence reference needs `ref` (document id, ticket or record name)'),
  title: z.string().min(1).optional(),
  url: z.url({ message: 'expected an absolute URL' }).optional(),
  /** When the evidence was produced or last updated. */
  date: isoDate,
}).strict();
export type EvidenceRef = z.infer<typeof evidenceRef>;

const recordFields = {
  owner: z.string().min(1).optional(),
  implementationStatus: z.enum(IMPLEMENTATION_STATUSES).optional(),
  evidence: z.array(evidenceRef).default([]),
  lastReview: isoDate.optional(),
  nextReview: isoDate.optional(),
  /** Ids from `risks` and `requirements` that justify including the control. */
  risks: z.array(z.string().min(1)).default([]),
  requirements: z.array(z.string().min(1)).default([]),
  responsibility: z.enum(RESPONSIBILITIES).default('organisation'),
  /** Supplier controls (A.5.19–A.5.23) through which the provider's part is managed. */
  supplierControls: z.array(z.enum(SUPPLIER_CONTROLS, { message: `expected one of ${SUPPLIER_CONTROLS.join(', ')}` })).default([]),
  notes: z.string().min(1).optional(),
};

function checkRecord(entry: { responsibility: Responsibility; supplierControls: string[]; lastReview?: string | undefined; nextReview?: string | undefined }, ctx: z.RefinementCtx): void {
  if (entry.responsibility !== 'organisation' && entry.supplierControls.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['supplierControls'], message: `responsibility "${entry.responsibility}" needs the supplier controls (A.5.19–A.5.23) that cover the provider's part` });
  }
  if (entry.lastReview && entry.nextReview && entry.nextReview < entry.lastReview) {
    ctx.addIssue({ code: 'custom', path: ['nextReview'], message: 'nextReview is before lastReview' });
  }
}

export const controlRecord = z.object({
  control: z.string().refine((id) => ANNEX_A_IDS.has(id) || ORGANISATION_ID.test(id), {
    message: 'expected an Annex A control id (A.5.1–A.8.34) or an id from organisationControls such as ORG-1',
  }),
  ...recordFields,
}).strict().superRefine(checkRecord);
export type ControlRecord = z.infer<typeof controlRecord>;

export const organisationControl = z.object({
  id: z.string().regex(ORGANISATION_ID, { message: 'expected an organisation control id such as ORG-1 (capital letters, then - or ., then a number or name)' })
    .refine((id) => !ANNEX_A_IDS.has(id), { message: 'Annex A ids cannot be organisation controls' }),
  title: z.string().min(3, 'an organisation control needs a title'),
  description: z.string().min(1).optional(),
}).strict();
export type OrganisationControl = z.infer<typeof organisationControl>;

const register = z.array(z.object({
  id: z.string().min(1),
  title: z.string().min(3, 'a title is required'),
}).strict());

const riskLevel = z.enum(['low', 'medium', 'high', 'critical']);

/**
 * The risk register: what justifies including controls (`controls[].risks`) and what the ISMS
 * treats (`annexa isms risks` shows each risk with the posture of its linked controls).
 */
const riskRegister = z.array(z.object({
  id: z.string().min(1),
  title: z.string().min(3, 'a title is required').optional(),
  description: z.string().min(1).optional(),
  likelihood: riskLevel.optional(),
  impact: riskLevel.optional(),
  treatment: z.enum(['mitigate', 'accept', 'transfer', 'avoid']).optional(),
  owner: z.string().min(1).optional(),
  /** Controls that treat the risk, besides the control records that name it. */
  controls: z.array(z.string().refine((id) => ANNEX_A_IDS.has(id) || ORGANISATION_ID.test(id), {
    message: 'expected an Annex A control id such as A.8.9 or an organisation control id',
  })).default([]),
}).strict().refine((risk) => risk.title !== undefined || risk.description !== undefined, {
  message: 'a risk needs a title or a description', path: ['title'],
}));
export type RiskEntry = z.infer<typeof riskRegister>[number];

/** The controls linked to a risk: those it lists and those whose record names it. */
export function controlsOfRisk(risk: RiskEntry, records: ReadonlyArray<{ control: string; risks: readonly string[] }>): string[] {
  const linked = new Set(risk.controls);
  for (const record of records) if (record.risks.includes(risk.id)) linked.add(record.control);
  return [...linked];
}

export const documentControl = z.object({
  title: z.string().min(1).default('Statement of Applicability'),
  version: z.string().min(1).optional(),
  owner: z.string().min(1).optional(),
  approver: z.string().min(1).optional(),
  approvalDate: isoDate.optional(),
  nextReview: isoDate.optional(),
  classification: z.string().min(1).optional(),
}).strict();
export type DocumentControl = z.infer<typeof documentControl>;

export const postureSettings = z.object({
  /** Findings at or above this severity fail a control; below it they are observations. */
  failOn: z.enum(['critical', 'high', 'medium', 'low'], { message: 'expected critical, high, medium or low (info findings never fail a control)' }).default('medium'),
}).strict();

export const recordSections = {
  posture: postureSettings.default({ failOn: 'medium' }),
  document: documentControl.default({ title: 'Statement of Applicability' }),
  risks: riskRegister.default([]),
  requirements: register.default([]),
  controls: z.array(controlRecord).default([]),
  organisationControls: z.array(organisationControl).default([]),
};

/** Ways of saying "the provider does it": that makes the control applicable with provider responsibility, not excluded. */
const PROVIDER_INHERITANCE: readonly RegExp[] = [
  /\binherit(ed|s|ance)?\b/i,
  /\b(provider|hosting|hoster|hyperscaler|supplier|vendor|data ?cent(er|re) operator)('s)?\b[^.;]*\b(responsib\w*|duty|duties|carr\w*|cover\w*|handl\w*|manag\w*|does|do it|takes care)\b/i,
  /\b(responsib\w*|duty|carried|covered|handled|managed|done|taken care of)\b[^.;]*\b(by|of) (the |our )?(cloud |hosting |infrastructure )?(provider|hoster|hyperscaler|supplier|vendor)\b/i,
];

/**
 * An exclusion must say why the control does not apply. Placeholders, one-word reasons and
 * provider inheritance (that is `responsibility: provider` with supplier controls, not an
 * exclusion) are refused. Returns the reason it is refused, or undefined.
 */
export function weakExclusionReason(justification: string): string | undefined {
  const text = justification.trim();
  const words = text.split(/\s+/).filter((w) => /[a-z]{2,}/i.test(w));
  if (/^(n\/?a|na|none|tbd|todo|x+|-+|\.+|not applicable|see above|no|yes)$/i.test(text)) return 'is a placeholder';
  if (PROVIDER_INHERITANCE.some((pattern) => pattern.test(text))) {
    return 'names the provider: a control the provider carries is applicable; record it in `controls` with responsibility: provider (or shared) and the supplier controls that cover it';
  }
  if (words.length < 6 || text.length < 40) return 'is too short: say what makes the control not applicable (at least six words)';
  return undefined;
}

interface RecordedConfig {
  applicability: ReadonlyArray<{ control: string; applicable: boolean; justification: string }>;
  owners: ReadonlyArray<{ control: string; owner: string }>;
  controls: readonly ControlRecord[];
  organisationControls: readonly OrganisationControl[];
  risks: ReadonlyArray<{ id: string }>;
  requirements: ReadonlyArray<{ id: string }>;
}

type Issue = { path: Array<string | number>; message: string };

/** Cross-section rules: references resolve, each control recorded once, exclusions justified. */
export function recordIssues(config: RecordedConfig): Issue[] {
  const issues: Issue[] = [];
  const risks = new Set(config.risks.map((r) => r.id));
  const requirements = new Set(config.requirements.map((r) => r.id));
  const organisation = new Set(config.organisationControls.map((c) => c.id));
  const seen = new Set<string>();
  config.controls.forEach((record, i) => {
    if (seen.has(record.control)) issues.push({ path: ['controls', i, 'control'], message: `${record.control} has two records` });
    seen.add(record.control);
    if (!ANNEX_A_IDS.has(record.control) && !organisation.has(record.control)) {
      issues.push({ path: ['controls', i, 'control'], message: `${record.control} is neither an Annex A control nor listed in organisationControls` });
    }
    if (record.owner && config.owners.some((o) => o.control === record.control)) {
      issues.push({ path: ['controls', i, 'owner'], message: `${record.control} also has an entry in owners: give the owner once` });
    }
    record.risks.forEach((id, j) => {
      if (!risks.has(id)) issues.push({ path: ['controls', i, 'risks', j], message: `risk "${id}" is not in the risks register` });
    });
    record.requirements.forEach((id, j) => {
      if (!requirements.has(id)) issues.push({ path: ['controls', i, 'requirements', j], message: `requirement "${id}" is not in the requirements register` });
    });
  });
  for (const register of ['risks', 'requirements'] as const) {
    const ids = new Set<string>();
    config[register].forEach((entry, i) => {
      if (ids.has(entry.id)) issues.push({ path: [register, i, 'id'], message: `${entry.id} is listed twice in ${register}` });
      ids.add(entry.id);
    });
  }
  const orgSeen = new Set<string>();
  config.organisationControls.forEach((c, i) => {
    if (orgSeen.has(c.id)) issues.push({ path: ['organisationControls', i, 'id'], message: `${c.id} is listed twice` });
    orgSeen.add(c.id);
  });
  config.applicability.forEach((entry, i) => {
    if (entry.applicable) return;
    // A placeholder is already refused by the schema (justification.ts): one error for it, not two.
    const weak = isPlaceholderText(entry.justification) ? undefined : weakExclusionReason(entry.justification);
    if (weak) issues.push({ path: ['applicability', i, 'justification'], message: `the exclusion of ${entry.control} ${weak}` });
    const record = config.controls.find((c) => c.control === entry.control);
    if (record && record.responsibility !== 'organisation') {
      issues.push({ path: ['applicability', i, 'applicable'], message: `${entry.control} is excluded but its record says responsibility: ${record.responsibility}; a control the provider carries is applicable` });
    }
  });
  return issues;
}
