/**
 * `annexa.yaml`: one schema for scope, applicability, owners and check settings.
 * Later stages (admission, exceptions, evidence) add sections here.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter, parseDocument, type Node } from 'yaml';
import { offsetOfPath } from '../sources/yaml-parse.js';
import { z } from 'zod';
import { SEVERITIES } from '../resources/types.js';
import { ANNEX_A_TITLES } from '../frameworks/annex-a-titles.js';
import { recordIssues, recordSections } from './records.js';
import { isPlaceholderText } from './justification.js';

const ANNEX_A_IDS = new Set(ANNEX_A_TITLES.map((control) => control.id));

const controlId = z.string()
  .regex(/^A\.[5-8]\.\d{1,2}$/, { message: 'expected an Annex A control id such as A.8.9', abort: true })
  .refine((id) => ANNEX_A_IDS.has(id), { message: 'not an ISO/IEC 27001:2022 Annex A control (A.5.1–A.5.37, A.6.1–A.6.8, A.7.1–A.7.14, A.8.1–A.8.34)' });

/** Adds an issue at `[index, 'control']` for each control listed a second time. */
function uniqueControls(entries: ReadonlyArray<{ control: string }>, ctx: z.RefinementCtx, what: string): void {
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    if (seen.has(entry.control)) ctx.addIssue({ code: 'custom', path: [index, 'control'], message: `${entry.control} is listed twice in ${what}` });
    seen.add(entry.control);
  });
}

/** A non-empty string; `missing` is the message when the key is absent or empty. */
function requiredText(missing: string) {
  return z.string({ error: (issue) => (issue.input === undefined ? missing : 'expected text') }).min(1, missing);
}

/** A justification: required, and not a placeholder. */
function justificationText(missing: string) {
  return requiredText(missing).refine((text) => !isPlaceholderText(text), {
    message: 'a placeholder is not a justification: say why (for example "holds only the vendor monitoring agent, no customer data; assessed as a supplier")',
  });
}

const namespaceExclusion = z.object({
  name: z.string().min(1),
  justification: justificationText('a justification is required for every exclusion'),
}).strict();

/** A calendar date (YYYY-MM-DD) that exists. */
const isoDate = (missing: string) => requiredText(missing)
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date as YYYY-MM-DD', abort: true })
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text), { message: 'not a calendar date' });

/** Risk acceptance for one check on one resource (engine/exceptions.ts applies them). */
const exceptionEntry = z.object({
  check: requiredText('an exception names the check it accepts'),
  resource: z.object({
    kind: requiredText('resource.kind is required'),
    namespace: z.string().min(1).optional(),
    name: requiredText('resource.name is required'),
    apiVersion: z.string().min(1).optional(),
  }).strict(),
  justification: requiredText('a justification is required for every exception'),
  approvedBy: requiredText('approvedBy (who accepted the risk) is required for every exception'),
  expires: isoDate('an expiry date (expires: YYYY-MM-DD) is required for every exception'),
  ticket: z.string().min(1).optional(),
}).strict();


/** A remediation time: `7d` or a number of days. */
const slaDays = z.union([
  z.number().int().positive(),
  z.string().regex(/^\d+d$/, { message: 'expected a number of days such as 30d' }).transform((text) => Number(text.slice(0, -1))),
]).refine((days) => days > 0, { message: 'a remediation time is at least one day' });

