/**
 * The validating webhook: `POST /validate` with an AdmissionReview → the same per-resource checks
 * `annexa scan` runs (and custom CEL policies), exceptions applied, the decision answered and,
 * unless the request is a dry run, recorded as `admission` evidence.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Check, CheckContext } from '../engine/check.js';
import { CheckSet, evaluateResource } from '../engine/evaluate.js';
import { ExceptionIndex } from '../engine/exceptions.js';
import type { AnnexaConfig } from '../isms/config.js';
import type { Finding, Resource } from '../resources/types.js';
import { HttpError, readJsonBody, sendJson, type Logger, type RequestContext, type ServerMetrics } from '../server/index.js';
import { allowedWithoutEvaluation, decide, skipReason, type Decision, type ErroredCheck } from './decide.js';
import { parseAdmissionReview, reviewResponse, ReviewError, type AdmissionRequest } from './review.js';
import { resourceOfRequest } from './resource.js';
import type { AdmissionSettings } from './settings.js';
import type { AdmissionRecorder } from './record.js';

/** Extra findings for the reviewed object (custom CEL policies); may throw per policy via `errored`. */
export interface AdmissionExtension {
  evaluate(resource: Resource, request: AdmissionRequest): { findings: Finding[]; errored: ErroredCheck[] };
}

export interface WebhookOptions {
  checks: readonly Check[];
  config: AnnexaConfig;
  settings: AdmissionSettings;
  extensions?: readonly AdmissionExtension[];
  recorder?: AdmissionRecorder;
  metrics?: ServerMetrics;
  logger: Logger;
  /** The date exceptions are judged at; default now (per review). */
  now?: () => Date;
}

export const VALIDATE_PATH = '/validate';

export interface AdmissionReviewer {
  review(request: AdmissionRequest): Decision;
  /** The checks that run at admission. */
  readonly checkIds: readonly string[];
}

export function admissionCheckSet(checks: readonly Check[], config: AnnexaConfig, settings: AdmissionSettings): CheckSet {
  const include = settings.include ? new Set(settings.include) : undefined;
  // Cross-resource checks need the whole estate; at admission only the object is known.
  const admissible = checks.filter((check) => check.scope !== 'inventory' && (!include || include.has(check.id)));
  return new CheckSet(admissible, [...config.checks.disabled, ...settings.exclude]);
}

export function createReviewer(options: Pick<WebhookOptions, 'checks' | 'config' | 'settings' | 'extensions' | 'now'>): AdmissionReviewer {
  const checkSet = admissionCheckSet(options.checks, options.config, options.settings);
  const ctx: CheckContext = { config: options.config };
  const now = options.now ?? (() => new Date());
  let exceptions = new ExceptionIndex(options.config.exceptions, now());
  let exceptionsDay = dayOf(now());
  return {
    checkIds: checkSet.all.map((check) => check.id),
    review(request) {
      const skipped = skipReason(request, options.settings);
      if (skipped) return allowedWithoutEvaluation(request, skipped);
      const resource = resourceOfRequest(request, request.object!);
      const evaluation = evaluateResource(resource, checkSet, ctx);
      const findings = [...evaluation.findings];
      const errored: ErroredCheck[] = evaluation.errors.map((error) => ({ checkId: error.checkId, message: 'the check failed on this object' }));
      for (const extension of options.extensions ?? []) {
        const extra = extension.evaluate(resource, request);
        findings.push(...extra.findings);
        errored.push(...extra.errored);
      }
      // Exceptions expire at midnight UTC: rebuild the index when the day changes.
      const today = dayOf(now());
      if (today !== exceptionsDay) {
        exceptions = new ExceptionIndex(options.config.exceptions, now());
        exceptionsDay = today;
      }
      for (const finding of findings) if (!finding.outOfScope) exceptions.apply(finding);
      return decide(request, findings, errored, options.settings);
    },
  };
}

function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The request handler for startServer: POST /validate; everything else is 404 (the server layer answers /healthz, /readyz, /metrics). */
export function createWebhookHandler(options: WebhookOptions): (req: IncomingMessage, res: ServerResponse, context: RequestContext) => Promise<void> {
  const reviewer = createReviewer(options);
  const reviews = options.metrics?.counter('admission_reviews_total', 'Admission reviews answered, by operation, decision and mode', ['operation', 'decision', 'mode'] as const);
  const duration = options.metrics?.histogram('admission_review_duration_seconds', 'Time to evaluate and decide one admission review (without network)', ['decision'] as const);
  const errored = options.metrics?.counter('admission_check_errors_total', 'Checks that threw during an admission review', ['check'] as const);
  const malformed = options.metrics?.counter('admission_malformed_requests_total', 'Requests to /validate that were not an AdmissionReview');
  return async (req, res, context) => {
    if (context.path !== VALIDATE_PATH) throw new HttpError(404, `no route ${context.path}; admission reviews go to POST ${VALIDATE_PATH}`);
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      throw new HttpError(405, `${VALIDATE_PATH} accepts POST only`);
    }
    const body = await readJsonBody(req, context.limits.maxBodyBytes).catch((error: unknown) => {
      malformed?.inc();
      throw error;
    });
    let request: AdmissionRequest;
    try {
      request = parseAdmissionReview(body);
    } catch (error) {
      if (!(error instanceof ReviewError)) throw error;
      malformed?.inc();
      throw new HttpError(400, `not an admission.k8s.io/v1 AdmissionReview request: ${error.message}`);
    }
    const started = process.hrtime.bigint();
    const decision = reviewer.review(request);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    sendJson(res, 200, reviewResponse(decision.response));
    reviews?.inc({ operation: request.operation, decision: decision.outcome, mode: options.settings.mode });
    duration?.observe({ decision: decision.outcome }, seconds);
    for (const error of decision.errored) errored?.inc({ check: error.checkId });
    logDecision(options.logger, request, decision);
    if (!request.dryRun && !decision.skipped) options.recorder?.add(request, decision, options.settings);
  };
}

/** One line per review: references only, never the object (it may be a Secret). */
function logDecision(logger: Logger, request: AdmissionRequest, decision: Decision): void {
  const fields = {
    uid: request.uid,
    operation: request.operation,
    kind: request.kind.kind,
    namespace: request.namespace,
    name: request.name,
    user: request.userInfo.username,
    decision: decision.outcome,
    findings: decision.findings.length,
    checks: [...new Set(decision.findings.map((f) => f.checkId))],
    dryRun: request.dryRun,
    skipped: decision.skipped,
  };
  if (decision.outcome === 'denied') logger.info('admission denied', fields);
  else logger.debug('admission reviewed', fields);
}
