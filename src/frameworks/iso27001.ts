/**
 * The ISO/IEC 27001:2022 catalog: 93 Annex A controls with ISO/IEC 27002:2022 attribute values and
 * Annexa's own guidance, clauses 4–10 as manual records, and the automation level of each control
 * derived from the check registry (see iso27001-guidance.ts for the per-control mapping rationale).
 */
import { createHash } from 'node:crypto';
import type { Check } from '../engine/check.js';
import { ANNEX_A_TITLES, type Theme } from './annex-a-titles.js';
import { GUIDANCE } from './iso27001-guidance.js';
import type { Automation, ControlAttributes, ControlType, CybersecurityConcept, OperationalCapability, SecurityDomain, SecurityProperty } from './types.js';

export const ISO27001_FRAMEWORK = 'iso27001:2022';
/** Edition of Annexa's catalogue (guidance, attributes, coverage judgements); bumped when they change. */
export const CATALOG_VERSION = '2';
export const THEMES: readonly Theme[] = ['organizational', 'people', 'physical', 'technological'];

export interface ControlEvidence {
  /** What mapped checks evidence and why they belong to this control. */
  automated?: string;
  /** The record a person keeps. */
  manual: string;
}

export interface AnnexAControl {
  id: string;
  title: string;
  theme: Theme;
  attributes: ControlAttributes;
  kubernetes: string;
  evidence: ControlEvidence;
  /** How much of the control mapped checks can evidence; `partial` unless judged `full`. */
  coverage: 'full' | 'partial';
}

const TYPE_CODES: Record<string, ControlType> = { P: 'preventive', D: 'detective', C: 'corrective' };
const PROPERTY_CODES: Record<string, SecurityProperty> = { C: 'confidentiality', I: 'integrity', A: 'availability' };
const CONCEPT_CODES: Record<string, CybersecurityConcept> = { Id: 'identify', Pr: 'protect', De: 'detect', Rs: 'respond', Rc: 'recover' };

function decode<T>(codes: string[], table: Record<string, T>, what: string): T[] {
  return codes.map((code) => {
    const value = table[code];
    if (value === undefined) throw new Error(`unknown ${what} code "${code}"`);
    return value;
  });
}

const CAPABILITY_CODES: Record<string, OperationalCapability> = {
  Gov: 'governance', Asset: 'asset_management', Info: 'information_protection', HR: 'human_resource_security',
  Phys: 'physical_security', SysNet: 'system_and_network_security', App: 'application_security', Conf: 'secure_configuration',
  IAM: 'identity_and_access_management', TVM: 'threat_and_vulnerability_management', Cont: 'continuity',
  Supp: 'supplier_relationships_security', Legal: 'legal_and_compliance', Event: 'information_security_event_management',
  Assur: 'information_security_assurance',
};
const DOMAIN_CODES: Record<string, SecurityDomain> = { G: 'governance_and_ecosystem', P: 'protection', D: 'defence', R: 'resilience' };

export function parseAttributes(compact: string): ControlAttributes {
  const [types = '', properties = '', concepts = '', capabilities = '', domains = ''] = compact.split('|');
  return {
    controlType: decode(types.split(','), TYPE_CODES, 'control type'),
    securityProperties: decode([...properties], PROPERTY_CODES, 'security property'),
    cybersecurityConcepts: decode(concepts.split(','), CONCEPT_CODES, 'cybersecurity concept'),
    operationalCapabilities: decode(capabilities.split(','), CAPABILITY_CODES, 'operational capability'),
    securityDomains: decode(domains.split(','), DOMAIN_CODES, 'security domain'),
  };
}

/** The five attribute types as `annexa controls --attribute TYPE=VALUE` names them. */
export const ATTRIBUTE_TYPES = {
  'control-type': 'controlType',
  'security-property': 'securityProperties',
  'cybersecurity-concept': 'cybersecurityConcepts',
  'operational-capability': 'operationalCapabilities',
  'security-domain': 'securityDomains',
} as const satisfies Record<string, keyof ControlAttributes>;
export type AttributeType = keyof typeof ATTRIBUTE_TYPES;

export interface AttributeFilter {
  type: AttributeType;
  value: string;
}

/** `operational-capability=identity_and_access_management` (case, `-` and `_` in the value do not matter). */
export function parseAttributeFilter(text: string): AttributeFilter | string {
  const at = text.indexOf('=');
  const type = text.slice(0, at).trim().toLowerCase();
  const value = text.slice(at + 1).trim().toLowerCase().replace(/^#/, '').replace(/-/g, '_');
  if (at < 0 || !(type in ATTRIBUTE_TYPES)) return `--attribute takes TYPE=VALUE with TYPE one of ${Object.keys(ATTRIBUTE_TYPES).join(', ')}, not "${text}"`;
  const known = new Set<string>(ISO27001_CONTROLS.flatMap((c) => c.attributes[ATTRIBUTE_TYPES[type as AttributeType]]));
  if (!known.has(value)) return `--attribute ${type}: "${value}" is not a value of that attribute (${[...known].sort().join(', ')})`;
  return { type: type as AttributeType, value };
}

/** Whether a control has every attribute value asked for. */
export function matchesAttributes(control: AnnexAControl, filters: readonly AttributeFilter[]): boolean {
  return filters.every((f) => (control.attributes[ATTRIBUTE_TYPES[f.type]] as readonly string[]).includes(f.value));
}

function buildCatalog(): AnnexAControl[] {
  return ANNEX_A_TITLES.map(({ id, title, theme }) => {
    const guidance = GUIDANCE[id];
    if (!guidance) throw new Error(`no guidance for ${id}`);
    const evidence: ControlEvidence = { manual: guidance.manual };
    if (guidance.automated) evidence.automated = guidance.automated;
    return {
      id, title, theme,
      attributes: parseAttributes(guidance.attributes),
      kubernetes: guidance.kubernetes,
      evidence,
      coverage: guidance.coverage ?? 'partial',
    };
  });
}

export const ISO27001_CONTROLS: readonly AnnexAControl[] = buildCatalog();

const BY_ID = new Map(ISO27001_CONTROLS.map((control) => [control.id, control]));

export function isoControl(id: string): AnnexAControl | undefined {
  return BY_ID.get(id);
}

export function isAnnexAControlId(id: string): boolean {
  return BY_ID.has(id);
}

/** Check ids mapped to each Annex A control, in registry order. */
export function checksByControl(checks: ReadonlyArray<Pick<Check, 'id' | 'controls'>>): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const check of checks) {
    for (const id of new Set(check.controls.iso27001)) {
      const list = map.get(id);
      if (list) list.push(check.id);
      else map.set(id, [check.id]);
    }
  }
  return map;
}

