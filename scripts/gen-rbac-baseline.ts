/**
 * Regenerates src/inventory/rbac/builtin/baseline-data.ts from the upstream bootstrap policy copied into
 * src/inventory/rbac/builtin/upstream/ (see its README for source, commits and licence):
 * `npx tsx scripts/gen-rbac-baseline.ts`. A test fails when the module and the YAML drift apart.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderBaselineModule } from '../src/inventory/rbac/builtin/render.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = `${root}src/inventory/rbac/builtin/`;
const read = (name: string): string => readFileSync(`${dir}upstream/${name}`, 'utf8');
writeFileSync(`${dir}baseline-data.ts`, renderBaselineModule(read));
