/**
 * The kube-apiserver audit webhook backend target: POSTed EventLists are authenticated (bearer
 * token or client certificate, 401 otherwise), bounded (413), analysed with one long-lived
 * analyzer (stage dedupe and bursts span batches), and committed to the evidence store (the batch's
 * events without request/response bodies, and the detections they completed) before 200 is
 * answered. When appends fall behind, further batches get 503 with Retry-After: the API server's
 * batching backend retries them, so events are delayed, not lost.
 */
import { timingSafeEqual, createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { HttpError, readJsonBody, sendJson, startServer, type Logger, type RunningServer, type TlsFiles } from '../server/index.js';
import type { EvidenceStore } from '../evidence/store.js';
import type { RecordDraft } from '../evidence/types.js';
import type { JsonObject, JsonValue } from '../resources/types.js';
import { AuditAnalyzer, type AnalyzerOptions, type AuditDetectionRecord } from './analyze.js';
import { eventsOfValue, type AuditRecord, type ReadError } from './reader.js';
import { detectionDraft } from './record.js';
import type { AuditEvent } from './event.js';

export interface ReceiverOptions {
  host?: string;
  port: number;
  tls: TlsFiles;
  /** Bearer token the API server presents (from its webhook kubeconfig). */
  token?: string;
  store: EvidenceStore;
  maxBodyBytes: number;
  /** Batches waiting for the store before 503 is answered. */
  maxPendingBatches?: number;
  analyzer?: AnalyzerOptions;
  logger?: Logger;
  onDetection?: (detection: AuditDetectionRecord) => void;
}

export const DEFAULT_RECEIVER_BODY = 16 * 1024 * 1024;
const DEFAULT_MAX_PENDING = 8;
const WEBHOOK_PATHS = new Set(['/', '/audit', '/audit/webhook']);

/** The event as the store keeps it: everything but the request and response bodies (they may hold Secret data). */
export function storedEvent(event: AuditEvent): JsonObject {
  const { requestObject, responseObject, ...rest } = event;
  const stored = JSON.parse(JSON.stringify(rest)) as JsonObject;
  if (requestObject !== undefined || responseObject !== undefined) stored.bodiesOmitted = true;
  return stored;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time comparison of the presented bearer token (hashed first, so lengths do not leak). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  return timingSafeEqual(digest(match[1]!), digest(token));
}

export interface AuditReceiver {
  running: RunningServer;
  /** Batches accepted and committed, events in them, detections recorded. */
  readonly stats: { batches: number; events: number; detections: number; rejected: number };
  close(): Promise<void>;
}

export async function startAuditReceiver(options: ReceiverOptions): Promise<AuditReceiver> {
  if (!options.token && !options.tls.clientCaFile) throw new Error('the audit receiver needs a bearer token or a client CA: it accepts evidence only from the API server');
  const analyzer = new AuditAnalyzer(options.analyzer);
  const maxPending = options.maxPendingBatches ?? DEFAULT_MAX_PENDING;
  const stats = { batches: 0, events: 0, detections: 0, rejected: 0 };
  let pending = 0;
  // Appends (and the analyzer, whose state follows the order of events) run one batch at a time.
  let chain: Promise<unknown> = Promise.resolve();

  const authorized = (req: IncomingMessage): boolean => {
    if (options.token && bearerMatches(req.headers.authorization, options.token)) return true;
    return Boolean(options.tls.clientCaFile) && (req.socket as TLSSocket).authorized === true;
  };

  const commit = async (records: AuditRecord[], peer: string): Promise<{ events: number; detections: number }> => {
    const found: AuditDetectionRecord[] = [];
    for (const record of records) found.push(...analyzer.push(record));
    const batchId = randomUUID();
    const batch: RecordDraft = {
      id: batchId,
      type: 'audit',
      scope: { via: 'receive' },
      configDigest: null,
      inputDigest: null,
      payload: { kind: 'audit-batch', peer, events: records.length, items: records.map((r) => storedEvent(r.event)) as JsonValue[] },
    };
    await options.store.append([batch, ...found.map((d) => detectionDraft(d, batchId, { via: 'receive', peer }))]);
    for (const detection of found) options.onDetection?.(detection);
    return { events: records.length, detections: found.length };
  };

  const handler = async (req: IncomingMessage, res: ServerResponse, context: { path: string }): Promise<void> => {
    if (!WEBHOOK_PATHS.has(context.path)) throw new HttpError(404, 'not found');
    if (req.method !== 'POST') throw new HttpError(405, 'POST an audit.k8s.io EventList');
    if (!authorized(req)) {
      stats.rejected += 1;
      req.resume();
      res.setHeader('WWW-Authenticate', 'Bearer realm="annexa-audit"');
      throw new HttpError(401, 'authentication required: a bearer token or a client certificate');
    }
    if (pending >= maxPending) {
      req.resume();
      res.setHeader('Retry-After', '1');
      throw new HttpError(503, 'the evidence store is behind; retry');
    }
    const value = await readJsonBody(req, options.maxBodyBytes);
    if (typeof value !== 'object' || value === null || (value as { kind?: unknown }).kind !== 'EventList') {
      throw new HttpError(400, 'expected an audit.k8s.io EventList');
    }
    const errors: ReadError[] = [];
    const records = [...eventsOfValue(value, 'webhook', 1, (e) => errors.push(e))];
    const peer = req.socket.remoteAddress ?? '';
    pending += 1;
    const committed = chain.then(() => commit(records, peer));
    chain = committed.catch(() => undefined);
    try {
      const result = await committed;
      stats.batches += 1;
      stats.events += result.events;
      stats.detections += result.detections;
      sendJson(res, 200, { accepted: result.events, detections: result.detections, ...(errors.length > 0 ? { rejectedItems: errors.map((e) => e.message) } : {}) });
    } catch (error) {
      options.logger?.error('cannot commit audit batch to the evidence store', { error: (error as Error).message });
      throw new HttpError(503, 'the evidence store did not accept the batch; retry');
    } finally {
      pending -= 1;
    }
  };

  const running = await startServer({
    ...(options.host ? { host: options.host } : {}),
    port: options.port,
    tls: { ...options.tls, ...(options.tls.clientCaFile && options.token ? { clientCertOptional: true } : {}) },
    handler,
    limits: { maxBodyBytes: options.maxBodyBytes },
    ...(options.logger ? { logger: options.logger } : {}),
    routeOf: (path) => (WEBHOOK_PATHS.has(path) ? 'webhook' : path === '/healthz' || path === '/readyz' ? path : 'other'),
  });
  return {
    running,
    stats,
    async close() {
      await running.close();
      await chain;
      // Requests still held in the dedupe window (only an early stage seen) are evaluated and recorded.
      const found = analyzer.finish();
      if (found.length > 0) await options.store.append(found.map((d) => detectionDraft(d, undefined, { via: 'receive' })));
    },
  };
}
