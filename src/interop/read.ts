/**
 * Reading one report file: JSON or YAML (several documents, `kind: List`), the format told by its
 * content, and large JSON reports streamed (stream.ts) so that memory does not grow with the file.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { JSONParser } from '@streamparser/json';
import type { ImportedFile, ImportFormat } from './types.js';
import { emptyImport } from './types.js';
import { isRecord, list, text, type Json } from './access.js';
import { ImportInputError } from './formats/common.js';
import { isTrivyImageReport, isTrivyK8sReport, readTrivyImage, readTrivyK8s } from './formats/trivy.js';
import { isGrypeReport, readGrype } from './formats/grype.js';
import { isCycloneDx, isSpdx, readCycloneDx, readSpdx } from './formats/sbom.js';
import { isKubescapeReport, readKubescape } from './formats/kubescape.js';
import { kubeReportFormat, readKubeReport } from './formats/kube-reports.js';
import { streamJsonReport } from './stream.js';

export const EXPECTED_FORMATS = 'Trivy JSON (image, config or k8s, SchemaVersion 2), Grype JSON, CycloneDX 1.5/1.6 JSON, SPDX 2.3 JSON, '
  + 'a wgpolicyk8s.io PolicyReport/ClusterPolicyReport, an openreports.io Report, a Gatekeeper constraint with status, Kubescape JSON (formatVersion v2) '
  + 'or a Trivy Operator VulnerabilityReport/ConfigAuditReport';

/** Files from this size are streamed (only Trivy and Grype JSON reports grow that large). */
export const STREAM_THRESHOLD_BYTES = 16 * 1024 * 1024;
/** No report is read past this size. */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024 * 1024;

export interface ReadOptions {
  /** `auto` (default): the format is told by the content; otherwise the content must be that format. */
  format?: ImportFormat | 'auto';
  streamThresholdBytes?: number;
}

/** The format of a parsed document, or undefined when it is none Annexa imports. */
export function detectFormat(doc: Json): ImportFormat | undefined {
  if (!isRecord(doc)) return undefined;
  if (isTrivyImageReport(doc) || isTrivyK8sReport(doc)) return 'trivy';
  if (isGrypeReport(doc)) return 'grype';
  if (isCycloneDx(doc)) return 'cyclonedx';
  if (isSpdx(doc)) return 'spdx';
  if (isKubescapeReport(doc)) return 'kubescape';
  const kind = text(doc, 'kind');
  if (kind !== undefined && kind.endsWith('List') && Array.isArray(doc.items)) {
    const formats = list(doc, 'items').map(kubeReportFormat);
    return formats.find((f) => f !== undefined);
  }
  return kubeReportFormat(doc);
}

function requireFormat(found: ImportFormat | undefined, wanted: ReadOptions['format'], file: string, line?: number): ImportFormat {
  if (found === undefined) throw new ImportInputError(`${file}: not a report Annexa imports (expected ${EXPECTED_FORMATS})`, line);
  if (wanted !== undefined && wanted !== 'auto' && wanted !== found) throw new ImportInputError(`${file}: --format ${wanted} was given, but the content is a ${found} report`, line);
  return found;
}

/** Reads one parsed document of a known format into `out` (a List's items one by one). */
function readDocument(doc: Json, format: ImportFormat, file: string, out: ImportedFile): void {
  const merge = (part: ImportedFile) => {
    out.provenance.push(...part.provenance);
    out.vulnerabilityReports.push(...part.vulnerabilityReports);
    out.sboms.push(...part.sboms);
    out.policyResults.push(...part.policyResults);
    out.notes.push(...part.notes);
  };
  switch (format) {
    case 'trivy': return merge(isTrivyK8sReport(doc) ? readTrivyK8s(doc, file) : readTrivyImage(doc, file));
    case 'grype': return merge(readGrype(doc, file));
    case 'cyclonedx': return merge(readCycloneDx(doc, file));
    case 'spdx': return merge(readSpdx(doc, file));
    case 'kubescape': return merge(readKubescape(doc, file));
    default: {
      const items = isRecord(doc) && typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items) ? doc.items : [doc];
      for (const item of items) {
        const itemFormat = kubeReportFormat(item);
        if (itemFormat === undefined) {
          out.notes.push(`${file}: skipped a ${text(item, 'kind') ?? 'document'} that is no report`);
          continue;
        }
        readKubeReport(item, itemFormat, file, out);
      }
    }
  }
}

/**
 * The line of a JSON syntax error. Node 20 names the position only for some errors, so the text is
 * run through the streaming tokenizer, whose errors always give it.
 */
function jsonErrorLine(textValue: string, message: string): number | undefined {
  let position = /position "?(\d+)/.exec(message);
  if (!position) {
    const parser = new JSONParser({ paths: [] });
    parser.onValue = () => undefined;
    try {
      parser.write(textValue);
      parser.end();
    } catch (error) {
      position = /absolute position "(\d+)"/.exec((error as Error).message);
    }
  }
  if (position) {
    const offset = Number(position[1]);
    let line = 1;
    for (let i = 0; i < offset && i < textValue.length; i++) if (textValue.charCodeAt(i) === 10) line++;
    return line;
  }
  const lineMatch = /line (\d+)/.exec(message);
  return lineMatch ? Number(lineMatch[1]) : undefined;
}

/** The documents of a text: one JSON value, or YAML documents. */
function parseDocuments(content: string, file: string): Json[] {
  const start = content.trimStart()[0];
  if (start === '{' || start === '[') {
    try {
      return [JSON.parse(content) as Json];
    } catch (error) {
      const message = (error as Error).message;
      throw new ImportInputError(`${file}: not valid JSON: ${message.split('\n')[0]!.replace(/^.*?: /, '').slice(0, 120)}`, jsonErrorLine(content, message));
    }
  }
  const docs = parseAllDocuments(content, { prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: Json[] = [];
  for (const doc of list) {
    const problem = doc.errors[0];
    if (problem) throw new ImportInputError(`${file}: not valid YAML: ${problem.message.split('\n')[0]}`, problem.linePos?.[0].line);
    const value = doc.toJS({ maxAliasCount: 100 }) as Json;
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/** Reads, detects and parses one report file. Throws ImportInputError for what cannot be imported. */
export async function readImportFile(file: string, options: ReadOptions = {}): Promise<ImportedFile> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw new ImportInputError(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (size > MAX_IMPORT_BYTES) throw new ImportInputError(`${file}: ${size} bytes is over the ${MAX_IMPORT_BYTES}-byte limit for a report`);
  if (size >= (options.streamThresholdBytes ?? STREAM_THRESHOLD_BYTES)) {
    const streamed = await streamJsonReport(file);
    requireFormat(streamed.format, options.format, file);
    return streamed;
  }
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ImportInputError(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const docs = parseDocuments(content, file);
  if (docs.length === 0) throw new ImportInputError(`${file}: empty (expected ${EXPECTED_FORMATS})`);
  const first = requireFormat(detectFormat(docs[0]), options.format, file);
  const out = emptyImport(file, first);
  for (const doc of docs) readDocument(doc, requireFormat(detectFormat(doc), options.format, file), file, out);
  return out;
}
