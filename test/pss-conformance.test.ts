/**
 * Upstream conformance: every fixture of test/conformance/pss (see its README) is evaluated at
 * its directory's level and version; the verdict must match and a rejection must contain the expected
 * substring of upstream's error text. Every fixture pod is also wrapped in a Deployment and a CronJob
 * template, which must give the same verdict and violations.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { conformanceDir } from './support/paths.js';
import { checksFor, effectiveMinor, evaluatePod, parsePolicyVersion, rejectionMessage, isPssLevel, type PssEvaluation, type PssPolicy } from '../src/pss/index.js';
import type { JsonObject, Resource } from '../src/resources/types.js';
import { podTemplateOf, asObject } from '../src/resources/workloads.js';

const pssDir = join(conformanceDir, 'pss');

interface Fixture {
  path: string;
  level: string;
  version: string;
  expected: 'pass' | 'fail';
  checkId: string;
  substring: string;
}

function readExpectations(): Fixture[] {
  const [header, ...lines] = readFileSync(join(pssDir, 'expected.csv'), 'utf8').trim().split(/\r?\n/);
  assert.equal(header, 'path,level,version,expected,fixture_kind,check_id,expect_error_substring,fail_requires_api_error');
  return lines.map((line) => {
    const [path, level, version, expected, , checkId, substring] = line.split(',');
    assert.ok(expected === 'pass' || expected === 'fail', `bad expectation in ${line}`);
    return { path: path!, level: level!, version: version!, expected, checkId: checkId ?? '', substring: substring || checkId || '' };
  });
}

function policyOf(fixture: Fixture): PssPolicy {
  const version = parsePolicyVersion(fixture.version);
  assert.ok(version && isPssLevel(fixture.level), `bad level/version in ${fixture.path}`);
  return { level: fixture.level, version };
}

function resourceOf(object: JsonObject): Resource {
  const metadata = asObject(object.metadata);
  return { apiVersion: String(object.apiVersion), kind: String(object.kind), name: String(metadata.name ?? ''), object, provenance: { source: 'file' } };
}

function wrapped(pod: JsonObject): JsonObject[] {
  const template = { metadata: asObject(pod.metadata), spec: asObject(pod.spec) };
  return [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'wrapper' }, spec: { selector: {}, template } },
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'wrapper' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } },
  ];
}

/**
 * The checks that may reject a fail fixture: the check it is named after when that check runs at
 * the fixture's level and version, otherwise the restricted checks that override it.
 */
function expectedChecks(fixture: Fixture, policy: PssPolicy): string[] {
  const active = checksFor(policy.level, effectiveMinor(policy.version));
  if (active.some((check) => check.id === fixture.checkId)) return [fixture.checkId];
  return active.filter((check) => check.implementation.overrides?.includes(fixture.checkId)).map((check) => check.id);
}

/** What must hold for one fixture; an empty list means it agrees with upstream. */
function disagreements(fixture: Fixture, policy: PssPolicy, result: PssEvaluation): string[] {
  const problems: string[] = [];
  const message = rejectionMessage(result);
  if (fixture.expected === 'pass' && !result.allowed) problems.push(`expected allowed, got: ${message}`);
  if (fixture.expected === 'fail') {
    if (result.allowed) problems.push('expected rejected, got allowed');
    else if (!message.includes(fixture.substring)) problems.push(`rejection lacks "${fixture.substring}": ${message}`);
    // Stricter than upstream, which asserts only the substring: the targeted check itself must fail.
    const expected = expectedChecks(fixture, policy);
    if (!result.violations.some((v) => expected.includes(v.check))) problems.push(`none of ${expected.join(', ') || '(no check)'} failed: ${message}`);
  }
  return problems;
}

function sameVerdict(a: PssEvaluation, b: PssEvaluation): boolean {
  const strip = (e: PssEvaluation) => e.violations.map(({ check, reason, detail }) => ({ check, reason, detail }));
  return a.allowed === b.allowed && JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

const fixtures = readExpectations();
const byDirectory = new Map<string, Fixture[]>();
for (const fixture of fixtures) {
  const dir = `${fixture.level}/${fixture.version}`;
  byDirectory.set(dir, [...(byDirectory.get(dir) ?? []), fixture]);
}

let agreed = 0;
let wrappedAgreed = 0;

describe('pss conformance with upstream fixtures', () => {
  it('lists all 4,537 upstream fixtures', () => {
    assert.equal(fixtures.length, 4537);
  });

  for (const [dir, list] of byDirectory) {
    it(`${dir}: ${list.length} fixtures agree (pod, Deployment, CronJob)`, () => {
      const failures: string[] = [];
      for (const fixture of list) {
        const pod = parse(readFileSync(join(pssDir, fixture.path), 'utf8')) as JsonObject;
        assert.equal(pod.kind, 'Pod', `${fixture.path} is not a Pod`);
        const policy = policyOf(fixture);
        const direct = evaluatePod({ spec: asObject(pod.spec), metadata: asObject(pod.metadata) }, policy);
        const problems = disagreements(fixture, policy, direct);
        if (problems.length === 0) agreed += 1;
        failures.push(...problems.map((p) => `${fixture.path}: ${p}`));
        let wrappersAgree = true;
        for (const wrapper of wrapped(pod)) {
          const template = podTemplateOf(resourceOf(wrapper));
          assert.ok(template, `no template in ${String(wrapper.kind)}`);
          const viaTemplate = evaluatePod({ spec: template.spec, metadata: template.metadata }, policy);
          if (!sameVerdict(direct, viaTemplate)) {
            wrappersAgree = false;
            failures.push(`${fixture.path}: ${String(wrapper.kind)} verdict differs from the pod's`);
          }
        }
        if (wrappersAgree) wrappedAgreed += 1;
      }
      assert.deepEqual(failures, []);
    });
  }

  after(() => {
    console.log(`pss conformance: ${agreed}/${fixtures.length} fixtures agree with upstream; ${wrappedAgreed}/${fixtures.length} identical as Deployment and CronJob templates`);
  });
});
