/**
 * The one input path of every command that reads manifests (scan, pss, rbac, netpol): paths,
 * directories, `-` and `--kustomize` become input units; units are read (bounded), parsed and
 * validated into resources; problems become input errors, skipped special files notes. A fix
 * here (pipes, templates, empty input) holds for every command, and later sources land once.
 */
import type { InputError, Resource } from '../resources/types.js';
import { redactInputErrors } from '../resources/redact.js';
import { expandPaths, readBounded, readStdin, type InputUnit, type ReadResult } from './files.js';
import { kustomizeBuild } from './kustomize.js';
import { parseManifestText, DEFAULT_PARSE_LIMITS, type ParseLimits } from './yaml-documents.js';

export interface InputRequest {
  paths: readonly string[];
  /** Directories built with `kubectl kustomize`. */
  kustomize?: readonly string[];
  /** The name under which standard input is reported. */
  stdinFilename?: string;
  maxFileBytes: number;
  /** Accept input that yields no Kubernetes resource (generated pipelines). */
  allowEmpty?: boolean;
}

export interface PreparedInputs {
  units: InputUnit[];
  errors: InputError[];
  notes: InputError[];
}

/** Expands paths and kustomize directories into units; a directory without manifests is an error unless empty input is allowed. */
export function prepareInputs(request: InputRequest): PreparedInputs {
  const expanded = expandPaths(request.paths);
  const stdinName = request.stdinFilename;
  const units = expanded.units.map((unit) => (unit.source === 'stdin' && stdinName !== undefined ? { ...unit, file: stdinName } : unit));
  const errors = [...expanded.errors];
  if (!request.allowEmpty) {
    for (const dir of expanded.emptyDirectories) errors.push({ file: dir, message: 'no manifests (.yaml, .yml, .json) in this directory (--allow-empty accepts it)' });
  }
  for (const dir of request.kustomize ?? []) {
    const built = kustomizeBuild(dir, request.maxFileBytes);
    if ('source' in built) units.push(built);
    else errors.push(built);
  }
  return { units, errors, notes: expanded.notes };
}

/** The text of one unit: in memory (kustomize), standard input, or a file (pipes and devices read to their end). */
export async function readInputUnit(unit: InputUnit, maxFileBytes: number, stdin?: NodeJS.ReadableStream): Promise<ReadResult> {
  if (unit.text !== undefined) return { text: unit.text };
  if (unit.source === 'stdin') {
    const read = await readStdin(maxFileBytes, stdin);
    // Named as the user named standard input (`--stdin-filename`), like its findings.
    if ('error' in read) read.error.file = unit.file;
    return read;
  }
  return readBounded(unit.file, maxFileBytes);
}

/** The error for input that yielded no Kubernetes resource at all. */
export function noResourcesError(request: Pick<InputRequest, 'paths' | 'kustomize'>): InputError {
  const given = [...request.paths, ...(request.kustomize ?? []).map((dir) => `kustomize:${dir}`)];
  return {
    file: given.length === 1 ? given[0]! : given.join(', '),
    message: 'no Kubernetes resources (apiVersion and kind) in the input; nothing was checked (--allow-empty accepts it)',
  };
}

export interface LoadOptions {
  stdin?: NodeJS.ReadableStream;
  limits?: ParseLimits;
}

export interface LoadedInputs {
  errors: InputError[];
  notes: InputError[];
  resources: number;
}

/**
 * Reads, parses and validates every unit, giving each resource to `onResource` (whole, with its
 * provenance) as its file is done. Used by the commands that need the resources themselves; `scan`
 * runs the same steps in its pipeline (engine/scan.ts), parallel when the input is large.
 */
export async function loadResources(
  request: InputRequest,
  options: LoadOptions,
  onResource: (resource: Resource) => void,
): Promise<LoadedInputs> {
  const prepared = prepareInputs(request);
  const errors = [...prepared.errors];
  let resources = 0;
  for (const unit of prepared.units) {
    const read = await readInputUnit(unit, request.maxFileBytes, options.stdin);
    if ('error' in read) {
      errors.push(read.error);
      continue;
    }
    const parsed = parseManifestText(read.text, { source: unit.source, file: unit.file }, options.limits ?? DEFAULT_PARSE_LIMITS);
    try {
      errors.push(...redactInputErrors(parsed.errors));
      for (const resource of parsed.resources) {
        resources += 1;
        onResource(resource);
      }
    } finally {
      parsed.release();
    }
  }
  if (resources === 0 && !request.allowEmpty && errors.length === 0) errors.push(noResourcesError(request));
  return { errors, notes: prepared.notes, resources };
}
