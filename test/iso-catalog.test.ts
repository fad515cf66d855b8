/** The ISO/IEC 27001:2022 catalog: 93 Annex A controls, themes, titles, attributes, guidance and clauses 4–10. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ANNEX_A_TITLES } from '../src/frameworks/annex-a-titles.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ISMS_CLAUSES, ISO27001_CONTROLS, THEMES, isoControl, matchesAttributes, parseAttributeFilter, parseAttributes, type AttributeFilter } from '../src/frameworks/iso27001.js';
import { projectRoot } from './support/paths.js';

describe('ISO/IEC 27001:2022 Annex A catalog', () => {
  it('has exactly 93 controls, each id once', () => {
    assert.equal(ISO27001_CONTROLS.length, 93);
    assert.equal(new Set(ISO27001_CONTROLS.map((c) => c.id)).size, 93);
  });

  it('has 37 organizational, 8 people, 14 physical and 34 technological controls, numbered without gaps', () => {
    const expected = { organizational: [5, 37], people: [6, 8], physical: [7, 14], technological: [8, 34] } as const;
    for (const theme of THEMES) {
      const [clause, count] = expected[theme];
      const ids = ISO27001_CONTROLS.filter((c) => c.theme === theme).map((c) => c.id);
      assert.deepEqual(ids, Array.from({ length: count }, (_, i) => `A.${clause}.${i + 1}`), theme);
    }
  });

  it('keeps the short titles and themes of annex-a-titles.ts', () => {
    assert.deepEqual(ISO27001_CONTROLS.map(({ id, title, theme }) => ({ id, title, theme })), ANNEX_A_TITLES.map(({ id, title, theme }) => ({ id, title, theme })));
    assert.equal(isoControl('A.5.23')?.title, 'Information security for use of cloud services');
    assert.equal(isoControl('A.7.14')?.title, 'Secure disposal or re-use of equipment');
    assert.equal(isoControl('A.8.9')?.title, 'Configuration management');
    assert.equal(isoControl('A.8.34')?.title, 'Protection of information systems during audit testing');
    assert.equal(isoControl('A.8.35'), undefined);
  });

  it('gives every control attributes, Kubernetes guidance and a manual record', () => {
    for (const c of ISO27001_CONTROLS) {
      assert.ok(c.attributes.controlType.length > 0, c.id);
      assert.ok(c.attributes.securityProperties.length > 0, c.id);
      assert.ok(c.attributes.cybersecurityConcepts.length > 0, c.id);
      assert.ok(c.kubernetes.length > 40, `${c.id} kubernetes text`);
      assert.ok(c.evidence.manual.length > 20, `${c.id} manual record`);
      assert.ok(c.coverage === 'full' || c.coverage === 'partial', c.id);
    }
  });

  it('records ISO/IEC 27002:2022 attribute values', () => {
    assert.deepEqual(isoControl('A.8.13')?.attributes, {
      controlType: ['corrective'], securityProperties: ['integrity', 'availability'], cybersecurityConcepts: ['recover'],
      operationalCapabilities: ['continuity'], securityDomains: ['protection'],
    });
    assert.deepEqual(isoControl('A.5.7')?.attributes.controlType, ['preventive', 'detective', 'corrective']);
    assert.deepEqual(isoControl('A.8.15')?.attributes.cybersecurityConcepts, ['detect']);
    assert.deepEqual(isoControl('A.5.30')?.attributes.securityProperties, ['availability']);
  });

  it('rejects unknown attribute codes', () => {
    assert.throws(() => parseAttributes('X|CIA|Pr'), /unknown control type code "X"/);
    assert.throws(() => parseAttributes('P|CIA|Zz'), /unknown cybersecurity concept/);
  });

  it('claims full coverage for no control (manifests never show all of one), and none for backup', () => {
    const full = ISO27001_CONTROLS.filter((c) => c.coverage === 'full').map((c) => c.id);
    assert.deepEqual(full, [], 'A.8.18 and A.8.22 are partial: node utilities, exceptions and CNI enforcement are not visible');
    assert.equal(isoControl('A.8.1')?.title, 'User end point devices');
    assert.equal(isoControl('A.8.13')?.evidence.automated, undefined, 'backups cannot be evidenced from manifests');
    for (const c of ISO27001_CONTROLS.filter((x) => x.theme === 'people' || x.theme === 'physical')) assert.equal(c.evidence.automated, undefined, c.id);
  });
});

/** The published attribute table, as shipped in test/data (facts in Annexa's own encoding, decoded here independently). */
function attributeTable(): Map<string, Record<string, string[]>> {
  const codes: Record<string, Record<string, string>> = {
    controlType: { P: 'preventive', D: 'detective', C: 'corrective' },
    securityProperties: { C: 'confidentiality', I: 'integrity', A: 'availability' },
    cybersecurityConcepts: { Id: 'identify', Pr: 'protect', De: 'detect', Rs: 'respond', Rc: 'recover' },
    operationalCapabilities: {
      Gov: 'governance', Asset: 'asset_management', Info: 'information_protection', HR: 'human_resource_security', Phys: 'physical_security',
      SysNet: 'system_and_network_security', App: 'application_security', Conf: 'secure_configuration', IAM: 'identity_and_access_management',
      TVM: 'threat_and_vulnerability_management', Cont: 'continuity', Supp: 'supplier_relationships_security', Legal: 'legal_and_compliance',
      Event: 'information_security_event_management', Assur: 'information_security_assurance',
    },
    securityDomains: { G: 'governance_and_ecosystem', P: 'protection', D: 'defence', R: 'resilience' },
  };
  const keys = Object.keys(codes);
  const table = new Map<string, Record<string, string[]>>();
  for (const line of readFileSync(join(projectRoot, 'test', 'data', 'iso27002-attributes.tsv'), 'utf8').split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [id, ...columns] = line.split('\t');
    const row: Record<string, string[]> = {};
    keys.forEach((key, i) => {
      const cell = columns[i] ?? '';
      const parts = key === 'securityProperties' ? [...cell] : cell.split(',');
      row[key] = parts.map((code) => {
        const value = codes[key]![code];
        assert.ok(value, `${id}: unknown ${key} code ${code}`);
        return value;
      });
    });
    table.set(id!, row);
  }
  return table;
}

