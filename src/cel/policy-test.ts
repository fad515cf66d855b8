/**
 * `annexa policy test DIR`: unit tests for policies, in the manner of `kyverno test`. A PolicyTest
 * document next to the policies names resource files and the expected result of each policy on
 * each resource: `fail` (a validation fails), `pass` (the policy applies and every validation
 * holds) or `skip` (the policy does not apply: rules, selectors or matchConditions).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { InputError, Resource } from '../resources/types.js';
import { asArray, asObject, isObject } from '../resources/workloads.js';
import { parseManifestText } from '../sources/yaml-documents.js';
import { escapeXml, xmlAttributes } from '../report/xml.js';
import { evaluatePolicy, policyMatches } from './policy.js';
import { bindingsOf, offlineInput, type LoadedPolicies } from './policy-source.js';

export type Expected = 'pass' | 'fail' | 'skip';

export interface CaseResult {
  test: string;
  policy: string;
  resource: string;
  expected: Expected;
  actual: Expected | 'error';
  messages: string[];
  ok: boolean;
}

export interface TestRun {
  cases: CaseResult[];
  errors: InputError[];
}

function where(test: Resource): Pick<InputError, 'file' | 'line'> {
  return { file: test.provenance.file ?? '-', ...(test.provenance.line !== undefined ? { line: test.provenance.line } : {}) };
}

function readResources(file: string, errors: InputError[]): Resource[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    errors.push({ file, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    return [];
  }
  const parsed = parseManifestText(text, { source: 'file', file });
  parsed.release();
  errors.push(...parsed.errors);
  return parsed.resources;
}

export function runPolicyTests(loaded: LoadedPolicies): TestRun {
  const run: TestRun = { cases: [], errors: [] };
  for (const test of loaded.tests) {
    const base = dirname(test.provenance.file ?? '.');
    const object = test.object;
    const files = asArray(object.resources).filter((f): f is string => typeof f === 'string');
    if (files.length === 0) {
      run.errors.push({ ...where(test), message: `PolicyTest ${test.name}: resources (a list of files) is required` });
      continue;
    }
    const operation = object.operation === 'UPDATE' || object.operation === 'DELETE' ? object.operation : 'CREATE';
    const resources = files.flatMap((file) => readResources(resolve(base, file), run.errors));
    for (const [index, entry] of asArray(object.results).entries()) {
      const result = checkCase(test, entry, index, resources, loaded, operation);
      if ('error' in result) run.errors.push({ ...where(test), message: result.error });
      else run.cases.push(result);
    }
  }
  return run;
}

function checkCase(test: Resource, entry: unknown, index: number, resources: Resource[], loaded: LoadedPolicies, operation: 'CREATE' | 'UPDATE' | 'DELETE'): CaseResult | { error: string } {
  const at = `PolicyTest ${test.name} results[${index}]`;
  if (!isObject(entry)) return { error: `${at}: expected a map with policy, resource and result` };
  const expected = entry.result;
  if (expected !== 'pass' && expected !== 'fail' && expected !== 'skip') return { error: `${at}: result must be pass, fail or skip` };
  const policy = loaded.policies.find((p) => p.name === entry.policy);
  if (!policy) return { error: `${at}: no policy named ${JSON.stringify(entry.policy)} in the directory` };
  const ref = asObject(entry.resource);
  const resource = resources.find((r) => r.kind === ref.kind && r.name === ref.name && (ref.namespace === undefined || r.namespace === ref.namespace));
  const label = `${String(ref.kind)}/${ref.namespace ? `${String(ref.namespace)}/` : ''}${String(ref.name)}`;
  if (!resource) return { error: `${at}: resource ${label} is not in the test's resource files` };
  const input = offlineInput(resource, operation);
  const bindings = bindingsOf(loaded, policy);
  const messages: string[] = [];
  let actual: CaseResult['actual'] = bindings.some((binding) => policyMatches(policy, binding, input)) ? 'pass' : 'skip';
  for (const binding of bindings) {
    for (const violation of evaluatePolicy(policy, binding, input, loaded.params)) {
      messages.push(violation.message);
      actual = violation.errored ? 'error' : 'fail';
    }
  }
  // Matched by rules but every param evaluation skipped by matchConditions: the policy did not apply.
  if (actual === 'pass' && messages.length === 0 && !conditionsHold(policy, bindings, input, loaded)) actual = 'skip';
  return { test: test.name, policy: policy.name, resource: label, expected, actual, messages, ok: actual === expected };
}

function conditionsHold(policy: LoadedPolicies['policies'][number], bindings: ReturnType<typeof bindingsOf>, input: ReturnType<typeof offlineInput>, loaded: LoadedPolicies): boolean {
  if (policy.matchConditions.length === 0) return true;
  // Evaluate a copy of the policy whose validations always fail: a violation means the conditions held.
  const probe = { ...policy, failurePolicy: 'Ignore' as const, validations: [{ ...policy.validations[0]!, program: () => false, messageProgram: undefined, message: 'probe' }] };
  return bindings.some((binding) => evaluatePolicy(probe, binding, input, loaded.params).length > 0);
}

export function junitReport(run: TestRun): string {
  const bySuite = new Map<string, CaseResult[]>();
  for (const result of run.cases) bySuite.set(result.test, [...(bySuite.get(result.test) ?? []), result]);
  const failures = run.cases.filter((c) => !c.ok).length;
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${xmlAttributes({ name: 'annexa policy test', tests: run.cases.length, failures, errors: run.errors.length })}>`];
  for (const [suite, cases] of bySuite) {
    lines.push(`  <testsuite${xmlAttributes({ name: suite, tests: cases.length, failures: cases.filter((c) => !c.ok).length })}>`);
    for (const c of cases) {
      lines.push(`    <testcase${xmlAttributes({ classname: c.policy, name: `${c.policy} on ${c.resource}: ${c.expected}` })}>`);
      if (!c.ok) lines.push(`      <failure${xmlAttributes({ message: `expected ${c.expected}, got ${c.actual}` })}>${escapeXml(c.messages.join('\n'))}</failure>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  if (run.errors.length > 0) {
    lines.push(`  <testsuite${xmlAttributes({ name: 'input errors', tests: run.errors.length, errors: run.errors.length })}>`);
    for (const error of run.errors) lines.push(`    <testcase${xmlAttributes({ classname: 'input', name: `${error.file}${error.line ? `:${error.line}` : ''}` })}><error${xmlAttributes({ message: error.message })}/></testcase>`);
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

export function tableReport(run: TestRun): string {
  const lines = run.cases.map((c) => `${c.ok ? 'PASS' : 'FAIL'}  ${c.test}  ${c.policy} on ${c.resource}: expected ${c.expected}, got ${c.actual}${!c.ok && c.messages.length > 0 ? ` (${c.messages.join('; ')})` : ''}`);
  const failed = run.cases.filter((c) => !c.ok).length;
  lines.push('', `${run.cases.length} cases, ${run.cases.length - failed} passed, ${failed} failed${run.errors.length > 0 ? `, ${run.errors.length} input errors` : ''}`);
  return `${lines.join('\n')}\n`;
}
