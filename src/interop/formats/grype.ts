/** Grype JSON (`grype IMAGE -o json`): matches per package, image from `source.target`. */
import type { ImportedFile, ImportedVulnerability } from '../types.js';
import { emptyImport } from '../types.js';
import { field, isRecord, list, num, text, texts, time, type Json } from '../access.js';
import { ImportInputError, imageIdentity, vulnerabilitySeverity } from './common.js';

export function isGrypeReport(doc: Json): boolean {
  return isRecord(doc) && Array.isArray(doc.matches) && (text(doc, 'descriptor', 'name') === 'grype' || isRecord(doc.source));
}

function cvssOf(match: Json): number | undefined {
  let best: number | undefined;
  const entries = [...list(match, 'vulnerability', 'cvss'), ...list(match, 'relatedVulnerabilities').flatMap((r) => list(r, 'cvss'))];
  for (const entry of entries) {
    const score = num(entry, 'metrics', 'baseScore');
    if (score !== undefined && (best === undefined || score > best)) best = score;
  }
  return best;
}

export function grypeVulnerability(match: Json): ImportedVulnerability | undefined {
  const id = text(match, 'vulnerability', 'id');
  if (!id) return undefined;
  const state = text(match, 'vulnerability', 'fix', 'state');
  const versions = texts(match, 'vulnerability', 'fix', 'versions');
  const cvss = cvssOf(match);
  const title = text(match, 'vulnerability', 'description')?.split('\n')[0]?.slice(0, 200);
  return {
    id,
    pkg: text(match, 'artifact', 'name') ?? 'unknown package',
    installed: text(match, 'artifact', 'version') ?? '',
    severity: vulnerabilitySeverity(field(match, 'vulnerability', 'severity')),
    ...(state === 'fixed' && versions.length > 0 ? { fixed: versions.join(', ') } : {}),
    ...(cvss !== undefined ? { cvss } : {}),
    ...(title ? { title } : {}),
  };
}

export function readGrype(doc: Json, file: string): ImportedFile {
  const sourceType = text(doc, 'source', 'type');
  if (sourceType !== undefined && sourceType !== 'image') {
    throw new ImportInputError(`${file}: Grype report of a ${sourceType} source; Annexa imports Grype reports of container images (source.type "image")`);
  }
  const version = text(doc, 'descriptor', 'version');
  const reportTime = time(doc, 'descriptor', 'timestamp');
  const provenance = { tool: 'grype', file, format: 'grype' as const, ...(version ? { version } : {}), ...(reportTime ? { reportTime } : {}) };
  const out = emptyImport(file, 'grype');
  out.provenance.push(provenance);
  const target = field(doc, 'source', 'target');
  const userInput = text(target, 'userInput');
  const image = imageIdentity(
    userInput && userInput !== 'REDACTED' ? userInput : texts(target, 'tags')[0],
    [userInput, ...texts(target, 'tags')],
    [text(target, 'manifestDigest'), ...texts(target, 'repoDigests'), text(target, 'imageID')],
  );
  const vulnerabilities = list(doc, 'matches').map(grypeVulnerability).filter((v): v is ImportedVulnerability => v !== undefined);
  out.vulnerabilityReports.push({ provenance, image, vulnerabilities });
  return out;
}
