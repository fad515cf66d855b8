/**
 * Writes the watcher's RBAC into deploy/ from src/watch/rbac.ts (the kinds Annexa reads): the
 * Kustomize base's ClusterRole, the policyreports component's ClusterRole, and the rule files the
 * Helm chart includes (`.Files.Get`). `npx tsx scripts/gen-deploy-rbac.ts`; test/deploy.test.ts
 * fails when deploy/ and the rules drift apart.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deployRbacFiles } from '../src/watch/rbac.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const [file, text] of deployRbacFiles()) writeFileSync(join(root, file), text);
