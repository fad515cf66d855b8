/**
 * Security incidents (A.5.24–A.5.28) as `isms` evidence records: opened with the detections and
 * evidence they rest on, a timeline (detected, contained, resolved), and closed with a
 * post-incident review that links or opens corrective actions (nonconformities), so "incident
 * learnings feed corrective actions" can be followed record by record.
 */
import { randomUUID } from 'node:crypto';
import type { AnnexaConfig } from './config.js';
import { matchesNamespacePattern } from './config.js';
import type { RecordEnvelope } from '../evidence/types.js';

export interface WorkloadRef {
  kind: string;
  namespace?: string;
  name: string;
}

export interface IncidentPayload {
  kind: 'incident';
  event: 'opened' | 'updated' | 'closed';
  incident: string;
  title?: string;
  severity?: string;
  description?: string;
  cluster?: string;
  namespace?: string;
  workload?: WorkloadRef;
  detectedAt?: string;
  containedAt?: string;
  resolvedAt?: string;
  note?: string;
  /** Evidence records (detections, scans, audit analyses) this record rests on. */
  links?: string[];
  review?: string;
  /** Nonconformities (corrective actions) the review links or opened. */
  correctiveActions?: string[];
}

export interface Incident {
  id: string;
  title: string;
  severity: string;
  status: 'open' | 'closed';
  cluster?: string;
  namespace?: string;
  workload?: WorkloadRef;
  timeline: { detected?: string; contained?: string; resolved?: string };
  links: string[];
  review?: string;
  correctiveActions: string[];
  history: Array<{ seq: number; record: string; time: string; event: string; note?: string }>;
}

export function newIncidentId(): string {
  return `INC-${randomUUID().slice(0, 8)}`;
}

function isIncidentPayload(payload: unknown): payload is IncidentPayload {
  return Boolean(payload) && typeof payload === 'object' && (payload as { kind?: unknown }).kind === 'incident';
}

export function foldIncidents(records: Iterable<RecordEnvelope>): Map<string, Incident> {
  const all = new Map<string, Incident>();
  for (const record of records) {
    if (!isIncidentPayload(record.payload)) continue;
    const p = record.payload;
    if (p.event === 'opened') {
      const incident: Incident = { id: p.incident, title: p.title ?? '', severity: p.severity ?? 'unknown', status: 'open', timeline: {}, links: [], correctiveActions: [], history: [] };
      if (p.cluster) incident.cluster = p.cluster;
      if (p.namespace) incident.namespace = p.namespace;
      if (p.workload) incident.workload = p.workload;
      all.set(p.incident, incident);
    }
    const incident = all.get(p.incident);
    if (!incident) continue;
    if (p.detectedAt) incident.timeline.detected = p.detectedAt;
    if (p.containedAt) incident.timeline.contained = p.containedAt;
    if (p.resolvedAt) incident.timeline.resolved = p.resolvedAt;
    for (const link of p.links ?? []) if (!incident.links.includes(link)) incident.links.push(link);
    for (const nc of p.correctiveActions ?? []) if (!incident.correctiveActions.includes(nc)) incident.correctiveActions.push(nc);
    if (p.review) incident.review = p.review;
    if (p.event === 'closed') incident.status = 'closed';
    incident.history.push({ seq: record.seq, record: record.id, time: record.time, event: p.event, ...(p.note ? { note: p.note } : {}) });
  }
  return all;
}

/** Why an incident's location is outside the incident scope of annexa.yaml, or undefined when it is inside (or no scope is set). */
export function outsideIncidentScope(config: AnnexaConfig, where: { cluster?: string; namespace?: string; workload?: WorkloadRef }): string | undefined {
  const scope = config.incidentScope;
  if (!scope) return undefined;
  if (where.cluster !== undefined && scope.clusters.length > 0 && !scope.clusters.includes(where.cluster)) return `cluster ${where.cluster} is not in incidentScope.clusters`;
  const namespace = where.namespace ?? where.workload?.namespace;
  const inWorkloads = where.workload !== undefined && scope.workloads.some((w) => w.kind === where.workload!.kind && w.name === where.workload!.name && (w.namespace ?? '') === (where.workload!.namespace ?? ''));
  if (namespace !== undefined && scope.namespaces.length > 0 && !inWorkloads && !scope.namespaces.some((pattern) => matchesNamespacePattern(pattern, namespace))) {
    return `namespace ${namespace} is not in incidentScope.namespaces`;
  }
  if (where.workload !== undefined && scope.workloads.length > 0 && scope.namespaces.length === 0 && !inWorkloads) return `workload ${where.workload.kind}/${where.workload.namespace ?? ''}/${where.workload.name} is not in incidentScope.workloads`;
  return undefined;
}

/** `Kind/namespace/name` or `Kind/name`. */
export function parseWorkload(text: string): WorkloadRef | undefined {
  const parts = text.split('/');
  if (parts.length === 2 && parts.every(Boolean)) return { kind: parts[0]!, name: parts[1]! };
  if (parts.length === 3 && parts.every(Boolean)) return { kind: parts[0]!, namespace: parts[1]!, name: parts[2]! };
  return undefined;
}
