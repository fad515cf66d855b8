/** Check → framework mappings: every built-in check maps to real Annex A controls and known crosswalk items. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { builtinChecks } from '../src/checks/index.js';
import type { Check } from '../src/engine/check.js';
import { ISMS_CLAUSES, automationOf, isAnnexAControlId, isoControl, isoControlsView } from '../src/frameworks/iso27001.js';
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

/** Phrases claiming evidence from features Annexa does not have (checked in every guidance text). */
const UNSUPPORTED_FEATURES: ReadonlyArray<[RegExp, string]> = [
  [/evidence bundle/i, 'evidence bundles'],
  [/posture over time/i, 'posture over time'],
  // `annexa cluster` and `annexa drift` exist (issue #17); an admission webhook does not.
  [/Annexa[^.]*\badmission (webhook|mode|controller)/i, 'an admission mode'],
];
/** Phrases that would claim, in a "What Annexa checks" text, evidence no check produces. */
const UNCHECKED_EVIDENCE: ReadonlyArray<[RegExp, string]> = [
  [/audit[- ]log(ging)? (settings|policy)|checks on audit/i, 'audit-logging settings'],
  [/etcd encryption|encryption settings/i, 'etcd encryption'],
  [/API server authentication settings|authentication settings/i, 'API-server authentication'],
  [/legacy .*token Secrets/i, 'legacy token Secrets'],
  [/checks on (replica|PodDisruptionBudget|topology)/i, 'replicas/PDB/topology'],
  [/require[sd]? (owner|classification|ownership)[^.]*labels/i, 'owner or classification labels'],
  [/bindings that name individual users/i, 'user bindings'],
  [/at admission|drift detection|drift results|admission decisions/i, 'admission or drift'],
];

function checkIdsNamed(text: string): string[] {
  return [...text.matchAll(/`([a-z]+\.[a-z0-9-]+)`/g)].map((m) => m[1]!).filter((id) => !id.endsWith('.yaml'));
}

function domainsNamed(text: string): string[] {
  return [...text.matchAll(/`([a-z]+)\.\*`/g)].map((m) => m[1]!);
}

