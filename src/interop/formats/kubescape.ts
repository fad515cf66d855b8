/** Kubescape JSON (`kubescape scan -f json`, formatVersion v2): per resource, per control, passed or failed. */
import type { ResourceRef } from '../../resources/types.js';
import type { ImportedFile } from '../types.js';
import { emptyImport } from '../types.js';
import { field, isRecord, list, text, time, type Json } from '../access.js';
import { ImportInputError, severityOf } from './common.js';

export const KUBESCAPE_FORMAT_VERSIONS = ['v2'];

export function isKubescapeReport(doc: Json): boolean {
  return isRecord(doc) && isRecord(doc.summaryDetails) && (Array.isArray(doc.results) || Array.isArray(doc.resources));
}

/** `path=<hash>/api=apps/v1//Deployment/web` (file scans) or `apps/v1/shop/Deployment/web` (cluster scans). */
export function kubescapeResourceRef(resourceID: string): ResourceRef | undefined {
  const withoutPath = resourceID.replace(/^path=[^/]*\/api=/, '');
  const parts = withoutPath.split('/');
  if (parts.length < 4) return undefined;
  const name = parts[parts.length - 1]!;
  const kind = parts[parts.length - 2]!;
  const namespace = parts[parts.length - 3]!;
  const apiVersion = parts.slice(0, parts.length - 3).filter((p) => p !== '').join('/');
  if (!name || !kind) return undefined;
  return { apiVersion, kind, name, ...(namespace ? { namespace } : {}) };
}

function objectRef(object: Json): ResourceRef | undefined {
  const kind = text(object, 'kind');
  const name = text(object, 'metadata', 'name');
  if (!kind || !name) return undefined;
  const namespace = text(object, 'metadata', 'namespace');
  return { apiVersion: text(object, 'apiVersion') ?? '', kind, name, ...(namespace ? { namespace } : {}) };
}

export function readKubescape(doc: Json, file: string): ImportedFile {
  const formatVersion = text(doc, 'metadata', 'scanMetadata', 'formatVersion');
  if (formatVersion !== undefined && !KUBESCAPE_FORMAT_VERSIONS.includes(formatVersion)) {
    throw new ImportInputError(`${file}: Kubescape formatVersion ${JSON.stringify(formatVersion)} is not supported (expected ${KUBESCAPE_FORMAT_VERSIONS.join(', ')}: kubescape v2.0 or later with --format json)`);
  }
  const version = text(doc, 'metadata', 'scanMetadata', 'kubescapeVersion') ?? text(doc, 'clientInfo', 'clientVersion');
  const reportTime = time(doc, 'generationTime');
  const provenance = { tool: 'kubescape', file, format: 'kubescape' as const, ...(version ? { version } : {}), ...(reportTime ? { reportTime } : {}) };
  const out = emptyImport(file, 'kubescape');
  out.provenance.push(provenance);
  const objects = new Map<string, ResourceRef>();
  for (const resource of list(doc, 'resources')) {
    const id = text(resource, 'resourceID');
    const ref = objectRef(field(resource, 'object'));
    if (id && ref) objects.set(id, ref);
  }
  const controls = field(doc, 'summaryDetails', 'controls');
  for (const result of list(doc, 'results')) {
    const id = text(result, 'resourceID');
    if (!id) continue;
    const resource = objects.get(id) ?? kubescapeResourceRef(id);
    for (const control of list(result, 'controls')) {
      const controlID = text(control, 'controlID');
      const status = text(control, 'status', 'status');
      if (!controlID || !status) continue;
      const outcome = status === 'failed' ? 'fail' : status === 'passed' ? 'pass' : 'skip';
      const paths = list(control, 'rules').flatMap((rule) => list(rule, 'paths'))
        .map((p) => text(p, 'failedPath') ?? text(p, 'fixPath', 'path') ?? text(p, 'reviewPath') ?? text(p, 'deletePath'))
        .filter((p): p is string => p !== undefined);
      const severity = severityOf(field(controls, controlID, 'scoreFactor')) ?? severityOf(field(controls, controlID, 'baseScore'));
      const name = text(control, 'name') ?? controlID;
      out.policyResults.push({
        provenance, policy: controlID, result: outcome, message: `${controlID} ${name}: ${status}`,
        ...(severity ? { severity } : {}), ...(resource ? { resource } : {}), ...(paths[0] ? { path: paths[0] } : {}),
      });
    }
  }
  return out;
}
