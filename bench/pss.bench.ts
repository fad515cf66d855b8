/**
 * Pod Security evaluation throughput (pods per second), in process, against the parse floor of the
 * same run: the same texts parsed with `yaml` (parseAllDocuments + toJS) and nothing else.
 *  - the 4,537 upstream fixtures, each at its directory's level and version;
 *  - every Pod and pod template of the generated corpus, at restricted:latest.
 * Files are read into memory first, so neither side pays for I/O. Best of several repetitions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Benchmark } from './context.js';
import { ROOT } from './run.js';
import { expandPaths } from '../src/sources/files.js';
import type { JsonObject, Resource } from '../src/resources/types.js';
import { asObject, isObject, podTemplateOf } from '../src/resources/workloads.js';
import { evaluatePod, LATEST, parsePolicyVersion, isPssLevel, type PssPolicy } from '../src/pss/index.js';

interface Input {
  text: string;
  policy: PssPolicy;
}

const PSS_FIXTURES = join(ROOT, 'test', 'conformance', 'pss');
const RESTRICTED_LATEST: PssPolicy = { level: 'restricted', version: LATEST };

function fixtureInputs(): Input[] {
  const [, ...lines] = readFileSync(join(PSS_FIXTURES, 'expected.csv'), 'utf8').trim().split(/\r?\n/);
  return lines.map((line) => {
    const [path, level, version] = line.split(',');
    const parsed = parsePolicyVersion(version ?? '');
    if (!parsed || !level || !isPssLevel(level)) throw new Error(`bad expected.csv line: ${line}`);
    return { text: readFileSync(join(PSS_FIXTURES, path!), 'utf8'), policy: { level, version: parsed } };
  });
}

function corpusInputs(dir: string): Input[] {
  return expandPaths([dir]).units.map((unit) => ({ text: readFileSync(unit.file, 'utf8'), policy: RESTRICTED_LATEST }));
}

function parseDocuments(text: string): unknown[] {
  return parseAllDocuments(text).map((doc) => doc.toJS({ maxAliasCount: 1000 }) as unknown);
}

function asResource(document: unknown): Resource | undefined {
  if (!isObject(document) || typeof document.kind !== 'string') return undefined;
  return { apiVersion: String(document.apiVersion), kind: document.kind, name: String(asObject(document.metadata).name ?? ''), object: document as JsonObject, provenance: { source: 'file' } };
}

/** Evaluates every Pod and pod template of the parsed documents; returns how many were evaluated. */
function evaluateDocuments(documents: unknown[], policy: PssPolicy): number {
  let pods = 0;
  for (const document of documents) {
    const resource = asResource(document);
    const template = resource && podTemplateOf(resource);
    if (!template) continue;
    evaluatePod({ spec: template.spec, metadata: template.metadata }, policy);
    pods += 1;
  }
  return pods;
}

/** Best time (ms) of each piece of work, the pieces run in turn each repetition so drift hits them alike. */
function bestOfInterleaved(repetitions: number, work: ReadonlyArray<() => void>): number[] {
  const best = work.map(() => Infinity);
  for (let i = 0; i < repetitions; i += 1) {
    work.forEach((run, index) => {
      const started = performance.now();
      run();
      best[index] = Math.min(best[index]!, performance.now() - started);
    });
  }
  return best;
}

function measure(name: string, inputs: Input[], repetitions: number): Record<string, string | number> {
  const parsed = inputs.map((input) => ({ documents: parseDocuments(input.text), policy: input.policy }));
  const pods = parsed.reduce((sum, { documents, policy }) => sum + evaluateDocuments(documents, policy), 0);
  const [parseMs, evaluateMs, bothMs] = bestOfInterleaved(repetitions, [
    () => { for (const input of inputs) parseDocuments(input.text); },
    () => { for (const { documents, policy } of parsed) evaluateDocuments(documents, policy); },
    () => { for (const input of inputs) evaluateDocuments(parseDocuments(input.text), input.policy); },
  ]) as [number, number, number];
  return {
    input: name,
    files: inputs.length,
    pods,
    'parse ms': Number(parseMs.toFixed(1)),
    'evaluate ms': Number(evaluateMs.toFixed(1)),
    'parse+evaluate ms': Number(bothMs.toFixed(1)),
    'pods/s (evaluate)': Math.round(pods / (evaluateMs / 1000)),
    'pods/s (parse+evaluate)': Math.round(pods / (bothMs / 1000)),
    'evaluate / parse': Number((evaluateMs / parseMs).toFixed(3)),
    'parse+evaluate / parse': Number((bothMs / parseMs).toFixed(3)),
  };
}

const pssBenchmark: Benchmark = async (ctx) => {
  const repetitions = ctx.quick ? 1 : 5;
  const corpusSize = ctx.quick ? 1_000 : 10_000;
  ctx.table('Pod Security evaluation throughput vs. the yaml parse floor (in process, best of runs)', [
    measure('upstream fixtures (own level/version)', fixtureInputs(), repetitions),
    measure(`corpus ${corpusSize} resources (restricted:latest)`, corpusInputs(ctx.corpusDir(corpusSize)), repetitions),
  ]);
};

export default pssBenchmark;
