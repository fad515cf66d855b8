/** Pieces every report parser shares: severities, Trivy check ids, the error for what cannot be read. */
import type { Severity } from '../../resources/types.js';
import type { ImageIdentity, ImportedVulnerability } from '../types.js';
import { digestOf, normaliseImage } from '../image-ref.js';

/** A report Annexa cannot read: wrong format, unsupported schema version. The message says what was expected. */
export class ImportInputError extends Error {
  override name = 'ImportInputError';
  constructor(message: string, readonly line?: number) {
    super(message);
  }
}

type KnownSeverity = Exclude<Severity, 'info'>;

/** Tool severities (`CRITICAL`, `High`, `Negligible`, Kubescape scores) in Annexa's scale; undefined when unknown. */
export function severityOf(value: unknown): KnownSeverity | undefined {
  if (typeof value === 'number') {
    if (value >= 9) return 'critical';
    if (value >= 7) return 'high';
    if (value >= 4) return 'medium';
    return value > 0 ? 'low' : undefined;
  }
  if (typeof value !== 'string') return undefined;
  switch (value.trim().toLowerCase()) {
    case 'critical': return 'critical';
    case 'high': case 'danger': return 'high';
    case 'medium': case 'moderate': case 'warning': return 'medium';
    case 'low': case 'negligible': case 'info': return 'low';
    default: return undefined;
  }
}

export function vulnerabilitySeverity(value: unknown): ImportedVulnerability['severity'] {
  return severityOf(value) ?? 'unknown';
}

/** `KSV001`, `KSV-0001`, `AVD-KSV-0001` → `KSV-0001` (Trivy changed the form over versions). */
export function trivyCheckId(value: string): string {
  const match = /^(?:AVD-)?(K[SC]V)-?0*(\d+)$/i.exec(value.trim());
  return match ? `${match[1]!.toUpperCase()}-${match[2]!.padStart(4, '0')}` : value.trim();
}

/** Builds an image identity, dropping values that are neither a reference nor a digest (tarball paths). */
export function imageIdentity(display: string | undefined, references: readonly (string | undefined)[], digests: readonly (string | undefined)[]): ImageIdentity {
  const refs = [...new Set(references.filter((r): r is string => typeof r === 'string' && r !== ''))];
  const ds = new Set<string>();
  for (const value of [...digests, ...refs]) {
    const digest = typeof value === 'string' ? digestOf(value) : undefined;
    if (digest) ds.add(digest);
  }
  // A tarball path (`testdata/alpine.tar.gz`) is what was scanned, not a name anyone runs: prefer a reference.
  const shown = display !== undefined && normaliseImage(display) ? display : refs.find((r) => normaliseImage(r)) ?? display ?? [...ds][0] ?? 'unknown image';
  return { display: shown, references: refs, digests: [...ds] };
}