/** Other tools' results taken in by `annexa import` and `scan --with` (src/interop/). */
const interopSection = z.object({
  /** Days to fix a vulnerability once a fix exists, per severity (defaults: critical 7d, high 30d, medium 90d, low 180d). */
  sla: z.object({ critical: slaDays.optional(), high: slaDays.optional(), medium: slaDays.optional(), low: slaDays.optional() }).strict().default({}),
  /** Report running images without an SBOM on record (A.5.9, A.5.21, A.8.28). */
  requireSbom: z.boolean().default(false),
  /** Accepted vulnerabilities: by CVE id, on one image (reference or repository) or on every image when `image` is absent. */
  vulnerabilityExceptions: z.array(z.object({
    cve: requiredText('an exception names the vulnerability (cve) it accepts'),
    image: z.string().min(1).optional(),
    justification: requiredText('a justification is required for every exception'),
    approvedBy: requiredText('approvedBy (who accepted the risk) is required for every exception'),
    expires: isoDate('an expiry date (expires: YYYY-MM-DD) is required for every exception'),
    ticket: z.string().min(1).optional(),
  }).strict()).default([]),
  /** Annex A controls of other tools' policies that no crosswalk knows (Gatekeeper constraint kinds, custom Kyverno policies). */
  policies: z.array(z.object({
    policy: requiredText('policy names the other tool\'s policy, rule or constraint kind'),
    tool: z.string().min(1).optional(),
    controls: z.array(controlId).min(1, 'list the Annex A controls the policy evidences'),
    severity: z.enum(SEVERITIES).optional(),
  }).strict()).default([]),
}).strict();

