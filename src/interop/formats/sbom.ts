/** SBOMs: CycloneDX 1.5/1.6 JSON and SPDX 2.3 JSON, as an inventory of components per image. */
import type { ImportedFile, SbomComponent } from '../types.js';
import { emptyImport } from '../types.js';
import { field, isRecord, list, text, texts, time, type Json } from '../access.js';
import { ImportInputError, imageIdentity } from './common.js';

export const CYCLONEDX_VERSIONS = ['1.5', '1.6'];
export const SPDX_VERSIONS = ['SPDX-2.3'];

export function isCycloneDx(doc: Json): boolean {
  return isRecord(doc) && doc.bomFormat === 'CycloneDX';
}

export function isSpdx(doc: Json): boolean {
  return isRecord(doc) && typeof doc.spdxVersion === 'string';
}

function toolOf(doc: Json): { tool: string; version?: string } {
  // CycloneDX 1.5+ writes metadata.tools.components[]; older documents a tools array.
  const tools = field(doc, 'metadata', 'tools');
  const first = Array.isArray(tools) ? tools[0] : list(tools, 'components')[0];
  const name = text(first, 'name');
  const version = text(first, 'version');
  return { tool: name ?? 'unknown', ...(version ? { version } : {}) };
}

/** `pkg:oci/alpine@sha256%3A…?repository_url=index.docker.io/library/alpine` → digest and repository. */
function ociPurl(purl: string | undefined): { digest?: string; repository?: string } {
  if (!purl?.startsWith('pkg:oci/')) return {};
  const match = /@([^?#]+)/.exec(purl);
  const digest = match ? decodeURIComponent(match[1]!) : undefined;
  const repo = /[?&]repository_url=([^&#]+)/.exec(purl);
  return { ...(digest ? { digest } : {}), ...(repo ? { repository: decodeURIComponent(repo[1]!) } : {}) };
}

/** Components with their nested components (Trivy nests OS packages under the OS component). */
function cycloneDxComponents(top: readonly Json[]): SbomComponent[] {
  const out: SbomComponent[] = [];
  const stack = [...top].reverse();
  while (stack.length > 0) {
    const component = stack.pop();
    stack.push(...list(component, 'components').reverse());
    const name = text(component, 'name');
    if (!name) continue;
    const version = text(component, 'version');
    const purl = text(component, 'purl');
    const type = text(component, 'type');
    out.push({ name, ...(version ? { version } : {}), ...(purl ? { purl } : {}), ...(type ? { type } : {}) });
  }
  return out;
}

export function readCycloneDx(doc: Json, file: string): ImportedFile {
  const spec = text(doc, 'specVersion');
  if (!spec || !CYCLONEDX_VERSIONS.includes(spec)) {
    throw new ImportInputError(`${file}: CycloneDX specVersion ${JSON.stringify(field(doc, 'specVersion') ?? null)} is not supported (expected ${CYCLONEDX_VERSIONS.join(' or ')}, JSON)`);
  }
  const reportTime = time(doc, 'metadata', 'timestamp');
  const provenance = { ...toolOf(doc), file, format: 'cyclonedx' as const, ...(reportTime ? { reportTime } : {}) };
  const out = emptyImport(file, 'cyclonedx');
  out.provenance.push(provenance);
  const subject = field(doc, 'metadata', 'component');
  const subjectName = text(subject, 'name') ?? 'unnamed';
  const isImage = text(subject, 'type') === 'container';
  const components = cycloneDxComponents(list(doc, 'components'));
  const oci = ociPurl(text(subject, 'purl'));
  // Trivy puts the image's repo digests and id in metadata.component.properties.
  const properties = list(subject, 'properties');
  const property = (name: string) => properties.filter((p) => text(p, 'name') === name).map((p) => text(p, 'value'));
  const version = text(subject, 'version');
  const image = isImage ? imageIdentity(subjectName, [
    subjectName, ...property('aquasecurity:trivy:RepoTag'), oci.repository && version ? `${oci.repository}:${version}` : undefined,
  ], [...property('aquasecurity:trivy:RepoDigest'), property('aquasecurity:trivy:ImageID')[0], oci.digest, version?.startsWith('sha256:') ? version : undefined]) : undefined;
  out.sboms.push({ provenance, spec: `CycloneDX ${spec}`, subject: subjectName, components, ...(image ? { image } : {}) });
  return out;
}

export function readSpdx(doc: Json, file: string): ImportedFile {
  const spec = text(doc, 'spdxVersion');
  if (!spec || !SPDX_VERSIONS.includes(spec)) {
    throw new ImportInputError(`${file}: spdxVersion ${JSON.stringify(field(doc, 'spdxVersion') ?? null)} is not supported (expected ${SPDX_VERSIONS.join(', ')}, JSON)`);
  }
  const creator = texts(doc, 'creationInfo', 'creators').find((c) => c.startsWith('Tool:'))?.slice(5).trim();
  const [toolName, toolVersion] = creator ? creator.split(/-(?=\d|v\d)/) : [];
  const reportTime = time(doc, 'creationInfo', 'created');
  const provenance = { tool: toolName || 'unknown', file, format: 'spdx' as const, ...(toolVersion ? { version: toolVersion } : {}), ...(reportTime ? { reportTime } : {}) };
  const out = emptyImport(file, 'spdx');
  out.provenance.push(provenance);
  const packages = list(doc, 'packages');
  const described = new Set(texts(doc, 'documentDescribes'));
  for (const rel of list(doc, 'relationships')) {
    if (text(rel, 'relationshipType') === 'DESCRIBES' && text(rel, 'spdxElementId') === 'SPDXRef-DOCUMENT') {
      const target = text(rel, 'relatedSpdxElement');
      if (target) described.add(target);
    }
  }
  const root = packages.find((p) => described.has(text(p, 'SPDXID') ?? '')) ?? packages.find((p) => text(p, 'primaryPackagePurpose') === 'CONTAINER');
  const purlOf = (p: Json) => list(p, 'externalRefs').map((r) => (text(r, 'referenceType') === 'purl' ? text(r, 'referenceLocator') : undefined)).find((x) => x !== undefined);
  const components: SbomComponent[] = packages.filter((p) => p !== root).flatMap((p) => {
    const name = text(p, 'name');
    if (!name) return [];
    const version = text(p, 'versionInfo');
    const purl = purlOf(p);
    return [{ name, ...(version ? { version } : {}), ...(purl ? { purl } : {}) }];
  });
  const rootPurl = purlOf(root);
  const isImage = text(root, 'primaryPackagePurpose') === 'CONTAINER' || rootPurl?.startsWith('pkg:oci/') === true;
  const subject = text(root, 'name') ?? text(doc, 'name') ?? 'unnamed';
  const oci = ociPurl(rootPurl);
  const checksums = list(root, 'checksums').map((c) => (text(c, 'algorithm') === 'SHA256' && text(c, 'checksumValue') ? `sha256:${text(c, 'checksumValue')}` : undefined));
  const version = text(root, 'versionInfo');
  const image = isImage ? imageIdentity(subject, [subject, oci.repository && version && !version.startsWith('sha256:') ? `${oci.repository}:${version}` : undefined], [oci.digest, ...checksums, version?.startsWith('sha256:') ? version : undefined]) : undefined;
  out.sboms.push({ provenance, spec, subject, components, ...(image ? { image } : {}) });
  return out;
}
