/**
 * Runs @monokle/validation (a devDependency, used only here) over a directory, offline, with its
 * pod-security-standards, practices, yaml-syntax and metadata plugins, the way its CLI would:
 * read every file, split it into documents (text, content, line offset), validate all of them.
 *
 * `node dist/bench/monokle.js DIR` prints one JSON line: { resources, results, ms, rssMiB }.
 * Run in a fresh process per measurement so that peak RSS is per run.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { expandPaths } from '../src/sources/files.js';

interface MonokleResource {
  id: string;
  fileId: string;
  filePath: string;
  fileOffset: number;
  name: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  content?: unknown;
  text: string;
}

export interface MonokleRun {
  resources: number;
  results: number;
  ms: number;
  rssMiB: number;
}

/** Splits files into monokle resources (what @monokle/parser's extractK8sResources does). */
function extract(dir: string): MonokleResource[] {
  const resources: MonokleResource[] = [];
  for (const unit of expandPaths([dir]).units) {
    const text = readFileSync(unit.file, 'utf8');
    const filePath = `/${relative(dir, unit.file)}`;
    const lines = new LineCounter();
    const docs = parseAllDocuments(text, { lineCounter: lines });
    for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
      const content = doc.toJS() as Record<string, unknown> | null;
      if (!content || typeof content.kind !== 'string' || typeof content.apiVersion !== 'string') continue;
      const [start, , end] = doc.range;
      const metadata = (content.metadata ?? {}) as Record<string, unknown>;
      const resource: MonokleResource = {
        id: `${filePath}#${i}`,
        fileId: filePath,
        filePath,
        fileOffset: lines.linePos(start).line - 1,
        name: typeof metadata.name === 'string' ? metadata.name : '',
        apiVersion: content.apiVersion,
        kind: content.kind,
        content,
        text: text.slice(start, end),
      };
      if (typeof metadata.namespace === 'string') resource.namespace = metadata.namespace;
      resources.push(resource);
    }
  }
  return resources;
}

export async function runMonokle(dir: string): Promise<MonokleRun> {
  const started = performance.now();
  const m = await import('@monokle/validation');
  const validator = new m.MonokleValidator({
    loader: new m.DefaultPluginLoader(), // core plugins only: nothing is fetched
    parser: new m.ResourceParser(),
    schemaLoader: new m.SchemaLoader(),
    suppressors: [],
    fixer: new m.DisabledFixer(),
  });
  await validator.preload({
    plugins: { 'pod-security-standards': true, practices: true, 'yaml-syntax': true, metadata: true },
  });
  const resources = extract(dir);
  const response = await validator.validate({ resources: resources as never });
  const results = response.runs.reduce((sum, run) => sum + run.results.length, 0);
  const ms = performance.now() - started;
  return { resources: resources.length, results, ms, rssMiB: process.resourceUsage().maxRSS / 1024 };
}

if (process.argv[1] && /monokle\.[jt]s$/.test(process.argv[1])) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: monokle DIR');
    process.exit(2);
  }
  runMonokle(dir).then((run) => console.log(JSON.stringify(run)), (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
