/** Reading and describing untrusted manifest values without coercing them (src/resources/values.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { asString, describeValue, scalarText, setOwn, stringItems } from '../src/resources/values.js';
import { compileSelector, labelsOf } from '../src/inventory/label-selector.js';
import { REDACTED, redactResource } from '../src/resources/redact.js';
import type { JsonObject, JsonValue } from '../src/resources/types.js';

describe('describeValue', () => {
  it('writes scalars out as String() does', () => {
    assert.equal(describeValue('text with "quotes"'), 'text with "quotes"');
    assert.equal(describeValue(80), '80');
    assert.equal(describeValue(1.5), '1.5');
    assert.equal(describeValue(Number.NaN), 'NaN');
    assert.equal(describeValue(false), 'false');
    assert.equal(describeValue(null), 'null');
    assert.equal(describeValue(undefined), 'undefined');
    assert.equal(describeValue(10n), '10');
  });

  it('renders maps and lists as compact JSON without calling their toString, valueOf or toJSON', () => {
    const hostile = parse('{ toString: 1, valueOf: 2, toJSON: 3 }') as object;
    assert.throws(() => String(hostile), TypeError);
    assert.equal(describeValue(hostile), '{"toString":1,"valueOf":2,"toJSON":3}');
    assert.equal(describeValue(parse('[{ toString: 1 }, a, [1, null]]')), '[{"toString":1},"a",[1,null]]');
    assert.equal(describeValue(parse('{ "__proto__": x }')), '{"__proto__":"x"}');
    assert.equal(describeValue(Object.create(null) as object), '{}');
    assert.equal(describeValue([]), '[]');
  });

  it('cuts long values, deep nesting and circular references', () => {
    assert.equal(describeValue(Array.from({ length: 100 }, (_, i) => i), 20), '[0,1,2,3,4,5,6,7,8,9…');
    assert.equal(describeValue({ a: { b: { c: { d: { e: 1 } } } } }), '{"a":{"b":{"c":{"d":{…}}}}}');
    const circular: Record<string, unknown> = { name: 'x' };
    circular.self = circular;
    assert.equal(describeValue(circular), '{"name":"x","self":{…}}');
    // YAML aliases may make one.
    assert.equal(describeValue(parse('a: &x { b: *x }')), '{"a":{"b":{…}}}');
  });
});

describe('type guards', () => {
  const hostile = { toString: 1 };

  it('asString accepts strings only', () => {
    assert.equal(asString('x'), 'x');
    assert.equal(asString(''), '');
    for (const value of [1, true, null, undefined, hostile, ['x']]) assert.equal(asString(value), undefined);
  });

  it('stringItems keeps the string items of a list', () => {
    assert.deepEqual(stringItems(['a', hostile, 1, null, 'b', ['c']]), ['a', 'b']);
    assert.deepEqual(stringItems('a'), []);
    assert.deepEqual(stringItems(hostile), []);
  });

  it('scalarText reads strings, numbers and booleans as a label map would, and nothing else', () => {
    assert.equal(scalarText('v1.30'), 'v1.30');
    assert.equal(scalarText(1.3), '1.3');
    assert.equal(scalarText(true), 'true');
    for (const value of [null, undefined, hostile, ['baseline'], {}]) assert.equal(scalarText(value), undefined);
  });
});

describe('keys named __proto__', () => {
  const manifest = (): Record<string, unknown> => JSON.parse('{"__proto__": "x", "app": "web"}') as Record<string, unknown>;

  it('setOwn defines them as own properties instead of setting the prototype', () => {
    const object: Record<string, string> = {};
    setOwn(object, '__proto__', 'x');
    setOwn(object, 'app', 'web');
    assert.deepEqual(Object.keys(object), ['__proto__', 'app']);
    assert.equal(Object.getPrototypeOf(object), Object.prototype);
  });

  it('a label selector with such a key selects only what carries it, not everything', () => {
    const selector = compileSelector({ matchLabels: manifest() as JsonValue });
    assert.deepEqual(Object.keys(labelsOf(manifest() as JsonValue)), ['__proto__', 'app']);
    assert.equal(selector.matches({ app: 'web' }), false);
    assert.equal(selector.matches(labelsOf(manifest() as JsonValue)), true);
  });

  it('a Secret key with that name stays listed, its value redacted', () => {
    const object = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: manifest() } as JsonObject;
    const redacted = redactResource({ apiVersion: 'v1', kind: 'Secret', name: 's', object, provenance: { source: 'file', file: 's.yaml', line: 1, column: 1, documentIndex: 0 } });
    assert.deepEqual(Object.entries(redacted.object.data as object), [['__proto__', REDACTED], ['app', REDACTED]]);
  });
});
