/**
 * What the scan saw, as imported results are tied to it: every scanned resource's reference and
 * location, and the images each workload runs (indexed by digest and by normalised reference).
 */
import type { ContainerImage, ScanSink, ScannedResource } from '../engine/scan.js';
import type { Location, ResourceRef } from '../resources/types.js';
import type { ImageIdentity } from './types.js';
import { digestOf, normaliseImage, referenceKeys } from './image-ref.js';

export interface ScannedWorkload {
  ref: ResourceRef;
  location?: Location;
  outOfScope?: string;
  images: ContainerImage[];
}

/** One container of one workload running one image. */
export interface RunningImage {
  workload: ScannedWorkload;
  container: ContainerImage;
  /** The normalised reference of the image, the key coverage is reported under. */
  key: string;
}

function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === b || a === undefined || b === undefined || a === '' || b === '';
}

export class Estate {
  readonly workloads: ScannedWorkload[] = [];
  /** Whether a scan fed this estate (import alone knows no workloads). */
  scanned = false;
  private readonly resources = new Map<string, Array<{ ref: ResourceRef; location?: Location; outOfScope?: string }>>();
  private index: { byDigest: Map<string, RunningImage[]>; byReference: Map<string, RunningImage[]> } | undefined;

  /** A sink that records what passes through it before handing it on. */
  wrap<T extends ScanSink>(sink: T): T {
    this.scanned = true;
    const resource = (scanned: ScannedResource) => {
      this.add(scanned);
      sink.resource(scanned);
    };
    return new Proxy(sink, { get: (target, key, receiver) => (key === 'resource' ? resource : Reflect.get(target, key, receiver)) });
  }

  add(scanned: ScannedResource): void {
    const key = `${scanned.ref.kind}\u0000${scanned.ref.name}`;
    const entry = { ref: scanned.ref, ...(scanned.location ? { location: scanned.location } : {}), ...(scanned.outOfScope !== undefined ? { outOfScope: scanned.outOfScope } : {}) };
    const list = this.resources.get(key);
    if (list) list.push(entry);
    else this.resources.set(key, [entry]);
    if (scanned.images && scanned.images.length > 0) {
      this.workloads.push({ ...entry, images: scanned.images });
      this.index = undefined;
    }
  }

  /** The scanned resource a tool's result names (namespace-less references match any namespace). */
  find(ref: ResourceRef): { ref: ResourceRef; location?: Location; outOfScope?: string } | undefined {
    return this.resources.get(`${ref.kind}\u0000${ref.name}`)?.find((r) => sameNamespace(r.ref.namespace, ref.namespace));
  }

  /** The workload a cluster-side report names; a ReplicaSet `web-5d59d67564` stands for its Deployment `web`. */
  findWorkload(ref: ResourceRef): ScannedWorkload | undefined {
    const exact = this.workloads.find((w) => w.ref.kind === ref.kind && w.ref.name === ref.name && sameNamespace(w.ref.namespace, ref.namespace));
    if (exact) return exact;
    if (ref.kind === 'ReplicaSet' || ref.kind === 'Pod') {
      const owner = ref.name.replace(/-[a-z0-9]{5,10}(-[a-z0-9]{5})?$/, '');
      return this.workloads.find((w) => ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(w.ref.kind) && w.ref.name === owner && sameNamespace(w.ref.namespace, ref.namespace));
    }
    return undefined;
  }

  private build(): NonNullable<Estate['index']> {
    const byDigest = new Map<string, RunningImage[]>();
    const byReference = new Map<string, RunningImage[]>();
    const push = (map: Map<string, RunningImage[]>, key: string, value: RunningImage) => {
      const list = map.get(key);
      if (list) list.push(value);
      else map.set(key, [value]);
    };
    for (const workload of this.workloads) {
      for (const container of workload.images) {
        const running: RunningImage = { workload, container, key: imageKey(container.image) };
        const digest = digestOf(container.image);
        if (digest) push(byDigest, digest, running);
        for (const key of referenceKeys(container.image)) push(byReference, key, running);
      }
    }
    return { byDigest, byReference };
  }

  /** The containers running an image: by digest first, then by normalised reference. */
  running(image: ImageIdentity): RunningImage[] {
    this.index ??= this.build();
    const found = new Set<RunningImage>();
    for (const digest of image.digests) for (const r of this.index.byDigest.get(digest) ?? []) found.add(r);
    if (found.size > 0) return [...found];
    for (const reference of image.references) {
      for (const key of referenceKeys(reference)) for (const r of this.index.byReference.get(key) ?? []) found.add(r);
    }
    return [...found];
  }

  /** Every container of the in-scope workloads. */
  inScopeContainers(): RunningImage[] {
    return this.workloads.filter((w) => w.outOfScope === undefined).flatMap((workload) => workload.images.map((container) => ({ workload, container, key: imageKey(container.image) })));
  }
}

/** The normalised reference of an image (`nginx` → `docker.io/library/nginx:latest`), or the text as given. */
export function imageKey(image: string): string {
  return normaliseImage(image)?.canonical ?? image;
}