describe('mapping and guidance consistency', () => {
  const views = isoControlsView(builtinChecks);
  const known = new Set(builtinChecks.map((c) => c.id));

  it('a guidance text names only checks that are mapped to its control', () => {
    const wrong: string[] = [];
    for (const v of views) {
      for (const text of [v.evidence.automated ?? '', v.kubernetes, v.evidence.manual]) {
        for (const id of checkIdsNamed(text)) {
          if (!known.has(id)) wrong.push(`${v.id} names ${id}, which is no check`);
          else if (!v.checks.includes(id)) wrong.push(`${v.id} names ${id}, which is not mapped to it`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('every mapping is supported: the guidance names each mapped check (or its domain)', () => {
    const unsupported: string[] = [];
    for (const v of views) {
      const text = v.evidence.automated ?? '';
      const named = new Set(checkIdsNamed(text));
      const domains = new Set(domainsNamed(text));
      for (const id of v.checks) if (!named.has(id) && !domains.has(id.split('.')[0]!)) unsupported.push(`${v.id}: ${id}`);
    }
    assert.deepEqual(unsupported, [], 'name the check in the control\'s `automated` guidance, or remove the mapping');
  });

  it('a control with "what Annexa checks" guidance has a mapped check', () => {
    assert.deepEqual(views.filter((v) => v.evidence.automated && v.checks.length === 0).map((v) => v.id), []);
  });

  it('no guidance text claims a feature Annexa does not have, nor evidence no check produces', () => {
    const claims: string[] = [];
    for (const v of views) {
      for (const text of [v.kubernetes, v.evidence.manual, v.evidence.automated ?? '']) {
        for (const [pattern, what] of UNSUPPORTED_FEATURES) if (pattern.test(text)) claims.push(`${v.id}: ${what}`);
      }
      for (const [pattern, what] of UNCHECKED_EVIDENCE) if (pattern.test(v.evidence.automated ?? '')) claims.push(`${v.id}: ${what}`);
    }
    for (const clause of ISMS_CLAUSES) for (const [pattern, what] of UNSUPPORTED_FEATURES) if (pattern.test(clause.record)) claims.push(`clause ${clause.id}: ${what}`);
    assert.deepEqual(claims, []);
  });

  it('the review findings stay corrected', () => {
    const mapped = (id: string) => builtinChecks.find((c) => c.id === id)!.controls;
    for (const probe of ['workload.liveness-probe', 'workload.readiness-probe']) assert.deepEqual(mapped(probe).iso27001, ['A.8.14'], probe);
    assert.ok(!mapped('workload.ephemeral-container').iso27001.includes('A.8.15'), 'ephemeral containers are not logging');
    for (const id of ['workload.low-user-id', 'workload.low-group-id', 'workload.host-users', 'workload.default-service-account']) assert.ok(!mapped(id).iso27001.includes('A.8.2'), id);
    for (const id of ['secrets.secret-key-ref-env', 'secrets.secret-env-from']) assert.deepEqual(mapped(id).iso27001, ['A.5.17'], id);
    for (const id of ['workload.automount-token-enabled', 'workload.automount-token']) assert.ok(!mapped(id).iso27001.includes('A.8.5'), id);
    assert.ok(mapped('rbac.anonymous-access').iso27001.includes('A.8.5'));
    for (const id of ['rbac.wildcard-rules', 'rbac.cluster-admin-binding', 'rbac.escalation-verbs']) assert.ok(mapped(id).iso27001.includes('A.5.18'), id);
    for (const id of ['workload.host-pid', 'workload.host-ipc', 'workload.host-network', 'workload.allow-privilege-escalation', 'workload.writable-host-path']) assert.ok(mapped(id).iso27001.includes('A.8.18'), id);
    assert.ok(mapped('images.latest-tag').iso27001.includes('A.8.8'));
    assert.ok(['A.8.23', 'A.8.12'].every((c) => mapped('network.default-deny-egress').iso27001.includes(c)));
    assert.ok(mapped('network.ingress-tls').iso27001.includes('A.8.21'));
    assert.ok(!mapped('pss.baseline').iso27001.some((c) => c === 'A.8.20' || c === 'A.8.22'));
    assert.equal(mapped('images.allowed-registries').cis, undefined, 'CIS 5.5.1 is the ImagePolicyWebhook admission plugin, not a manifest check');
    for (const id of ['secrets.credential-in-env', 'secrets.configmap-credentials']) assert.equal(mapped(id).cis, undefined, `${id}: CIS 5.4.1 is about Secrets as files`);
    for (const id of ['workload.liveness-probe', 'workload.readiness-probe', 'network.ingress-tls', 'secrets.credential-in-env']) assert.equal(mapped(id)['nist-800-190'], undefined, id);
    for (const id of ['workload.root-user', 'workload.run-as-non-root', 'workload.root-group', 'workload.low-user-id', 'workload.low-group-id', 'workload.host-users']) {
      assert.ok(!mapped(id)['nist-800-190']?.includes('4.5.4'), `${id}: NIST 4.5.4 is about user access to the host OS`);
    }
    assert.ok(!mapped('images.helm-tiller')['nist-800-190']?.includes('4.4.1'));
    assert.ok(mapped('rbac.anonymous-access')['nist-800-190']?.includes('4.3.2'));
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
    assert.equal(automationOf({ ...control('A.8.18'), coverage: 'full' }, ['x.y']), 'automated');
    assert.equal(automationOf(control('A.8.18'), ['x.y']), 'partial');
    assert.equal(automationOf(control('A.8.9'), ['x.y']), 'partial');
    assert.equal(automationOf(control('A.5.1'), ['x.y']), 'partial');
  });

  it('follows the registry: checks disabled in annexa.yaml no longer count', () => {
    const checks = [fakeCheck('workload.one', { iso27001: ['A.8.18'] }), fakeCheck('workload.two', { iso27001: ['A.8.18', 'A.8.9'] })];
    const view = isoControlsView(checks);
    assert.deepEqual(view.find((c) => c.id === 'A.8.18')?.checks, ['workload.one', 'workload.two']);
    assert.equal(view.find((c) => c.id === 'A.8.18')?.automation, 'partial');
    assert.equal(view.find((c) => c.id === 'A.8.9')?.automation, 'partial');
    const posture = computePosture({ config: makeConfig(), checks: [checks[0]!] });
    assert.equal(posture.find((c) => c.id === 'A.8.9')?.automation, 'manual');
    assert.equal(posture.find((c) => c.id === 'A.8.18')?.automation, 'partial');
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
