/**
 * `annexa import` of a large Trivy report: a generated 50 MB Trivy JSON image report (schema
 * version 2, vulnerabilities shaped like Trivy's golden files, with descriptions, references and
 * CVSS) read by the streaming reader (src/interop/stream.ts), and imported end to end by the CLI,
 * against the baseline of `JSON.parse` of the same file. Each variant runs in its own process so
 * that peak RSS is its own; reported as ratios against the baseline measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, statSync, writeSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark } from './context.js';
import { CORPUS_CACHE } from './run.js';
import { seededRandom } from './random.js';

const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];

/** Writes a Trivy report of about `targetBytes`, deterministically, without holding it in memory. */
function writeTrivyReport(file: string, targetBytes: number): number {
  const random = seededRandom(21);
  const fd = openSync(file, 'w');
  let written = 0;
  const write = (text: string) => {
    written += writeSync(fd, text);
  };
  write(`{"SchemaVersion":2,"Trivy":{"Version":"0.58.1"},"CreatedAt":"2026-11-01T08:00:00Z","ArtifactName":"registry.example.com/shop/storefront:4.2.0","ArtifactType":"container_image",`
    + `"Metadata":{"OS":{"Family":"debian","Name":"12.7"},"ImageID":"sha256:${'1'.repeat(64)}","RepoTags":["registry.example.com/shop/storefront:4.2.0"],"RepoDigests":["registry.example.com/shop/storefront@sha256:${'4'.repeat(64)}"]},`
    + '"Results":[{"Target":"registry.example.com/shop/storefront:4.2.0 (debian 12.7)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[');
  let count = 0;
  while (written < targetBytes) {
    const severity = SEVERITIES[Math.floor(random() * SEVERITIES.length)]!;
    const pkg = `lib${Math.floor(random() * 400)}`;
    const fixed = random() < 0.7 ? `,"FixedVersion":"1.${count % 50}.1-1"` : '';
    const vulnerability = {
      VulnerabilityID: `CVE-20${20 + (count % 6)}-${10000 + count}`, PkgID: `${pkg}@1.${count % 50}.0-1`, PkgName: pkg,
      PkgIdentifier: { PURL: `pkg:deb/debian/${pkg}@1.${count % 50}.0-1?distro=debian-12.7`, UID: (count * 2654435761 % 2 ** 32).toString(16) },
      InstalledVersion: `1.${count % 50}.0-1`, Status: fixed ? 'fixed' : 'affected', SeveritySource: 'nvd',
      PrimaryURL: `https://avd.aquasec.com/nvd/cve-2024-${10000 + count}`,
      DataSource: { ID: 'debian', Name: 'Debian Security Tracker', URL: 'https://salsa.debian.org/security-tracker-team/security-tracker' },
      Title: `${pkg}: memory corruption in parser (${count})`,
      Description: `A flaw was found in ${pkg}. `.repeat(12 + Math.floor(random() * 20)),
      Severity: severity, CweIDs: ['CWE-787'],
      CVSS: { nvd: { V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', V3Score: Math.round(random() * 100) / 10 } },
      References: Array.from({ length: 4 + Math.floor(random() * 6) }, (_, i) => `https://security.example.org/advisories/${count}/${i}`),
      PublishedDate: '2024-03-01T12:00:00Z', LastModifiedDate: '2024-06-01T12:00:00Z',
    };
    const json = JSON.stringify(vulnerability);
    write(`${count === 0 ? '' : ','}${fixed ? json.replace('"Status"', `${fixed.slice(1)},"Status"`) : json}`);
    count += 1;
  }
  write(']}]}\n');
  closeSync(fd);
  return count;
}

interface Measured { ms: number; rssMiB: number; vulnerabilities: number }

/** Runs `code` (an ES module body) in a fresh node process; it prints `{ vulnerabilities }` as JSON. */
function measure(code: string): Measured {
  const wrapped = `const t0 = performance.now();\n${code}\nconst ms = performance.now() - t0;\n`
    + 'process.stdout.write(JSON.stringify({ ms, rssMiB: process.resourceUsage().maxRSS / 1024, vulnerabilities: result }));';
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', wrapped], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`benchmark child failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Measured;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

const importBenchmark: Benchmark = async (ctx) => {
  const sizes = ctx.quick ? [5, 10] : [10, 50];
  const dir = join(CORPUS_CACHE, 'import');
  mkdirSync(dir, { recursive: true });
  const distSrc = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
  const url = (path: string) => JSON.stringify(pathToFileURL(join(distSrc, path)).href);
  const devNull = JSON.stringify(process.platform === 'win32' ? 'NUL' : '/dev/null');
  const rows: Array<Record<string, string | number>> = [];
  for (const mib of sizes) {
    const file = join(dir, `trivy-${mib}mib-v1.json`);
    if (!existsSync(file)) writeTrivyReport(file, mib * 2 ** 20);
    const bytes = statSync(file).size;
    const target = JSON.stringify(file);
    const baseline = measure(`import { readFileSync } from 'node:fs';\nconst doc = JSON.parse(readFileSync(${target}, 'utf8'));\nconst result = doc.Results.reduce((n, r) => n + (r.Vulnerabilities?.length ?? 0), 0);`);
    const streamed = measure(`const { readImportFile } = await import(${url('interop/read.js')});\nconst read = await readImportFile(${target});\nconst result = read.vulnerabilityReports[0].vulnerabilities.length;`);
    const cli = measure(`const { main } = await import(${url('cli/main.js')});\nconst code = await main(['node', 'annexa', 'import', ${target}, '-o', 'json', '--output-file', ${devNull}, '--fail-on', 'never', '--at', '2026-11-20']);\nif (code !== 0) throw new Error('import exited ' + code);\nconst result = -1;`);
    if (streamed.vulnerabilities !== baseline.vulnerabilities) throw new Error(`streamed ${streamed.vulnerabilities} vulnerabilities, JSON.parse ${baseline.vulnerabilities}`);
    const row = (variant: string, m: Measured) => ({
      variant, MiB: round(bytes / 2 ** 20), vulnerabilities: baseline.vulnerabilities,
      ms: Math.round(m.ms), 'peak RSS MiB': Math.round(m.rssMiB),
      'time / JSON.parse': round(m.ms / baseline.ms, 2), 'RSS / JSON.parse': round(m.rssMiB / baseline.rssMiB, 2),
    });
    rows.push(row('JSON.parse(readFileSync) (baseline)', baseline), row('readImportFile (streamed)', streamed), row('annexa import -o json (whole command)', cli));
    console.log(`  ${mib} MiB: JSON.parse ${Math.round(baseline.rssMiB)} MiB RSS, streamed ${Math.round(streamed.rssMiB)} MiB, command ${Math.round(cli.rssMiB)} MiB`);
  }
  ctx.table('Trivy image reports: streaming import vs JSON.parse of the same file (one process each; ratios against the baseline of the same size)', rows);
};

export default importBenchmark;
