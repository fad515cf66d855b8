/**
 * The YAML scanner (src/sources/yaml-fast.ts) against `yaml`'s `parseAllDocuments` + `toJS()` on the
 * same texts, in one process: the generated corpus (every file), and large single documents of the
 * shapes that make parsers quadratic (one map with very many keys, as block YAML, one-line and
 * pretty JSON; integer keys in descending order, whose position table cannot follow source order).
 * Reported as how many times faster the scanner is, with the position tables' time too.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { Benchmark } from './context.js';
import { fastestMs } from './measure.js';
import { expandPaths } from '../src/sources/files.js';
import { parseFast } from '../src/sources/yaml-fast.js';

function parseWithYaml(text: string): void {
  for (const doc of parseAllDocuments(text)) doc.toJS();
}

/** Parses with the scanner (it must take the text) and builds each document's position table. */
function parseFastWithTables(text: string): { parse: () => void; tables: () => void } {
  const check = parseFast(text);
  if (!check) throw new Error('the YAML scanner declined a benchmark text');
  return {
    parse: () => void parseFast(text),
    tables: () => {
      const parsed = parseFast(text)!;
      for (const doc of parsed.docs) doc.positionTable?.([], doc.toJS(0), parsed.lines);
    },
  };
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

const yamlBenchmark: Benchmark = async (ctx) => {
  // `yaml` itself is quadratic on one large map (about 5 s at 20k keys): it runs once on those.
  const keys = ctx.quick ? 5_000 : 20_000;
  const repetitions = ctx.quick ? 2 : 3;
  const corpus = expandPaths([ctx.corpusDir(ctx.quick ? 1_000 : 10_000)]).units.map((unit) => readFileSync(unit.file, 'utf8'));
  const texts: Array<[string, string[]]> = [
    [`generated corpus (${corpus.length} files)`, corpus],
    [`block map, ${keys} keys`, [Array.from({ length: keys }, (_, i) => `key-${i}: value-${i}\n`).join('')]],
    [`block map, ${keys} integer keys, descending`, [Array.from({ length: keys }, (_, i) => `${keys - i}: v\n`).join('')]],
    [`one-line JSON map, ${keys} keys`, [`{${Array.from({ length: keys }, (_, i) => `"k${i}": ${i}`).join(', ')}}\n`]],
    [`pretty JSON map, ${keys} keys`, [`{\n${Array.from({ length: keys }, (_, i) => `  "k${i}": "v${i}"`).join(',\n')}\n}\n`]],
  ];
  const rows: Array<Record<string, string | number>> = [];
  for (const [index, [label, inputs]] of texts.entries()) {
    const runs = inputs.map(parseFastWithTables);
    const mib = inputs.reduce((sum, text) => sum + Buffer.byteLength(text), 0) / 2 ** 20;
    const yamlMs = fastestMs(index === 0 ? repetitions : 1, () => inputs.forEach(parseWithYaml));
    const fastMs = fastestMs(repetitions, () => runs.forEach((run) => run.parse()));
    const tablesMs = fastestMs(repetitions, () => runs.forEach((run) => run.tables()));
    rows.push({
      input: label,
      MiB: round(mib, 2),
      'yaml ms': Math.round(yamlMs),
      'scanner ms': Math.round(fastMs),
      'scanner + tables ms': Math.round(tablesMs),
      'yaml / scanner': round(yamlMs / fastMs, 1),
      'MiB/s': round(mib / (fastMs / 1000), 1),
    });
    console.log(`  ${label}: yaml ${Math.round(yamlMs)} ms, scanner ${Math.round(fastMs)} ms`);
  }
  ctx.table('YAML scanner vs yaml parseAllDocuments + toJS (same texts, same process)', rows);
};

export default yamlBenchmark;
