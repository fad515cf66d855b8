/** Dotted field paths as findings use them: `spec.containers[0].securityContext.privileged`. */

export type PathSegment = string | number;

/** Findings repeat a few hundred distinct paths: parsed once each (bounded). */
const parsedPaths = new Map<string, readonly PathSegment[]>();
const MAX_CACHED_PATHS = 4096;

/** The segments of a path; the array is shared, do not modify it. */
export function parsePath(path: string): readonly PathSegment[] {
  let segments = parsedPaths.get(path);
  if (!segments) {
    segments = Object.freeze(splitPath(path));
    if (parsedPaths.size < MAX_CACHED_PATHS) parsedPaths.set(path, segments);
  }
  return segments;
}

function splitPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(path)) !== null) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[3] !== undefined) segments.push(match[3].replace(/\\(.)/g, '$1'));
  }
  return segments;
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** Append a key or index to a path, quoting keys that contain dots or slashes (annotations, labels). */
export function joinPath(base: string, segment: PathSegment): string {
  if (typeof segment === 'number') return `${base}[${segment}]`;
  if (PLAIN_KEY.test(segment)) return base ? `${base}.${segment}` : segment;
  return `${base}["${segment.replace(/(["\\])/g, '\\$1')}"]`;
}

export function getAt(value: unknown, segments: readonly PathSegment[]): unknown {
  let current: unknown = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
