/** Check → framework mappings: every built-in check maps to real Annex A controls and known crosswalk items. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { builtinChecks } from '../src/checks/index.js';
import type { Check } from '../src/engine/check.js';
import { automationOf, isAnnexAControlId, isoControl, isoControlsView } from '../src/frameworks/iso27001.js';
import { CROSSWALKS, crosswalkView, resolveItem, unknownCrosswalkRefs } from '../src/frameworks/index.js';
import { computePosture } from '../src/posture/posture.js';
import { makeConfig } from '../src/isms/config.js';

/** A minimal check for mapping tests (never run). */
function fakeCheck(id: string, controls: Check['controls']): Check {
  return {
    id, title: id, severity: 'low', domain: 'workload', scope: 'pod', rationale: 'r', remediation: 'r', controls,
    check: () => [], examples: { valid: [], invalid: [] },
  };
}

describe('built-in check mappings', () => {
  it('every built-in check maps to at least one Annex A control, and every id exists in the catalog', () => {
    assert.ok(builtinChecks.length > 0);
    for (const check of builtinChecks) {
      assert.ok(check.controls.iso27001.length > 0, `${check.id} maps to no Annex A control`);
      const unknown = check.controls.iso27001.filter((id) => !isAnnexAControlId(id));
      assert.deepEqual(unknown, [], `${check.id} maps to ids not in ISO/IEC 27001:2022 Annex A`);
    }
  });

  it('every control a check maps to documents its mapping rationale in the catalog', () => {
    const undocumented = isoControlsView(builtinChecks).filter((c) => c.checks.length > 0 && !c.evidence.automated).map((c) => `${c.id} (${c.checks.join(', ')})`);
    assert.deepEqual(undocumented, [], 'add `automated` guidance in src/frameworks/iso27001-guidance.ts');
  });

  it('no check maps to A.8.13 (backups are not visible in manifests)', () => {
    assert.deepEqual(builtinChecks.filter((c) => c.controls.iso27001.includes('A.8.13')).map((c) => c.id), []);
  });

  it('at least 15 controls are automated or partial', () => {
    const covered = isoControlsView(builtinChecks).filter((c) => c.automation !== 'manual');
    assert.ok(covered.length >= 15, `only ${covered.length} controls have automated evidence: ${covered.map((c) => c.id).join(', ')}`);
  });

  it('every CIS, NSA/CISA, NIST SP 800-190 and PSS reference of a check is in its catalog', () => {
    assert.deepEqual(unknownCrosswalkRefs(builtinChecks), []);
  });
});

describe('automation level', () => {
  const control = (id: string) => {
    const c = isoControl(id);
    assert.ok(c);
    return c;
  };

  it('is manual without checks, automated for full coverage, partial otherwise', () => {
    assert.equal(automationOf(control('A.8.18'), []), 'manual');
    assert.equal(automationOf(control('A.8.18'), ['x.y']), 'automated');
    assert.equal(automationOf(control('A.8.9'), ['x.y']), 'partial');
    assert.equal(automationOf(control('A.5.1'), ['x.y']), 'partial');
  });

  it('follows the registry: checks disabled in annexa.yaml no longer count', () => {
    const checks = [fakeCheck('workload.one', { iso27001: ['A.8.18'] }), fakeCheck('workload.two', { iso27001: ['A.8.18', 'A.8.9'] })];
    const view = isoControlsView(checks);
    assert.deepEqual(view.find((c) => c.id === 'A.8.18')?.checks, ['workload.one', 'workload.two']);
    assert.equal(view.find((c) => c.id === 'A.8.18')?.automation, 'automated');
    assert.equal(view.find((c) => c.id === 'A.8.9')?.automation, 'partial');
    const posture = computePosture({ config: makeConfig(), checks: [checks[0]!] });
    assert.equal(posture.find((c) => c.id === 'A.8.9')?.automation, 'manual');
    assert.equal(posture.find((c) => c.id === 'A.8.18')?.automation, 'automated');
  });
});

describe('crosswalk catalogs', () => {
  it('resolve references by id, title, alias and section prefix', () => {
    assert.equal(resolveItem(CROSSWALKS.cis, '5.2.2')?.id, '5.2.2');
    assert.equal(resolveItem(CROSSWALKS.nsa, 'Pod security: non-root and unprivileged containers')?.id, 'pod-security.non-root');
    assert.equal(resolveItem(CROSSWALKS.nsa, 'network policies')?.id, 'network.network-policies');
    assert.equal(resolveItem(CROSSWALKS.nsa, 'Authentication and authorization: something new')?.id, 'authn-authz');
    assert.equal(resolveItem(CROSSWALKS['nist-800-190'], '4.4.3')?.title, 'Insecure container runtime configurations');
    assert.equal(resolveItem(CROSSWALKS.pss, 'hostNamespaces')?.id, 'hostNamespaces');
    assert.equal(resolveItem(CROSSWALKS.cis, '9.9.9'), undefined);
  });

  it('list every catalog item, the checks naming it and their Annex A controls, and flag unknown references', () => {
    const checks = [
      fakeCheck('workload.a', { iso27001: ['A.8.2'], cis: ['5.2.2'], pss: ['privileged'] }),
      fakeCheck('workload.b', { iso27001: ['A.8.9'], cis: ['5.2.2', '5.99'] }),
    ];
    const cis = crosswalkView(CROSSWALKS.cis, checks);
    assert.equal(cis.filter((v) => v.cataloged).length, CROSSWALKS.cis.items.length);
    const item = cis.find((v) => v.id === '5.2.2');
    assert.deepEqual(item?.checks, ['workload.a', 'workload.b']);
    assert.deepEqual(item?.iso27001, ['A.8.2', 'A.8.9']);
    assert.deepEqual(cis.filter((v) => !v.cataloged).map((v) => [v.id, v.checks]), [['5.99', ['workload.b']]]);
    assert.deepEqual(unknownCrosswalkRefs(checks), ['cis:5.99 (workload.b)']);
  });

  it('cover the NIST SP 800-190 countermeasure sections and the upstream PSS check ids', () => {
    const nist = CROSSWALKS['nist-800-190'].items.map((i) => i.id);
    for (const id of ['4.1.1', '4.1.5', '4.2.3', '4.3.5', '4.4.5', '4.5.5']) assert.ok(nist.includes(id), id);
    const pss = CROSSWALKS.pss.items.map((i) => i.id);
    for (const id of ['privileged', 'hostNamespaces', 'capabilities_baseline', 'runAsNonRoot', 'seccompProfile_restricted', 'restrictedVolumes']) assert.ok(pss.includes(id), id);
  });
});
