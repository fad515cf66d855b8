/**
 * Policy versions: `v1.N` or `latest`. Upstream evaluates `latest`, and any version newer than the
 * newest check implementation, as the newest policy version; an unparsable version counts as `latest`.
 */

/** The newest policy minor version any check implementation starts at (sysctls v1.37). */
export const NEWEST_POLICY_MINOR = 37;

export interface PolicyVersion {
  /** True for `latest`. */
  latest: boolean;
  /** Minor version of v1.N; for `latest`, the newest policy minor. */
  minor: number;
}

export const LATEST: PolicyVersion = Object.freeze({ latest: true, minor: NEWEST_POLICY_MINOR });

const VERSION_PATTERN = /^v1\.(0|[1-9][0-9]*)$/;

/** Parses `latest` or `v1.N`; undefined when the text is neither. */
export function parsePolicyVersion(text: string): PolicyVersion | undefined {
  if (text === 'latest') return LATEST;
  const match = VERSION_PATTERN.exec(text);
  if (!match) return undefined;
  const minor = Number(match[1]);
  return Number.isSafeInteger(minor) ? { latest: false, minor } : undefined;
}

/** Parses like upstream namespace labels do: anything invalid is evaluated as `latest`. */
export function policyVersionOrLatest(text: string | undefined): PolicyVersion {
  return (text === undefined ? undefined : parsePolicyVersion(text)) ?? LATEST;
}

/** `latest` or `v1.N`, as the version was asked for. */
export function formatPolicyVersion(version: PolicyVersion): string {
  return version.latest ? 'latest' : `v1.${version.minor}`;
}

/** The minor version whose checks actually run: versions beyond the newest policy run the newest. */
export function effectiveMinor(version: PolicyVersion): number {
  return Math.min(version.minor, NEWEST_POLICY_MINOR);
}

/** `v1.N` of the checks that actually run. */
export function formatEffectiveVersion(version: PolicyVersion): string {
  return `v1.${effectiveMinor(version)}`;
}
