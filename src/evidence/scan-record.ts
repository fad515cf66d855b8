/**
 * What a recorded scan stores: summary, findings (compact: no titles or remediation text, which the
 * check catalog holds), the posture the scan outcome carries, input errors, the config it ran with,
 * salted digests of its inputs, and the Secrets it saw by metadata only. Secret values never reach
 * this stage (the source stage redacts them), and nothing here copies a resource's content.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { ScanSink, ScannedResource } from '../engine/scan.js';
import type { ScanOutcome } from '../posture/outcome.js';
import type { Finding, JsonObject, JsonValue, ResourceRef } from '../resources/types.js';
import type { AnnexaConfig } from '../isms/config.js';
import type { InputUnit } from '../sources/files.js';
import { canonicalJson, saltedDigest, sha256Hex } from './canonical.js';
import type { RecordDraft } from './types.js';

/** A finding as the store keeps it. */
export function compactFinding(finding: Finding): JsonObject {
  const compact: JsonObject = {
    checkId: finding.checkId,
    severity: finding.severity,
    resource: { ...finding.resource },
    path: finding.path,
    message: finding.message,
    controls: [...finding.controls.iso27001],
  };
  if (finding.location) compact.location = { ...finding.location };
  const excepted = (finding as Finding & { excepted?: JsonObject }).excepted;
  if (excepted) compact.excepted = excepted;
  // Imported results keep their provenance (tool, version, report time, file) in the store.
  if (finding.sources) compact.sources = finding.sources.map((source) => ({ ...source }));
  return compact;
}

/** Collects what a scan yields, beside the reporter (see teeSink). */
export class ScanRecorder implements ScanSink {
  readonly findings: JsonObject[] = [];
  readonly excepted: JsonObject[] = [];
  /** Secrets the scan saw (references only: their data never passes the source stage). */
  readonly secrets: ResourceRef[] = [];

  private add(findings: readonly Finding[]): void {
    for (const finding of findings) {
      if (finding.outOfScope) continue;
      const compact = compactFinding(finding);
      if (compact.excepted) this.excepted.push(compact);
      else this.findings.push(compact);
    }
  }

  resource(scanned: ScannedResource): void {
    if (scanned.ref.kind === 'Secret') this.secrets.push(scanned.ref);
    this.add(scanned.findings);
  }

  inventoryFindings(findings: Finding[]): void {
    this.add(findings);
  }
}

/** A sink that hands every event to both sinks. */
export function teeSink<T extends ScanSink>(primary: T, secondary: ScanSink): T {
  return Object.assign(Object.create(primary) as T, {
    resource(scanned: ScannedResource) {
      primary.resource(scanned);
      secondary.resource(scanned);
    },
    inventoryFindings(findings: Finding[]) {
      primary.inventoryFindings?.(findings);
      secondary.inventoryFindings?.(findings);
    },
  });
}

export function scopeOf(config: AnnexaConfig): JsonObject {
  return { name: config.scope.name, clusters: [...config.scope.clusters], namespaces: [...config.scope.namespaces.include] };
}

export function configDigest(config: AnnexaConfig): string {
  return sha256Hex(canonicalJson(config));
}

export interface InputDigests {
  inputs: JsonObject[];
  /** Salted digest of each Secret's data and stringData, by `namespace/name`. */
  secretData: Map<string, string>;
}

/**
 * Salted digests of the inputs (HMAC-SHA-256 with the store's salt): an input file may hold a
 * Secret, and a plain hash of a short file is guessable. Standard input is not kept, so it has none.
 * Files that mention a Secret are parsed again here for the salted digest of each Secret's data:
 * the scan itself never sees the values (the source stage redacts them).
 */
