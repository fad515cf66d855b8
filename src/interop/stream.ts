/**
 * Large JSON reports read as a stream: the vulnerabilities of a Trivy or Grype report, and the
 * resources of a `trivy k8s` report, are converted one at a time as the parser reaches them and
 * dropped from its tree; of the rest only the small top-level fields (tool, time, image metadata)
 * are kept. Memory holds the compact vulnerabilities, never the file's text or its parsed tree
 * (bench/import.bench.ts measures it against JSON.parse).
 */
import { createReadStream } from 'node:fs';
import { JSONParser } from '@streamparser/json';
import type { ImportedFile, ImportedVulnerability, ImportProvenance } from './types.js';
import { emptyImport } from './types.js';
import type { JsonRecord } from './access.js';
import { ImportInputError } from './formats/common.js';
import { isTrivyImageReport, isTrivyK8sReport, k8sItem, readTrivyImage, readTrivyK8s, trivyProvenance, trivyVulnerability } from './formats/trivy.js';
import { grypeVulnerability, isGrypeReport, readGrype } from './formats/grype.js';

/** Top-level fields the readers need besides the streamed lists (all small). */
const KEPT_FIELDS = ['SchemaVersion', 'Trivy', 'CreatedAt', 'ArtifactName', 'ArtifactType', 'Metadata', 'ClusterName', 'source', 'descriptor', 'distro'];
const STREAMED_LISTS = ['$.Results.*.Vulnerabilities.*', '$.matches.*', '$.Resources.*', '$.Findings.*', '$.Vulnerabilities.*', '$.Misconfigurations.*'];

export async function streamJsonReport(file: string): Promise<ImportedFile> {
  const root: JsonRecord = {};
  const trivyVulnerabilities: ImportedVulnerability[] = [];
  const grypeVulnerabilities: ImportedVulnerability[] = [];
  // `trivy k8s` items are converted as they come; the report's provenance is filled in at the end.
  const k8s = emptyImport(file, 'trivy');
  const k8sProvenance: ImportProvenance = { tool: 'trivy', file, format: 'trivy' };
  const parser = new JSONParser({ paths: [...KEPT_FIELDS.map((f) => `$.${f}`), ...STREAMED_LISTS], keepStack: false });
  parser.onValue = ({ value, key, stack }) => {
    const depth = stack.length;
    const list = stack[1]?.key;
    if (depth === 1 && typeof key === 'string') root[key] = value;
    else if (depth === 4 && list === 'Results') {
      root.Results ??= [];
      const vulnerability = trivyVulnerability(value);
      if (vulnerability) trivyVulnerabilities.push(vulnerability);
    } else if (depth === 2 && list === 'matches') {
      root.matches ??= [];
      const vulnerability = grypeVulnerability(value);
      if (vulnerability) grypeVulnerabilities.push(vulnerability);
    } else if (depth === 2 && typeof list === 'string') {
      root[list] ??= [];
      k8sItem(value, k8sProvenance, k8s);
    }
  };
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) parser.write(chunk as Uint8Array);
    if (!parser.isEnded) parser.end();
  } catch (error) {
    throw new ImportInputError(`${file}: not valid JSON: ${(error as Error).message.split('\n')[0]!.slice(0, 160)}`);
  }
  if (isTrivyK8sReport(root)) {
    const out = readTrivyK8s(root, file);
    Object.assign(k8sProvenance, trivyProvenance(root, file));
    out.vulnerabilityReports.push(...k8s.vulnerabilityReports);
    out.policyResults.push(...k8s.policyResults);
    return out;
  }
  if (isTrivyImageReport(root)) {
    const out = readTrivyImage(root, file);
    out.vulnerabilityReports[0]?.vulnerabilities.push(...trivyVulnerabilities);
    return out;
  }
  if (isGrypeReport(root)) {
    const out = readGrype(root, file);
    out.vulnerabilityReports[0]?.vulnerabilities.push(...grypeVulnerabilities);
    return out;
  }
  throw new ImportInputError(`${file}: a report this large is streamed, and only Trivy and Grype JSON reports are read that way (expected Trivy JSON SchemaVersion 2 or Grype JSON)`);
}
