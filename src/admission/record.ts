/**
 * Admission decisions as `admission` evidence records. Appends are batched (one transaction and one
 * signed checkpoint per batch, at most every `flushMs`) so that recording never sits on the path of
 * the review; `close()` writes what is pending at shutdown. Records hold references and findings,
 * never the reviewed object.
 */
import type { JsonObject, JsonValue } from '../resources/types.js';
import type { AnnexaConfig } from '../isms/config.js';
import { configDigest, scopeOf } from '../evidence/scan-record.js';
import type { EvidenceStore } from '../evidence/store.js';
import type { RecordDraft } from '../evidence/types.js';
import type { Logger } from '../server/logger.js';
import type { Decision } from './decide.js';
import type { AdmissionRequest } from './review.js';
import type { AdmissionSettings } from './settings.js';

export interface AdmissionRecorder {
  add(request: AdmissionRequest, decision: Decision, settings: AdmissionSettings): void;
  /** Appends what is pending now. */
  flush(): Promise<void>;
  /** Flushes and stops the timer. */
  close(): Promise<void>;
  readonly pending: number;
  readonly failures: number;
}

export interface RecorderOptions {
  store: Pick<EvidenceStore, 'append'>;
  config: AnnexaConfig;
  logger: Logger;
  flushMs?: number;
  /** Appends as soon as this many drafts wait; default 200. */
  maxBatch?: number;
}

export function admissionPayload(request: AdmissionRequest, decision: Decision, settings: AdmissionSettings): JsonObject {
  const findings: JsonValue[] = decision.findings.map((finding) => {
    const entry: JsonObject = {
      checkId: finding.checkId,
      severity: finding.severity,
      path: finding.path,
      message: finding.message,
      controls: finding.controls as unknown as JsonObject,
      blocking: decision.blocking.includes(finding),
    };
    if (finding.rules) entry.rules = finding.rules;
    return entry;
  });
  const resource: JsonObject = { group: request.kind.group, version: request.kind.version, kind: request.kind.kind };
  if (request.namespace !== undefined) resource.namespace = request.namespace;
  const name = decision.findings[0]?.resource.name ?? request.name;
  if (name !== undefined) resource.name = name;
  return {
    uid: request.uid,
    operation: request.operation,
    user: request.userInfo.username,
    resource,
    mode: settings.mode,
    failOn: settings.failOn,
    decision: decision.outcome,
    allowed: decision.response.allowed,
    findings,
    errored: decision.errored.map((error) => ({ checkId: error.checkId, message: error.message })),
  };
}

export function createAdmissionRecorder(options: RecorderOptions): AdmissionRecorder {
  const flushMs = options.flushMs ?? 1000;
  const maxBatch = options.maxBatch ?? 200;
  const scope = scopeOf(options.config);
  const digest = configDigest(options.config);
  let queue: RecordDraft[] = [];
  let failures = 0;
  let writing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const flush = (): Promise<void> => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (queue.length === 0) return writing;
    const batch = queue;
    queue = [];
    // Appends run one after another: the chain has one head.
    writing = writing.then(async () => {
      try {
        await options.store.append(batch);
      } catch (error) {
        failures += batch.length;
        options.logger.error('admission decisions not recorded in the evidence store', { records: batch.length, error });
      }
    });
    return writing;
  };

  return {
    add(request, decision, settings) {
      queue.push({ type: 'admission', scope, configDigest: digest, inputDigest: null, payload: admissionPayload(request, decision, settings), time: new Date().toISOString() });
      if (queue.length >= maxBatch) void flush();
      else if (!timer) {
        timer = setTimeout(() => void flush(), flushMs);
        timer.unref();
      }
    },
    flush,
    async close() {
      await flush();
    },
    get pending() {
      return queue.length;
    },
    get failures() {
      return failures;
    },
  };
}