/** manual without mapped checks; otherwise automated or partial by the catalog's coverage judgement. */
export function automationOf(control: AnnexAControl, mappedChecks: readonly string[]): Automation {
  if (mappedChecks.length === 0) return 'manual';
  return control.coverage === 'full' ? 'automated' : 'partial';
}

export interface IsoControlView extends AnnexAControl {
  automation: Automation;
  checks: string[];
}

/** Every Annex A control with its automation level and mapped checks for a given registry. */
export function isoControlsView(checks: readonly Check[]): IsoControlView[] {
  const mapped = checksByControl(checks);
  return ISO27001_CONTROLS.map((control) => {
    const ids = mapped.get(control.id) ?? [];
    return { ...control, automation: automationOf(control, ids), checks: ids };
  });
}

/** ISO/IEC 27001:2022 clauses 4–10: ISMS requirements, each evidenced by a person's record. */
export interface IsmsClause {
  id: string;
  title: string;
  /** The record Annexa expects; where annexa.yaml or Annexa output supports it, it says so. */
  record: string;
}

export const ISMS_CLAUSES: readonly IsmsClause[] = [
  { id: '4.1', title: 'Understanding the organization and its context', record: 'Internal and external issues relevant to the ISMS, including the role of the container platform.' },
  { id: '4.2', title: 'Understanding the needs and expectations of interested parties', record: 'Interested parties and their requirements (customers, regulators, cloud provider).' },
  { id: '4.3', title: 'Determining the scope of the ISMS', record: 'Scope statement; annexa.yaml `scope` records the clusters and namespaces in scope and the justified exclusions.' },
  { id: '4.4', title: 'Information security management system', record: 'Description of the ISMS processes and how they interact.' },
  { id: '5.1', title: 'Leadership and commitment', record: 'Evidence of top management direction and resourcing of the ISMS.' },
  { id: '5.2', title: 'Policy', record: 'Approved information security policy, communicated and available.' },
  { id: '5.3', title: 'Organizational roles, responsibilities and authorities', record: 'Assigned ISMS roles; annexa.yaml `controls[].owner` (or `owners`) assigns control owners.' },
  { id: '6.1', title: 'Actions to address risks and opportunities', record: 'Risk assessment method, risk register and risk treatment plan; the Statement of Applicability (`annexa soa`) is one output.' },
  { id: '6.2', title: 'Information security objectives and planning to achieve them', record: 'Measurable objectives (for example zero critical findings in production) with owners and dates.' },
  { id: '6.3', title: 'Planning of changes', record: 'Records of planned changes to the ISMS.' },
  { id: '7.1', title: 'Resources', record: 'Resources allocated to the ISMS.' },
  { id: '7.2', title: 'Competence', record: 'Competence requirements and evidence for people in ISMS roles.' },
  { id: '7.3', title: 'Awareness', record: 'Awareness activities and their reach.' },
  { id: '7.4', title: 'Communication', record: 'What is communicated, when, to whom and by whom.' },
  { id: '7.5', title: 'Documented information', record: 'Control of ISMS documents and records (versioning, approval, retention); the Statement of Applicability from `annexa soa` carries version, owner, approver and review dates from annexa.yaml `document`.' },
  { id: '8.1', title: 'Operational planning and control', record: 'Planned and controlled ISMS processes, including outsourced ones.' },
  { id: '8.2', title: 'Information security risk assessment', record: 'Results of risk assessments performed at planned intervals.' },
  { id: '8.3', title: 'Information security risk treatment', record: 'Results of risk treatment.' },
  { id: '9.1', title: 'Monitoring, measurement, analysis and evaluation', record: 'Metrics and their results; the control posture of each scan (`annexa scan -o json`) is one input, kept by the organisation.' },
  { id: '9.2', title: 'Internal audit', record: 'Audit programme, audit reports and follow-up.' },
  { id: '9.3', title: 'Management review', record: 'Management review inputs, minutes and decisions.' },
  { id: '10.1', title: 'Continual improvement', record: 'Improvements made to the ISMS.' },
  { id: '10.2', title: 'Nonconformity and corrective action', record: 'Nonconformities, their causes and corrective actions taken.' },
];

/** sha256 of the catalogue and of each check's Annex A mapping: two statements with the same digest judged against the same rules. */
export function catalogDigest(checks: readonly Check[]): string {
  const mappings = checks.map((check) => [check.id, check.controls.iso27001]);
  const text = JSON.stringify({ controls: ISO27001_CONTROLS, mappings });
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
