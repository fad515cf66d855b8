/**
 * Scope that hides risk: exclusions are justified one by one, yet together they can put most of an
 * estate out of scope, or exclude the node-level workloads that control every in-scope pod on the
 * same nodes. Both are said on stderr (a warning, not an error: the exit code is unchanged).
 */
import type { ScanSink, ScannedResource } from '../engine/scan.js';
import type { Finding, ResourceRef } from '../resources/types.js';
import { formatRef } from '../resources/types.js';
import type { Problem } from './io.js';

/** Above this share of resources out of scope, a scan warns. */
export const EXCLUDED_SHARE_WARNING = 0.5;

/** Findings that make a workload able to control its node, and with it every pod on the node. */
const NODE_CONTROL_CHECKS = new Set([
  'workload.privileged-container', 'workload.host-network', 'workload.host-pid', 'workload.sensitive-host-path', 'workload.container-runtime-socket',
]);

/** Kinds that run a pod on every (or many) nodes, next to whatever else runs there. */
const NODE_WIDE_KINDS = new Set(['DaemonSet']);

export class ScopeWatch {
  private total = 0;
  private excluded = 0;
  private inScopeWorkloads = 0;
  private readonly controllers = new Map<string, { ref: ResourceRef; reasons: Set<string> }>();

  /** A sink that counts what it passes on to `next`. */
  wrap(next: ScanSink): ScanSink {
    const sink: ScanSink = { resource: (scanned) => {
      this.resource(scanned);
      next.resource(scanned);
    } };
    if (next.inventoryFindings) sink.inventoryFindings = (findings) => next.inventoryFindings!(findings);
    return sink;
  }

  private resource(scanned: ScannedResource): void {
    this.total += 1;
    if (scanned.outOfScope === undefined) {
      if (scanned.evaluated.length > 0) this.inScopeWorkloads += Number(isWorkload(scanned));
      return;
    }
    this.excluded += 1;
    if (!NODE_WIDE_KINDS.has(scanned.ref.kind)) return;
    for (const finding of scanned.findings) this.noteController(scanned.ref, finding);
  }

  private noteController(ref: ResourceRef, finding: Finding): void {
    if (!NODE_CONTROL_CHECKS.has(finding.checkId)) return;
    const key = formatRef(ref);
    const entry = this.controllers.get(key) ?? { ref, reasons: new Set<string>() };
    entry.reasons.add(finding.checkId.replace(/^workload\./, ''));
    this.controllers.set(key, entry);
  }

  warnings(configFile: string): Problem[] {
    const warnings: Problem[] = [];
    if (this.total > 0 && this.excluded / this.total > EXCLUDED_SHARE_WARNING) {
      const percent = Math.round((100 * this.excluded) / this.total);
      warnings.push({ file: configFile, message: `exclusions put ${this.excluded} of ${this.total} resources (${percent}%) out of scope: their findings are not counted against any control` });
    }
    if (this.inScopeWorkloads === 0) return warnings;
    for (const { ref, reasons } of this.controllers.values()) {
      warnings.push({
        file: configFile,
        message: `${formatRef(ref)} is out of scope but can control the in-scope workloads on its nodes (${[...reasons].sort().join(', ')})`,
      });
    }
    return warnings;
  }
}

function isWorkload(scanned: ScannedResource): boolean {
  return ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'].includes(scanned.ref.kind);
}
