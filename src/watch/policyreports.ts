/**
 * `annexa watch --policyreports`: the current findings as PolicyReports (report/policyreport.ts),
 * one per namespace (`annexa-<namespace>`) and a ClusterPolicyReport (`annexa-cluster`) for
 * cluster-scoped resources, written to the cluster and updated in place (replace with the
 * resourceVersion read; a conflict is retried at the next write). A report whose content did not
 * change is not written again; a namespace without results any more has its report deleted.
 *
 * Clean-up: a PolicyReport is a namespaced object, so the namespace controller deletes it with its
 * namespace; no ownerReference is set (one to the cluster-scoped Namespace would add nothing). The
 * ClusterPolicyReport has no owner: `kubectl delete clusterpolicyreport annexa-cluster` removes it
 * (docs/commands/watch.md).
 */
import type { Check } from '../engine/check.js';
import { buildPolicyReports, policyCheckInfo, reportName, type PolicyReport, type PolicyReportApi } from '../report/policyreport.js';
import type { JsonObject } from '../resources/types.js';
import type { Logger } from '../server/logger.js';
import { statusMessage, type ClusterConnection } from '../sources/cluster/connection.js';
import type { LiveEvaluation } from './live-evaluation.js';

export interface PolicyReportWriterOptions {
  api: PolicyReportApi;
  checks: readonly Check[];
  /** With -n: only this namespace's report (and the cluster report). */
  namespace?: string;
  logger?: Logger;
}

const PATHS = {
  wgpolicyk8s: { group: 'wgpolicyk8s.io/v1alpha2', namespaced: 'policyreports', cluster: 'clusterpolicyreports' },
  openreports: { group: 'openreports.io/v1alpha1', namespaced: 'reports', cluster: 'clusterreports' },
} as const;

export class PolicyReportWriter {
  /** Report key (`namespace/name`) → canonical text of what was written last. */
  private readonly written = new Map<string, string>();
  /** Writes made (tests, logs). */
  writes = 0;

  constructor(private readonly connection: ClusterConnection, private readonly options: PolicyReportWriterOptions) {}

  private collection(namespace: string | undefined): string {
    const paths = PATHS[this.options.api];
    return namespace === undefined ? `/apis/${paths.group}/${paths.cluster}` : `/apis/${paths.group}/namespaces/${encodeURIComponent(namespace)}/${paths.namespaced}`;
  }

  /** Brings the reports in the cluster in line with the current findings. */
  async write(live: LiveEvaluation): Promise<void> {
    const reports = buildPolicyReports(live.findings(), { api: this.options.api, checks: policyCheckInfo(this.options.checks), errors: live.errors() })
      .filter((report) => this.options.namespace === undefined || report.metadata.namespace === undefined || report.metadata.namespace === this.options.namespace);
    const current = new Set<string>();
    for (const report of reports) {
      const key = `${report.metadata.namespace ?? ''}/${report.metadata.name}`;
      current.add(key);
      const text = JSON.stringify(report);
      if (this.written.get(key) === text) continue;
      if (await this.put(report)) this.written.set(key, text);
    }
    for (const key of [...this.written.keys()]) {
      if (current.has(key)) continue;
      const [namespace, name] = key.split('/') as [string, string];
      const response = await this.connection.write('DELETE', `${this.collection(namespace === '' ? undefined : namespace)}/${encodeURIComponent(name)}`);
      this.writes += 1;
      if (response.status === 200 || response.status === 202 || response.status === 404) this.written.delete(key);
      else this.options.logger?.warn('cannot delete a PolicyReport', { report: key, status: response.status, reason: statusMessage(response) });
    }
  }

  /** Create, or replace at the version read. Returns whether the report is now as given. */
  private async put(report: PolicyReport): Promise<boolean> {
    const namespace = report.metadata.namespace;
    const path = `${this.collection(namespace)}/${encodeURIComponent(report.metadata.name)}`;
    const existing = await this.connection.get(path);
    this.writes += 1;
    let response;
    if (existing.status === 404) {
      response = await this.connection.write('POST', this.collection(namespace), report as unknown as JsonObject);
    } else if (existing.status === 200 && existing.body) {
      const metadata = existing.body.metadata as JsonObject | undefined;
      const body = { ...report, metadata: { ...report.metadata, resourceVersion: metadata?.resourceVersion ?? '' } } as unknown as JsonObject;
      response = await this.connection.write('PUT', path, body);
    } else {
      response = existing;
    }
    if (response.status === 200 || response.status === 201) return true;
    this.options.logger?.warn('cannot write a PolicyReport', { report: `${namespace ?? ''}/${reportName(namespace)}`, status: response.status, reason: statusMessage(response) });
    return false;
  }
}
