/**
 * Every per-container rule holds for every container kind. For each invalid example that flags a
 * container, the same container is added as an init container and as an ephemeral container (with
 * only the fields the API allows there), and the check must flag it there too: a check that skipped
 * a kind (ephemeral containers, say) fails here even when its own examples pass.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { builtinChecks } from '../src/checks/index.js';
import { podTemplatePath, type ContainerType } from '../src/resources/workloads.js';
import { parseResources, runChecks } from './support/run-checks.js';

type JsonMap = Record<string, unknown>;

/** Fields the API server does not accept on a container of that kind (init: unless a restartable sidecar). */
const NOT_ALLOWED: Readonly<Record<ContainerType, readonly string[]>> = {
  containers: [],
  initContainers: ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'],
  ephemeralContainers: ['ports', 'lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe', 'resources'],
};
/** Checks about one container kind itself: their rule does not carry over to the other kinds. */
const KIND_RULES: Readonly<Record<string, ContainerType>> = { 'workload.ephemeral-container': 'ephemeralContainers' };
/** Checks that give one finding per violated Pod Security check (at its first field), naming every container in the message. */
const PER_POD_CHECKS = new Set(['pss.baseline', 'pss.restricted']);
const KINDS: readonly ContainerType[] = ['containers', 'initContainers', 'ephemeralContainers'];
const CONTAINER_PATH = /^(.*?)\b(containers|initContainers|ephemeralContainers)\[(\d+)\](.*)$/;

function podSpecOf(object: JsonMap, kind: string): JsonMap {
  let holder: unknown = object;
  for (const segment of podTemplatePath(kind) ?? []) holder = (holder as JsonMap)[segment];
  return (holder as JsonMap).spec as JsonMap;
}

interface Variant {
  name: string;
  from: ContainerType;
  copyName: string;
  manifest: string;
  expectedPath: string;
}

/** The example with the flagged container copied into another list, and the path the copy must be flagged at. */
function variantsOf(manifest: string, flaggedPath: string): Variant[] {
  const match = CONTAINER_PATH.exec(flaggedPath);
  if (!match) return [];
  const [, prefix, from, index, suffix] = match as unknown as [string, string, ContainerType, string, string];
  const resources = parseResources(manifest);
  const variants: Variant[] = [];
  resources.forEach((resource, r) => {
    if (podTemplatePath(resource.kind) === undefined) return;
    const original = podSpecOf(resource.object as JsonMap, resource.kind);
    const container = (original[from] as JsonMap[] | undefined)?.[Number(index)];
    if (!container) return;
    for (const to of KINDS) {
      if (to === from) continue;
      const field = /^\.([A-Za-z]+)/.exec(suffix)?.[1];
      if (field !== undefined && NOT_ALLOWED[to].includes(field)) continue;
      const objects = resources.map((other) => structuredClone(other.object) as JsonMap);
      const spec = podSpecOf(objects[r]!, resource.kind);
      const copy = Object.fromEntries(Object.entries(structuredClone(container)).filter(([key]) => !NOT_ALLOWED[to].includes(key)));
      const copyName = `${String(container.name)}-as-${to}`;
      copy.name = copyName;
      const list = Array.isArray(spec[to]) ? (spec[to] as JsonMap[]) : [];
      spec[to] = [...list, copy];
      variants.push({
        name: `${from}[${index}] as ${to}`,
        from,
        copyName,
        manifest: objects.map((o) => JSON.stringify(o)).join('\n---\n'),
        expectedPath: `${prefix}${to}[${list.length}]${suffix}`,
      });
    }
  });
  return variants;
}

describe('every per-container rule, for every container kind', () => {
  let covered = 0;
  for (const check of builtinChecks.filter((c) => c.scope === 'pod')) {
    check.examples.invalid.forEach((example, i) => {
      const variants = (example.paths ?? []).flatMap((path) => variantsOf(example.manifest, path));
      for (const variant of variants) {
        if (KIND_RULES[check.id] === variant.from) continue;
        covered += 1;
        it(`${check.id} invalid #${i + 1}: ${variant.name}`, () => {
          const findings = runChecks([check], variant.manifest, example.config ?? {});
          if (PER_POD_CHECKS.has(check.id)) {
            assert.ok(findings.some((f) => f.message.includes(`"${variant.copyName}"`)), `no finding names container "${variant.copyName}": ${findings.map((f) => f.message).join(' | ')}`);
            return;
          }
          const paths = findings.map((f) => f.path);
          assert.ok(paths.includes(variant.expectedPath), `${variant.expectedPath} not flagged; flagged: ${paths.join(', ')}`);
        });
      }
    });
  }
  it('covers the container rules of many checks', () => {
    assert.ok(covered > 100, `only ${covered} variants`);
  });
});
