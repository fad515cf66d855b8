/**
 * Exceptions (risk acceptance) in annexa.yaml: an active one moves its finding to `excepted` in
 * every output; an expired one no longer suppresses and says so; one expiring within 30 days is
 * warned about; one without justification, approver or expiry is a config error with its line.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ConfigError, makeConfig, parseConfigText } from '../src/isms/config.js';
import { builtinCheckIds } from '../src/checks/index.js';
import { ExceptionIndex } from '../src/engine/exceptions.js';
import type { Finding } from '../src/resources/types.js';
import { projectRoot } from './support/paths.js';
import { configKeeping, runCli, scanInProcess, tempTree } from './support/scan-output.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'scan');
const PRIVILEGED = 'workload.privileged-container';
const WEB = { kind: 'Pod', namespace: 'shop', name: 'web' };

function exception(expires: string, extra: Record<string, unknown> = {}) {
  return { check: PRIVILEGED, resource: WEB, justification: 'vendor agent needs it; compensating control RISK-12', approvedBy: 'ciso@example.com', expires, ticket: 'RISK-12', ...extra };
}

function configWith(exceptions: unknown[]): string {
  return configKeeping(tempTree(), [PRIVILEGED], {}, { exceptions });
}

function finding(): Finding {
  return {
    checkId: PRIVILEGED, title: 't', severity: 'critical', resource: { apiVersion: 'v1', ...WEB }, path: 'spec.containers[0].securityContext.privileged',
    message: 'privileged', remediation: 'r', controls: { iso27001: ['A.8.9'] },
  };
}

describe('exception index', () => {
  const now = new Date('2027-03-01T12:00:00Z');
  it('is active through its expiry date, then expired', () => {
    const config = makeConfig({ exceptions: [exception('2027-03-01')] });
    const active = finding();
    new ExceptionIndex(config.exceptions, now).apply(active);
    assert.equal(active.excepted?.ticket, 'RISK-12');
    const later = finding();
    new ExceptionIndex(config.exceptions, new Date('2027-03-02T00:00:00Z')).apply(later);
    assert.equal(later.excepted, undefined);
    assert.equal(later.exceptionExpired?.expires, '2027-03-01');
    assert.match(later.message, /exception RISK-12 expired on 2027-03-01/);
  });

  it('matches check, kind, namespace and name exactly', () => {
    const config = makeConfig({ exceptions: [exception('2099-01-01', { resource: { ...WEB, namespace: 'other' } })] });
    const f = finding();
    new ExceptionIndex(config.exceptions, now).apply(f);
    assert.equal(f.excepted, undefined);
  });

  it('warns about exceptions expiring within 30 days and notes expired ones', () => {
    const config = makeConfig({ exceptions: [exception('2027-03-20'), exception('2027-02-01'), exception('2027-06-01')] });
    const notices = new ExceptionIndex(config.exceptions, now).notices;
    assert.deepEqual(notices.map((n) => [n.status, n.exception.expires, n.days]), [['expiring', '2027-03-20', 19], ['expired', '2027-02-01', -28]]);
  });
});

describe('exceptions in annexa.yaml', () => {
  it('an exception without justification, approver or expiry is a config error naming the line', () => {
    const text = [
      'exceptions:',
      `  - check: ${PRIVILEGED}`,
      '    resource: { kind: Pod, namespace: shop, name: web }',
      '    expires: "2027-13-01"',
      `  - check: ${PRIVILEGED}`,
      '    resource: { kind: Pod, name: web }',
      '    justification: ok',
      '    approvedBy: ciso@example.com',
      '    expires: "2027-01-01"',
      '  - check: workload.no-such-check',
      '    resource: { kind: Pod, name: web }',
      '    justification: ok',
      '    approvedBy: ciso@example.com',
      '    expires: "2027-01-01"',
    ].join('\n');
    assert.throws(() => parseConfigText(text, 'annexa.yaml', builtinCheckIds), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      const fields = error.issues.map((issue) => `${issue.field}@${issue.line}: ${issue.message}`);
      assert.deepEqual(fields, [
        'exceptions[0].justification@2: a justification is required for every exception',
        'exceptions[0].approvedBy@2: approvedBy (who accepted the risk) is required for every exception',
        'exceptions[0].expires@4: not a calendar date',
      ]);
      return true;
    });
    const unknown = text.split('\n').slice(0, 1).concat(text.split('\n').slice(9)).join('\n');
    assert.throws(() => parseConfigText(unknown, 'annexa.yaml', builtinCheckIds), /annexa\.yaml:2: exceptions\[0\]\.check: no built-in check has the id "workload\.no-such-check"/);
  });

  it('an active exception moves the finding to excepted[] in JSON, with justification, approver, expiry and ticket', async () => {
    const { code, text } = await scanInProcess([join(fixtures, 'privileged.yaml')], { output: 'json', config: configWith([exception('2999-12-31')]) });
    assert.equal(code, 0, 'nothing left failing');
    const report = JSON.parse(text) as { findings: unknown[]; excepted: Array<{ checkId: string; excepted: Record<string, string> }>; summary: { findings: number; exceptedFindings: number } };
    assert.deepEqual(report.findings, []);
    assert.equal(report.summary.findings, 0);
    assert.equal(report.summary.exceptedFindings, 1);
    assert.equal(report.excepted[0]!.checkId, PRIVILEGED);
    assert.deepEqual(report.excepted[0]!.excepted, { check: PRIVILEGED, justification: 'vendor agent needs it; compensating control RISK-12', approvedBy: 'ciso@example.com', expires: '2999-12-31', ticket: 'RISK-12' });
  });

  it('every output shows the excepted finding as excepted, none as failing', async () => {
    const config = configWith([exception('2999-12-31')]);
    const table = await scanInProcess([join(fixtures, 'privileged.yaml')], { output: 'table', config });
    assert.match(table.text, /Excepted \(1 finding accepted in annexa\.yaml, not failing\):\n {2}workload\.privileged-container {2}Pod\/shop\/web: vendor agent needs it; compensating control RISK-12 \(approved by ciso@example\.com, expires 2999-12-31, RISK-12\)/);
    assert.match(table.text, /0 findings, 1 excepted/);
    const sarif = JSON.parse((await scanInProcess([join(fixtures, 'privileged.yaml')], { output: 'sarif', config })).text) as { runs: Array<{ results: Array<{ suppressions?: Array<{ justification: string }> }> }> };
    assert.match(sarif.runs[0]!.results[0]!.suppressions![0]!.justification, /approved by ciso@example\.com, expires 2999-12-31/);
    const junit = (await scanInProcess([join(fixtures, 'privileged.yaml')], { output: 'junit', config })).text;
    assert.match(junit, /<skipped message="excepted: vendor agent/);
    assert.doesNotMatch(junit, /<failure/);
    const markdown = (await scanInProcess([join(fixtures, 'privileged.yaml')], { output: 'markdown', config })).text;
    assert.match(markdown, /## Excepted \(1 finding accepted in annexa\.yaml, not failing\)/);
  });

  it('an expired exception no longer suppresses: the finding fails with a note; expiring ones are warned about on stderr', async () => {
    const { code, text } = await scanInProcess([join(fixtures, 'privileged.yaml')], { output: 'json', config: configWith([exception('2020-01-31')]) });
    assert.equal(code, 1);
    const report = JSON.parse(text) as { findings: Array<{ message: string; exceptionExpired: { expires: string } }>; excepted: unknown[]; exceptionNotices: Array<{ status: string; message: string }> };
    assert.equal(report.excepted.length, 0);
    assert.match(report.findings[0]!.message, /\(exception RISK-12 expired on 2020-01-31\)$/);
    assert.equal(report.findings[0]!.exceptionExpired.expires, '2020-01-31');
    assert.equal(report.exceptionNotices[0]!.status, 'expired');

    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const dir = tempTree({ 'privileged.yaml': '' });
    const run = runCli(['scan', join(fixtures, 'privileged.yaml'), '-q', '-c', configKeeping(dir, [PRIVILEGED], {}, { exceptions: [exception(soon)] })]);
    assert.equal(run.code, 0);
    assert.match(run.stderr, new RegExp(`annexa: \\S*annexa\\.yaml: warning: exception for ${PRIVILEGED} on Pod/shop/web \\(RISK-12\\) expires on ${soon} \\(in (9|10) days\\)`));
  });
});
