/** `kubectl kustomize DIR` output as an input unit. */
import { spawnSync } from 'node:child_process';
import type { InputError } from '../resources/types.js';
import type { InputUnit } from './files.js';

export function kustomizeBuild(dir: string, maxBytes: number, kubectl = process.env.ANNEXA_KUBECTL ?? 'kubectl'): InputUnit | InputError {
  const run = spawnSync(kubectl, ['kustomize', dir], { encoding: 'utf8', maxBuffer: maxBytes, timeout: 120_000 });
  const error = run.error as NodeJS.ErrnoException | undefined;
  if (error?.code === 'ENOENT') return { file: dir, message: `--kustomize needs "${kubectl}" on the PATH; it was not found` };
  if (error?.code === 'ENOBUFS') return { file: dir, message: `kustomize output is over the ${maxBytes}-byte limit; refused` };
  if (error) return { file: dir, message: `kubectl kustomize failed: ${error.message}` };
  if (run.status !== 0) return { file: dir, message: `kubectl kustomize failed: ${(run.stderr || '').trim().split('\n')[0] || `exit ${run.status}`}` };
  return { source: 'kustomize', file: `kustomize:${dir}`, text: run.stdout };
}
