/** Helpers to run checks on inline manifests, the way the examples table does. */
import type { Check } from '../../src/engine/check.js';
import { CheckSet, evaluateInventory, evaluateResource } from '../../src/engine/evaluate.js';
import { parseManifestText } from '../../src/sources/yaml-documents.js';
import { Inventory } from '../../src/inventory/inventory.js';
import { makeConfig, type AnnexaConfig } from '../../src/isms/config.js';
import type { Finding, Resource } from '../../src/resources/types.js';

let counter = 0;

export function parseResources(manifest: string, file = `example-${++counter}.yaml`): Resource[] {
  const parsed = parseManifestText(manifest, { source: 'stdin', file });
  // Examples may show how checks treat values the API server would reject (those are input errors
  // naming a field); anything else that does not parse fails the test.
  const unparsed = parsed.errors.filter((error) => error.field === undefined);
  if (unparsed.length > 0) throw new Error(`example does not parse: ${JSON.stringify(unparsed)}`);
  parsed.release();
  return parsed.resources;
}

/** Runs checks on the resources of a manifest (per-resource checks, then cross-resource checks). */
export function runChecks(checks: readonly Check[], manifest: string, config: Partial<AnnexaConfig> = {}): Finding[] {
  const resources = parseResources(manifest);
  const ctx = { config: makeConfig(config) };
  const set = new CheckSet(checks);
  // The engine turns a throwing check into an error entry; here that must fail the test, not pass
  // a "valid" example with no findings.
  const perResource = resources.map((r) => evaluateResource(r, set, ctx));
  const inventory = evaluateInventory(Inventory.of(resources), set, ctx);
  const findings = [...perResource.flatMap((e) => e.findings), ...inventory.findings];
  const failures = [...perResource.flatMap((e) => e.errors), ...inventory.errors];
  if (failures.length > 0) throw new Error(`check failed: ${failures.map((f) => f.message).join('; ')}`);
  return findings;
}