export const configSchema = z.object({
  scope: z.object({
    name: z.string().default('Kubernetes estate'),
    clusters: z.array(z.string()).default([]),
    namespaces: z.object({
      include: z.array(z.string()).default(['*']),
      exclude: z.array(namespaceExclusion).default([]),
    }).strict().default({ include: ['*'], exclude: [] }),
  }).strict().default({ name: 'Kubernetes estate', clusters: [], namespaces: { include: ['*'], exclude: [] } }),
  applicability: z.array(z.object({
    control: controlId,
    applicable: z.boolean(),
    justification: justificationText('a justification is required'),
  }).strict()).superRefine((entries, ctx) => uniqueControls(entries, ctx, 'applicability')).default([]),
  owners: z.array(z.object({ control: controlId, owner: z.string().min(1) }).strict())
    .superRefine((entries, ctx) => uniqueControls(entries, ctx, 'owners')).default([]),
  checks: z.object({
    /** Registries (prefixes such as `registry.example.com/` or `ghcr.io/acme/`) images may come from. */
    allowedRegistries: z.array(z.string().min(1)).default([]),
    /** Check ids not to run. */
    disabled: z.array(z.string()).default([]),
    severity: z.record(z.string(), z.enum(SEVERITIES)).default({}),
  }).strict().default({ allowedRegistries: [], disabled: [], severity: {} }),
  /** Where scans are recorded (same as --store) and the key that signs checkpoints. */
  evidence: z.object({
    store: z.string().min(1).optional(),
    signingKey: z.string().min(1).optional(),
  }).strict().optional(),
  exceptions: z.array(exceptionEntry).default([]),
  /** `annexa webhook serve`: how admission reviews are decided (docs/admission.md). */
  admission: z.object({
    mode: z.enum(['enforce', 'warn', 'audit']).default('enforce'),
    /** Deny (enforce mode) at or above this severity; warn below it. */
    failOn: z.enum(SEVERITIES).default('high'),
    /** Namespace patterns (`*`, `?`) whose reviews are allowed without evaluation. */
    exemptNamespaces: z.array(z.string().min(1)).default([]),
    /** Usernames (exact) whose requests are allowed without evaluation, such as controllers. */
    exemptUsers: z.array(z.string().min(1)).default([]),
    checks: z.object({
      /** Only these check ids run at admission (default: every per-resource check). */
      include: z.array(z.string().min(1)).optional(),
      exclude: z.array(z.string().min(1)).default([]),
    }).strict().default({ exclude: [] }),
    /** A check that throws: `Fail` denies in enforce mode (with a message naming the check), `Ignore` allows with a warning. */
    failurePolicy: z.enum(['Fail', 'Ignore']).default('Fail'),
  }).strict().optional(),
  /** `annexa audit`: authorization-failure bursts and the stage-dedupe window (docs/audit.md). */
  audit: z.object({
    burstThreshold: z.number().int().min(2).max(1_000_000).default(10),
    burstWindowSeconds: z.number().int().min(1).max(86_400).default(60),
    dedupeWindow: z.number().int().min(1).max(10_000_000).default(10_000),
  }).strict().optional(),
  /** What falls under incident response (A.5.24–A.5.28): clusters, namespaces and workloads. */
  incidentScope: z.object({
    clusters: z.array(z.string().min(1)).default([]),
    namespaces: z.array(z.string().min(1)).default([]),
    workloads: z.array(z.object({ kind: z.string().min(1), namespace: z.string().min(1).optional(), name: z.string().min(1) }).strict()).default([]),
  }).strict().optional(),
  /** `annexa serve`: users besides the operator (ANNEXA_TOKEN), each with a role and the SHA-256 of their token. */
  dashboard: z.object({
    users: z.array(z.object({
      name: requiredText('a dashboard user needs a name'),
      role: z.enum(['viewer', 'auditor', 'admin']),
      tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'expected the hex SHA-256 of the token (printf %s TOKEN | sha256sum), never the token itself' }),
    }).strict()).default([]),
  }).strict().optional(),
  interop: interopSection.optional(),
  ...recordSections,
}).strict().superRefine((config, ctx) => {
  for (const issue of recordIssues(config)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});

export type AnnexaConfig = z.infer<typeof configSchema>;

export const DEFAULT_CONFIG: AnnexaConfig = configSchema.parse({});

export class ConfigError extends Error {
  constructor(readonly file: string, readonly issues: Array<{ field: string; line?: number; message: string }>) {
    super(issues.map((issue) => `${file}${issue.line ? `:${issue.line}` : ''}: ${issue.field ? `${issue.field}: ` : ''}${issue.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Builds a config from partial input (examples, tests), filling every default. */
export function makeConfig(partial: unknown = {}): AnnexaConfig {
  return configSchema.parse(partial);
}

function lineOf(root: Node | null, path: ReadonlyArray<PropertyKey>, lines: LineCounter): number | undefined {
  const segments = path.filter((segment): segment is string | number => typeof segment !== 'symbol');
  const offset = offsetOfPath(root, segments);
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

/** `applicability[0].control` from a zod issue path. */
export function fieldName(path: ReadonlyArray<PropertyKey>): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i === 0 ? '' : '.'}${String(segment)}`)).join('');
}

/** The configuration is a few levels deep; anything far deeper is a mistake or an attack. */
const MAX_CONFIG_DEPTH = 32;
const TOO_DEEP = `nested deeper than ${MAX_CONFIG_DEPTH} levels; refused`;
/** A configuration is a few kilobytes; a larger file is not read. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

function depthOver(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Object.values(current as object)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Parses and validates `annexa.yaml` text. With `knownCheckIds`, check ids in `checks.disabled` and
 * `checks.severity` must name real checks: a typo would otherwise silently keep a check running.
 */
export function parseConfigText(text: string, file: string, knownCheckIds?: ReadonlySet<string>): AnnexaConfig {
  const lines = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter: lines });
  } catch (error) {
    if (error instanceof RangeError) throw new ConfigError(file, [{ field: '', message: TOO_DEEP }]);
    throw error;
  }
  if (doc.errors.length > 0) {
    throw new ConfigError(file, doc.errors.map((e) => ({
      field: '', line: e.linePos?.[0].line,
      message: /call stack/i.test(e.message) ? TOO_DEEP : e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
    })));
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    // Unresolved aliases and alias bombs surface only here: a config error (exit 2), not a crash.
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(file, [{
      field: '',
      message: /Unresolved alias/.test(message) ? 'unresolved alias (a value starts with "*" and no anchor of that name is set before it)'
        : /alias/i.test(message) ? 'too many alias expansions (possible YAML bomb); refused' : `cannot read: ${message.split('\n')[0]}`,
    }]);
  }
  if (depthOver(raw, MAX_CONFIG_DEPTH)) throw new ConfigError(file, [{ field: '', message: TOO_DEEP }]);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(file, parsed.error.issues.map((issue) => ({
      field: fieldName(issue.path),
      line: lineOf(doc.contents, issue.path, lines),
      message: issue.message,
    })));
  }
  if (knownCheckIds) {
    const unknown = unknownCheckIds(parsed.data, knownCheckIds).map(({ path, id }) => ({
      field: fieldName(path),
      line: lineOf(doc.contents, path, lines),
      message: `no built-in check has the id "${id}" (see "annexa checks")`,
    }));
    if (unknown.length > 0) throw new ConfigError(file, unknown);
  }
  return parsed.data;
}

