/** Small measuring helpers shared by the in-memory benchmarks. */
import { performance } from 'node:perf_hooks';
import { parseManifestText } from '../src/sources/yaml-documents.js';
import type { Resource } from '../src/resources/types.js';

/** The fastest of `repetitions` runs, in ms: the least disturbed one on a shared machine. */
export function fastestMs(repetitions: number, run: () => void): number {
  let fastest = Infinity;
  for (let i = 0; i < repetitions; i++) {
    const started = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

/** Resources of a generated estate; a generator bug that yields unparsable YAML stops the benchmark. */
export function generatedResources(text: string, file: string): Resource[] {
  const parsed = parseManifestText(text, { source: 'stdin', file });
  parsed.release();
  if (parsed.errors.length > 0) throw new Error(`generated estate does not parse: ${JSON.stringify(parsed.errors[0])}`);
  return parsed.resources;
}