describe('ISO/IEC 27002:2022 attributes', () => {
  it('every control carries all five attribute types, equal to the published table', () => {
    const table = attributeTable();
    assert.equal(table.size, 93);
    const differences: string[] = [];
    for (const c of ISO27001_CONTROLS) {
      const want = table.get(c.id);
      assert.ok(want, c.id);
      for (const [key, values] of Object.entries(want)) {
        const have = c.attributes[key as keyof typeof c.attributes] as readonly string[];
        if (JSON.stringify([...have].sort()) !== JSON.stringify([...values].sort())) differences.push(`${c.id} ${key}: ${have.join(',')} ≠ ${values.join(',')}`);
      }
    }
    assert.deepEqual(differences, []);
  });

  it('filters controls by attribute value', () => {
    const parsed = parseAttributeFilter('operational-capability=Identity-and-Access-Management');
    assert.deepEqual(parsed, { type: 'operational-capability', value: 'identity_and_access_management' });
    const iam = ISO27001_CONTROLS.filter((c) => matchesAttributes(c, [parsed as AttributeFilter])).map((c) => c.id);
    assert.deepEqual(iam, ['A.5.3', 'A.5.15', 'A.5.16', 'A.5.17', 'A.5.18', 'A.5.37', 'A.7.2', 'A.8.2', 'A.8.3', 'A.8.4', 'A.8.5']);
    const both = [parsed as AttributeFilter, parseAttributeFilter('security-domain=resilience') as AttributeFilter];
    assert.deepEqual(ISO27001_CONTROLS.filter((c) => matchesAttributes(c, both)).map((c) => c.id), []);
    assert.match(parseAttributeFilter('operational-capability=hacking') as string, /not a value of that attribute/);
    assert.match(parseAttributeFilter('colour=red') as string, /TYPE one of control-type, security-property/);
  });
});

describe('ISMS clauses 4–10', () => {
  it('lists 4.1 to 10.2 in order, each with a record', () => {
    assert.deepEqual(ISMS_CLAUSES.map((c) => c.id), ['4.1', '4.2', '4.3', '4.4', '5.1', '5.2', '5.3', '6.1', '6.2', '6.3', '7.1', '7.2', '7.3', '7.4', '7.5', '8.1', '8.2', '8.3', '9.1', '9.2', '9.3', '10.1', '10.2']);
    for (const c of ISMS_CLAUSES) assert.ok(c.title.length > 3 && c.record.length > 10, c.id);
  });
});