/** Check ids in `checks.disabled[i]` and `checks.severity.<id>` that name no known check, with their paths. */
function unknownCheckIds(config: AnnexaConfig, known: ReadonlySet<string>): Array<{ path: Array<string | number>; id: string }> {
  const unknown: Array<{ path: Array<string | number>; id: string }> = [];
  config.checks.disabled.forEach((id, i) => {
    if (!known.has(id)) unknown.push({ path: ['checks', 'disabled', i], id });
  });
  for (const id of Object.keys(config.checks.severity)) if (!known.has(id)) unknown.push({ path: ['checks', 'severity', id], id });
  config.exceptions.forEach((exception, i) => {
    if (!known.has(exception.check)) unknown.push({ path: ['exceptions', i, 'check'], id: exception.check });
  });
  config.admission?.checks.exclude.forEach((id, i) => {
    if (!known.has(id)) unknown.push({ path: ['admission', 'checks', 'exclude', i], id });
  });
  config.admission?.checks.include?.forEach((id, i) => {
    if (!known.has(id)) unknown.push({ path: ['admission', 'checks', 'include', i], id });
  });
  return unknown;
}

/** `--config FILE`, else `annexa.yaml` in the working directory, else defaults. */
export function loadConfig(explicit?: string, cwd = process.cwd(), knownCheckIds?: ReadonlySet<string>): { config: AnnexaConfig; file?: string } {
  const file = explicit ? resolve(cwd, explicit) : resolve(cwd, 'annexa.yaml');
  if (!explicit && !existsSync(file)) return { config: DEFAULT_CONFIG };
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_CONFIG_BYTES) throw new ConfigError(explicit ?? file, [{ field: '', message: `file is ${size} bytes, over the ${MAX_CONFIG_BYTES}-byte limit for a configuration; refused` }]);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(explicit ?? file, [{ field: '', message: `cannot read: ${(error as Error).message}` }]);
  }
  return { config: parseConfigText(text, explicit ?? 'annexa.yaml', knownCheckIds), file };
}

/**
 * Whether a namespace matches a scope pattern (`*` any run of characters, `?` one character).
 * Greedy matching that backtracks only to the last `*`: at most pattern × name steps, so a
 * pattern such as `*a*a*a*b` cannot stall the scan the way a backtracking regular expression does.
 */
export function matchesNamespacePattern(pattern: string, namespace: string): boolean {
  let p = 0;
  let n = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (n < namespace.length) {
    const token = pattern[p];
    if (token === '*') {
      starAt = p++;
      resumeAt = n;
    } else if (token !== undefined && (token === '?' || token === namespace[n])) {
      p++;
      n++;
    } else if (starAt >= 0) {
      p = starAt + 1;
      n = ++resumeAt;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Why a namespace is outside the ISMS scope, or undefined when it is in scope. */
export function namespaceExclusionReason(config: AnnexaConfig, namespace: string | undefined): string | undefined {
  if (namespace === undefined) return undefined;
  const { include, exclude } = config.scope.namespaces;
  const excluded = exclude.find((entry) => matchesNamespacePattern(entry.name, namespace));
  if (excluded) return excluded.justification;
  if (!include.some((pattern) => matchesNamespacePattern(pattern, namespace))) return 'not in scope.namespaces.include';
  return undefined;
}