export function inputDigests(units: readonly InputUnit[], salt: string): InputDigests {
  const secretData = new Map<string, string>();
  const digestOf = (text: string | Buffer) => {
    if (text.includes('Secret')) for (const [key, digest] of secretDataDigests(text.toString(), salt)) secretData.set(key, digest);
    return saltedDigest(salt, text);
  };
  const inputs = units.map((unit): JsonObject => {
    if (unit.text !== undefined) return { file: unit.file, source: unit.source, bytes: Buffer.byteLength(unit.text), digest: digestOf(unit.text) };
    if (unit.source === 'stdin') return { file: unit.file, source: unit.source, digest: null };
    try {
      const bytes = readFileSync(unit.file);
      return { file: unit.file, source: unit.source, bytes: bytes.length, digest: digestOf(bytes) };
    } catch {
      return { file: unit.file, source: unit.source, digest: null };
    }
  });
  return { inputs, secretData };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `namespace/name` → HMAC of the canonical {data, stringData} of each v1 Secret in a file (List items too). */
export function secretDataDigests(text: string, salt: string): Map<string, string> {
  const digests = new Map<string, string>();
  const visit = (object: unknown) => {
    if (!isObject(object)) return;
    if (Array.isArray(object.items) && typeof object.kind === 'string' && object.kind.endsWith('List')) object.items.forEach(visit);
    if (object.kind !== 'Secret' || object.apiVersion !== 'v1' || !isObject(object.metadata) || typeof object.metadata.name !== 'string') return;
    const namespace = typeof object.metadata.namespace === 'string' ? object.metadata.namespace : '';
    try {
      digests.set(`${namespace}/${object.metadata.name}`, saltedDigest(salt, canonicalJson({ data: object.data ?? null, stringData: object.stringData ?? null })));
    } catch {
      // A value canonical JSON cannot hold (a YAML-only type): no digest for this Secret.
    }
  };
  try {
    for (const doc of parseAllDocuments(text, { uniqueKeys: false })) {
      if ('errors' in doc && doc.errors.length === 0) visit(doc.toJS({ maxAliasCount: 100 }));
    }
  } catch {
    // Unreadable here means unreadable to the scan too, which reported it.
  }
  return digests;
}

/**
 * Secrets seen by the scan: name, namespace, and (when cross-resource checks kept them in the
 * inventory) type and key names. Never values: they are redacted before any check runs.
 */
export function secretInventory(refs: readonly ResourceRef[], outcome: ScanOutcome, secretData: ReadonlyMap<string, string> = new Map()): JsonObject[] {
  const retained = new Map(outcome.inventory.ofKind('Secret').map((secret) => [`${secret.namespace ?? ''}/${secret.name}`, secret]));
  return refs.map((ref) => {
    const entry: JsonObject = { name: ref.name };
    if (ref.namespace !== undefined) entry.namespace = ref.namespace;
    const dataDigest = secretData.get(`${ref.namespace ?? ''}/${ref.name}`);
    if (dataDigest !== undefined) entry.dataDigest = dataDigest;
    const secret = retained.get(`${ref.namespace ?? ''}/${ref.name}`);
    if (!secret) return entry;
    const type = secret.object.type;
    if (typeof type === 'string') entry.type = type;
    const keys = new Set<string>();
    for (const field of ['data', 'stringData']) {
      const map = secret.object[field];
      if (map && typeof map === 'object' && !Array.isArray(map)) for (const key of Object.keys(map)) keys.add(key);
    }
    entry.keys = [...keys].sort();
    return entry;
  });
}

/** Which live cluster a `cluster` scan read, and what of it could be read. */
export interface ClusterIdentity {
  context: string;
  /** The kubeconfig's name for the cluster. */
  cluster: string;
  /** The API server's URL, without any user information. */
  server: string;
  /** The namespace listed, or null for all namespaces. */
  namespace: string | null;
  /** Per kind: read (with item counts), forbidden, unavailable or failed; checks left unevaluated. */
  coverage: JsonObject;
}

export interface ScanRecordInput {
  command: string;
  /** Set for a live-cluster scan: kept in the record's scope (identity) and payload (coverage). */
  cluster?: ClusterIdentity;
  outcome: ScanOutcome;
  recorder: ScanRecorder;
  config: AnnexaConfig;
  units: readonly InputUnit[];
  salt: string;
}

export function scanDraft({ command, outcome, recorder, config, units, salt, cluster }: ScanRecordInput): RecordDraft {
  const { inputs, secretData } = inputDigests(units, salt);
  const payload: JsonObject = {
    command,
    summary: outcome.summary as unknown as JsonObject,
    posture: outcome.controls as unknown as JsonValue,
    evaluation: (outcome.evaluation ?? null) as unknown as JsonValue,
    findings: recorder.findings,
    excepted: recorder.excepted,
    errors: outcome.errors as unknown as JsonValue,
    inputs,
    secrets: secretInventory(recorder.secrets, outcome, secretData),
    config: config as unknown as JsonObject,
  };
  if (cluster) payload.coverage = cluster.coverage;
  return {
    type: 'scan',
    scope: cluster ? { ...scopeOf(config), cluster: { context: cluster.context, cluster: cluster.cluster, server: cluster.server, namespace: cluster.namespace } } : scopeOf(config),
    configDigest: configDigest(config),
    // A cluster scan has no input files: what it read is its coverage.
    inputDigest: sha256Hex(canonicalJson(cluster ? cluster.coverage : inputs)),
    payload,
  };
}
