/**
 * Digests for the Statement of Applicability header: of annexa.yaml, and of the scanned input
 * (sha256 over each unit's name and the sha256 of its bytes, in the order given), so a reader can
 * tell which configuration and which manifests a statement was assessed from.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { InputUnit } from '../sources/files.js';

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function configDigest(file: string | undefined, fallback: unknown): string {
  if (file !== undefined) {
    try {
      return `sha256:${sha256(readFileSync(file))}`;
    } catch {
      // loadConfig has read it already; unreadable now means it changed under us: fall through.
    }
  }
  return `sha256:${sha256(JSON.stringify(fallback))}`;
}

/** Units that cannot be read are digested as unreadable (the scan reports them as input errors). */
export function inputDigest(units: readonly InputUnit[]): string {
  const hash = createHash('sha256');
  for (const unit of units) {
    let content: string;
    try {
      content = sha256(unit.text ?? readFileSync(unit.file));
    } catch {
      content = 'unreadable';
    }
    hash.update(`${unit.file}\0${content}\n`);
  }
  return `sha256:${hash.digest('hex')}`;
}
