/**
 * The estate as watch mode keeps it current: one entry per live object with its per-resource
 * findings and, for the kinds the inventory retains, its compact inventory record (never the full
 * API object); the cross-resource checks' findings; tallies from which the evaluation record and
 * the control posture are computed at any moment.
 *
 * Incremental re-evaluation:
 * - a changed object: its own per-resource checks (`evaluateResource`), at once;
 * - the owner roll-up of `annexa cluster` (sources/cluster/owners.ts): an object owned by a
 *   workload that is present reports only the findings its top-level owner does not have, and is
 *   not given to the cross-resource checks; when an owner changes, its descendants' findings are
 *   filtered again (from their stored findings, without the API objects);
 * - cross-resource checks: at `flush`, only those that read a kind whose inventory records changed
 *   since their last run (read-tracking.ts). They run over the whole inventory, rebuilt from the
 *   compact records: a check is not split by namespace or subject (docs/commands/watch.md says so,
 *   and bench/watch.bench.ts measures what it costs).
 */
import type { Check, CheckContext } from '../engine/check.js';
import { CheckSet, evaluateResource, exclusionOf, inventoryCheckResults, type CheckFailure } from '../engine/evaluate.js';
import { EvaluationRecorder, type EvaluationRecord } from '../engine/evaluation.js';
import { ExceptionIndex } from '../engine/exceptions.js';
import { Inventory } from '../inventory/inventory.js';
import { compactForInventory, InventoryCopier } from '../inventory/compact.js';
import type { AnnexaConfig } from '../isms/config.js';
import { computePosture, type ControlStatus, type ControlStatusValue } from '../posture/posture.js';
import { refOf, SEVERITIES, type Finding, type JsonObject, type Resource, type ResourceRef, type Severity } from '../resources/types.js';
import { controllerUid, findingKey, ownsPods } from '../sources/cluster/owners.js';
import { CLUSTER_INFO_API, CLUSTER_INFO_KIND } from '../sources/cluster/source.js';
import { affectedBy, EVERY_KIND, ReadTracker } from './read-tracking.js';

export type ChangeType = 'added' | 'updated' | 'deleted';

export interface WatchChange {
  type: ChangeType;
  resource: ResourceRef;
  resourceVersion?: string;
}

export interface ControlTransition {
  control: string;
  title: string;
  from: ControlStatusValue;
  to: ControlStatusValue;
  /** Mapped checks failing now. */
  checksFailed: string[];
  /** Findings of the control's checks that appeared in this batch (the change that caused a failure), at most 20. */
  causes: Finding[];
}

export interface FlushResult {
  /** Object changes evaluated since the previous flush (at most 100 listed; `changeCount` has them all). */
  changes: WatchChange[];
  changeCount: number;
  /** Cross-resource checks run again in this flush. */
  inventoryChecksRun: string[];
  transitions: ControlTransition[];
  posture: ControlStatus[];
}

interface Entry {
  ref: ResourceRef;
  uid?: string;
  controller?: string;
  /** The compact inventory record (kinds the inventory retains only). */
  record?: Resource;
  fingerprint?: string;
  /** Per-resource findings, exceptions applied. */
  raw: Finding[];
  /** What is counted and reported: `raw` after the owner roll-up. */
  effective: Finding[];
  evaluated: string[];
  errors: CheckFailure[];
  outOfScope?: string;
  /** Pod IP addresses (for the ClusterInfo record's podAddresses). */
  addresses?: string[];
}

interface InventoryResult {
  findings: Finding[];
  error?: CheckFailure;
  /** In-scope resources of the check's input kinds at its last run. */
  inScope: number;
}

/** Per check: resources evaluated, findings per severity, errors (in scope, not excepted). */
class Tally {
  readonly applied = new Map<string, number>();
  readonly findings = new Map<string, Partial<Record<Severity, number>>>();
  readonly errors = new Map<string, number>();

  change(entry: Entry, sign: 1 | -1): void {
    if (entry.outOfScope === undefined) {
      for (const id of entry.evaluated) bump(this.applied, id, sign);
      for (const error of entry.errors) bump(this.errors, error.checkId, sign);
    }
    this.count(entry.effective, sign);
  }

  count(findings: readonly Finding[], sign: 1 | -1): void {
    for (const finding of findings) {
      if (finding.outOfScope || finding.excepted) continue;
      for (const id of finding.rules ?? [finding.checkId]) {
        let bySeverity = this.findings.get(id);
        if (!bySeverity) this.findings.set(id, (bySeverity = {}));
        bySeverity[finding.severity] = (bySeverity[finding.severity] ?? 0) + sign;
      }
    }
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const value = (map.get(key) ?? 0) + by;
  if (value === 0) map.delete(key);
  else map.set(key, value);
}

function keyOf(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

function findingIdentity(finding: Finding): string {
  const r = finding.resource;
  return `${finding.checkId}\u0000${r.kind}/${r.namespace ?? ''}/${r.name}\u0000${finding.path}\u0000${finding.message}`;
}

/** After this many copies the string table is rebuilt from the live records, so names of deleted objects do not stay interned. */
const COPIER_RENEWAL = 50_000;

export interface LiveEvaluationOptions {
  config: AnnexaConfig;
  /** The whole registry (disabled checks are listed against their controls). */
  registry: readonly Check[];
  /** The kubeconfig context (the ClusterInfo record's name). */
  context: string;
  now?: () => Date;
}

export class LiveEvaluation {
  private readonly ctx: CheckContext;
  private readonly checks: CheckSet;
  private readonly entries = new Map<string, Entry>();
  private readonly byUid = new Map<string, string>();
  private readonly children = new Map<string, Set<string>>();
  private readonly tally = new Tally();
  private readonly inventoryResults = new Map<string, InventoryResult>();
  private readonly reads = new Map<string, Set<string>>();
  private dirtyKinds = new Set<string>();
  private exceptions: ExceptionIndex;
  private copier = new InventoryCopier();
  private copies = 0;
  private pending: WatchChange[] = [];
  private pendingCount = 0;
  private addedThisBatch: Finding[] = [];
  private previous = new Map<string, ControlStatusValue>();
  private clusterInfoDirty = true;
  private readonly kindStates = new Map<string, string>();
  private serverVersion: JsonObject | undefined;
  private lastPosture: ControlStatus[] = [];

  constructor(private readonly options: LiveEvaluationOptions) {
    this.ctx = { config: options.config };
    this.checks = new CheckSet(options.registry, options.config.checks.disabled);
    this.exceptions = new ExceptionIndex(options.config.exceptions, this.now());
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** Objects held. */
  get size(): number {
    return this.entries.size;
  }

  /** Objects held per kind. */
  countsByKind(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const entry of this.entries.values()) bump(counts, entry.ref.kind, 1);
    return counts;
  }

  /** The server's /version, for the ClusterInfo record. */
  setServerVersion(version: JsonObject | undefined): void {
    this.serverVersion = version;
    this.clusterInfoDirty = true;
  }

  /** How the list/watch of a kind stands (`read`, `forbidden`, …), for the ClusterInfo record. */
  setKindState(kind: string, state: string): void {
    if (this.kindStates.get(kind) === state) return;
    this.kindStates.set(kind, state);
    this.clusterInfoDirty = true;
  }

  /** An object was added or changed: its per-resource checks run now; cross-resource checks at the next flush. */
  upsert(resource: Resource, type: ChangeType = 'updated'): void {
    const key = keyOf(resource.kind, resource.namespace, resource.name);
    const old = this.entries.get(key);
    const entry = this.evaluate(resource);
    if (old) this.detach(key, old);
    this.attach(key, entry);
    this.settle(entry, old);
    this.note({ type: old ? type : 'added', resource: entry.ref, ...(resource.provenance.resourceVersion ? { resourceVersion: resource.provenance.resourceVersion } : {}) });
  }

  /** An object was deleted. */
  remove(kind: string, namespace: string | undefined, name: string, resourceVersion?: string): void {
    const key = keyOf(kind, namespace, name);
    const old = this.entries.get(key);
    if (!old) return;
    this.detach(key, old);
    this.tally.change(old, -1);
    this.entries.delete(key);
    if (old.record && !this.isOwned(old)) this.dirtyKinds.add(kind);
    if (old.addresses) this.clusterInfoDirty = true;
    if (old.uid !== undefined) this.refreshDescendants(old.uid, true);
    this.note({ type: 'deleted', resource: old.ref, ...(resourceVersion ? { resourceVersion } : {}) });
  }

  private note(change: WatchChange): void {
    this.pendingCount += 1;
    if (this.pending.length < 100) this.pending.push(change);
  }

  private evaluate(resource: Resource): Entry {
    const evaluation = evaluateResource(resource, this.checks, this.ctx);
    for (const finding of evaluation.findings) if (!finding.outOfScope) this.exceptions.apply(finding);
    const metadata = resource.object.metadata;
    const uid = metadata && typeof metadata === 'object' && !Array.isArray(metadata) && typeof metadata.uid === 'string' ? metadata.uid : undefined;
    const entry: Entry = { ref: refOf(resource), raw: evaluation.findings, effective: evaluation.findings, evaluated: evaluation.evaluated, errors: evaluation.errors };
    if (uid !== undefined) entry.uid = uid;
    const controller = controllerUid(resource.object);
    if (controller !== undefined) entry.controller = controller;
    const outOfScope = exclusionOf(resource, this.ctx);
    if (outOfScope !== undefined) entry.outOfScope = outOfScope;
    if (this.checks.inventory.length > 0 && Inventory.retains(resource)) {
      entry.record = this.copy(watchRecord(resource));
      entry.fingerprint = JSON.stringify(entry.record.object);
    }
    if (resource.kind === 'Pod') {
      const addresses = podAddresses(resource.object);
      if (addresses.length > 0) entry.addresses = addresses;
    }
    return entry;
  }

  private copy(resource: Resource): Resource {
    this.copies += 1;
    if (this.copies >= COPIER_RENEWAL) this.renewCopier();
    return this.copier.copy(resource);
  }

  /** A new string table holding only the strings of live records. */
  private renewCopier(): void {
    this.copier = new InventoryCopier();
    this.copies = 0;
    for (const entry of this.entries.values()) if (entry.record) entry.record = this.copier.copy(entry.record);
  }

  private detach(key: string, entry: Entry): void {
    if (entry.uid !== undefined && this.byUid.get(entry.uid) === key) this.byUid.delete(entry.uid);
    if (entry.controller !== undefined) {
      const siblings = this.children.get(entry.controller);
      siblings?.delete(key);
      if (siblings?.size === 0) this.children.delete(entry.controller);
    }
  }

  private attach(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    if (entry.uid !== undefined) this.byUid.set(entry.uid, key);
    if (entry.controller !== undefined) {
      let siblings = this.children.get(entry.controller);
      if (!siblings) this.children.set(entry.controller, (siblings = new Set()));
      siblings.add(key);
    }
  }

  /** Counts the new entry in place of the old, notes what the cross-resource checks must see again. */
  private settle(entry: Entry, old: Entry | undefined): void {
    if (old) this.tally.change(old, -1);
    entry.effective = this.rolledUp(entry);
    this.tally.change(entry, 1);
    this.noteAdded(old?.effective ?? [], entry.effective);
    const retainedNow = entry.record !== undefined && !this.isOwned(entry);
    const retainedBefore = old?.record !== undefined && !this.isOwned(old);
    if (retainedNow !== retainedBefore || (retainedNow && old?.fingerprint !== entry.fingerprint)) this.dirtyKinds.add(entry.ref.kind);
    if (old?.addresses?.join() !== entry.addresses?.join()) this.clusterInfoDirty = true;
    const ownerChanged = old === undefined || old.uid !== entry.uid || !sameFindings(old.raw, entry.raw);
    if (entry.uid !== undefined && ownsPods(entry.ref.kind) && ownerChanged) this.refreshDescendants(entry.uid, old === undefined);
  }

  private noteAdded(before: readonly Finding[], after: readonly Finding[]): void {
    if (after.length === 0) return;
    const known = new Set(before.map(findingIdentity));
    for (const finding of after) if (!known.has(findingIdentity(finding))) this.addedThisBatch.push(finding);
  }

  /** The owner entry of an object whose controller is held and stands for what it owns. */
  private ownerOf(entry: Entry): Entry | undefined {
    if (entry.controller === undefined) return undefined;
    const key = this.byUid.get(entry.controller);
    const owner = key !== undefined ? this.entries.get(key) : undefined;
    return owner && ownsPods(owner.ref.kind) ? owner : undefined;
  }

  private isOwned(entry: Entry): boolean {
    return this.ownerOf(entry) !== undefined;
  }

  private topOwner(entry: Entry): Entry | undefined {
    let top: Entry | undefined;
    let current = this.ownerOf(entry);
    for (let depth = 0; current && depth < 8; depth++) {
      top = current;
      current = this.ownerOf(current);
    }
    return top;
  }

  private rolledUp(entry: Entry): Finding[] {
    const top = this.topOwner(entry);
    if (!top || entry.raw.length === 0) return entry.raw;
    const ownerKeys = new Set(top.raw.map((f) => findingKey(top.ref.kind, f.checkId, f.path)));
    return entry.raw.filter((f) => !ownerKeys.has(findingKey(entry.ref.kind, f.checkId, f.path)));
  }

  /** The objects an owner controls (and theirs): filtered again; with `membership`, their inventory membership changed too. */
  private refreshDescendants(uid: string, membership: boolean): void {
    const queue = [...(this.children.get(uid) ?? [])];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const key = queue.pop()!;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = this.entries.get(key);
      if (!entry) continue;
      this.tally.change(entry, -1);
      const before = entry.effective;
      entry.effective = this.rolledUp(entry);
      this.tally.change(entry, 1);
      this.noteAdded(before, entry.effective);
      if (membership && entry.record) this.dirtyKinds.add(entry.ref.kind);
      if (entry.uid !== undefined) queue.push(...(this.children.get(entry.uid) ?? []));
    }
  }

  /**
   * Runs the cross-resource checks the changes since the last flush affect, and computes the
   * posture; returns the controls whose status changed, with the findings that appeared.
   * `everything`: every cross-resource check runs (the scheduled full evaluation).
   */
  flush(everything = false): FlushResult {
    if (this.clusterInfoDirty) this.refreshClusterInfo();
    const changed = everything ? new Set([EVERY_KIND]) : this.dirtyKinds;
    this.dirtyKinds = new Set();
    const inventoryChecksRun = changed.size > 0 ? this.runInventoryChecks(changed, everything) : [];
    const posture = computePosture({ config: this.options.config, checks: this.options.registry, evaluation: this.evaluationRecord() });
    const transitions: ControlTransition[] = [];
    for (const control of posture) {
      const before = this.previous.get(control.id);
      if (before !== undefined && before !== control.status) {
        const causes = this.addedThisBatch.filter((f) => !f.outOfScope && !f.excepted && f.controls.iso27001.includes(control.id)).slice(0, 20);
        transitions.push({ control: control.id, title: control.title, from: before, to: control.status, checksFailed: control.checksFailed, causes });
      }
    }
    this.previous = new Map(posture.map((c) => [c.id, c.status]));
    this.lastPosture = posture;
    const result: FlushResult = { changes: this.pending, changeCount: this.pendingCount, inventoryChecksRun, transitions, posture };
    this.pending = [];
    this.pendingCount = 0;
    this.addedThisBatch = [];
    return result;
  }

  /** The posture of the last flush. */
  get posture(): readonly ControlStatus[] {
    return this.lastPosture;
  }

  private runInventoryChecks(changed: ReadonlySet<string>, everything: boolean): string[] {
    const due = this.checks.inventory.filter((check) => everything || affectedBy(this.reads.get(check.id), changed));
    const inventory = this.inventory();
    const inScope = inScopeCounter(inventory, this.ctx);
    for (const check of this.checks.inventory) {
      const result = this.inventoryResults.get(check.id);
      if (result) result.inScope = inputCount(check, inScope);
    }
    if (due.length === 0) return [];
    const tracker = new ReadTracker(inventory);
    const results = inventoryCheckResults(tracker.inventory, new CheckSet(due), this.ctx);
    for (;;) {
      const reads = tracker.begin();
      const next = results.next();
      tracker.end();
      if (next.done) break;
      const { check } = next.value;
      this.reads.set(check.id, reads);
      const old = this.inventoryResults.get(check.id);
      if (old) this.tally.count(old.findings, -1);
      if ('error' in next.value) {
        this.inventoryResults.set(check.id, { findings: [], error: next.value.error, inScope: inputCount(check, inScope) });
        continue;
      }
      const findings = next.value.findings;
      for (const finding of findings) if (!finding.outOfScope) this.exceptions.apply(finding);
      this.tally.count(findings, 1);
      this.noteAdded(old?.findings ?? [], findings);
      this.inventoryResults.set(check.id, { findings, inScope: inputCount(check, inScope) });
    }
    return due.map((check) => check.id);
  }

  /** The inventory the cross-resource checks see: the records of objects not owned by a held workload. */
  inventory(): Inventory {
    const inventory = new Inventory();
    for (const entry of this.entries.values()) if (entry.record && !this.isOwned(entry)) inventory.add(entry.record);
    return inventory;
  }

  /** Judges exceptions again at `now` (one may have expired): every finding is re-counted. */
  rejudgeExceptions(): void {
    this.exceptions = new ExceptionIndex(this.options.config.exceptions, this.now());
    const rejudge = (findings: readonly Finding[]) => {
      for (const finding of findings) {
        delete finding.excepted;
        if (!finding.outOfScope) this.exceptions.apply(finding);
      }
    };
    for (const entry of this.entries.values()) {
      this.tally.change(entry, -1);
      rejudge(entry.raw);
      this.tally.change(entry, 1);
    }
    for (const result of this.inventoryResults.values()) {
      this.tally.count(result.findings, -1);
      rejudge(result.findings);
      this.tally.count(result.findings, 1);
    }
  }

  /** The evaluation record as a scan of the current estate would yield it. */
  evaluationRecord(): EvaluationRecord {
    const recorder = new EvaluationRecorder(this.options.registry, this.options.config.checks.disabled, true);
    for (const [id, count] of this.tally.applied) recorder.applied(id, count);
    for (const [id, count] of this.tally.errors) for (let i = 0; i < count; i++) recorder.errored(id);
    for (const [id, bySeverity] of this.tally.findings) for (const severity of SEVERITIES) recorder.countFindings(id, severity, bySeverity[severity] ?? 0);
    for (const [id, result] of this.inventoryResults) {
      if (result.error) recorder.errored(id);
      else recorder.applied(id, result.inScope);
    }
    return recorder.record();
  }

  /** Every current finding (in scope or not, excepted or not), per-resource ones first. */
  *findings(): Generator<Finding> {
    for (const entry of this.entries.values()) yield* entry.effective;
    for (const result of this.inventoryResults.values()) yield* result.findings;
  }

  /** Check failures standing now (per-resource and cross-resource). */
  errors(): CheckFailure[] {
    const out: CheckFailure[] = [];
    for (const entry of this.entries.values()) out.push(...entry.errors);
    for (const result of this.inventoryResults.values()) if (result.error) out.push(result.error);
    return out;
  }

  /** In-scope, unexcepted findings per check and severity (what the metrics show). */
  findingCounts(): Map<string, Partial<Record<Severity, number>>> {
    return this.tally.findings;
  }

  /** References of held Secrets (for the evidence record's Secret inventory: metadata only). */
  secretRefs(): ResourceRef[] {
    const out: ResourceRef[] = [];
    for (const entry of this.entries.values()) if (entry.ref.kind === 'Secret') out.push(entry.ref);
    return out;
  }

  private refreshClusterInfo(): void {
    this.clusterInfoDirty = false;
    const kinds: JsonObject = {};
    for (const [kind, state] of [...this.kindStates].sort(([a], [b]) => a.localeCompare(b))) kinds[kind] = state;
    const podAddresses: JsonObject[] = [];
    for (const entry of this.entries.values()) {
      for (const address of entry.addresses ?? []) podAddresses.push({ address, name: `${entry.ref.namespace ?? ''}/${entry.ref.name}` });
    }
    const context = this.options.context;
    const object: JsonObject = { apiVersion: CLUSTER_INFO_API, kind: CLUSTER_INFO_KIND, metadata: { name: context }, kinds, podAddresses };
    if (this.serverVersion) object.serverVersion = this.serverVersion;
    const resource: Resource = { apiVersion: CLUSTER_INFO_API, kind: CLUSTER_INFO_KIND, name: context, object, provenance: { source: 'cluster', file: `cluster/${context}`, cluster: context } };
    const key = keyOf(CLUSTER_INFO_KIND, undefined, context);
    const old = this.entries.get(key);
    const entry = this.evaluate(resource);
    if (old) this.detach(key, old);
    this.attach(key, entry);
    this.settle(entry, old);
  }
}

function sameFindings(a: readonly Finding[], b: readonly Finding[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((finding, i) => findingIdentity(finding) === findingIdentity(b[i]!));
}

/** The compact inventory record of a live object, without what changes on every write (resourceVersion, managedFields). */
function watchRecord(resource: Resource): Resource {
  const compact = compactForInventory(resource);
  const metadata = compact.object.metadata;
  if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) {
    const { resourceVersion: _rv, managedFields: _mf, ...rest } = metadata;
    compact.object = { ...compact.object, metadata: rest };
  }
  return compact;
}

function podAddresses(object: JsonObject): string[] {
  const spec = object.spec;
  if (spec && typeof spec === 'object' && !Array.isArray(spec) && spec.hostNetwork === true) return [];
  const status = object.status;
  if (!status || typeof status !== 'object' || Array.isArray(status)) return [];
  const addresses = new Set<string>();
  if (typeof status.podIP === 'string' && status.podIP !== '') addresses.add(status.podIP);
  if (Array.isArray(status.podIPs)) {
    for (const entry of status.podIPs) if (entry && typeof entry === 'object' && !Array.isArray(entry) && typeof entry.ip === 'string') addresses.add(entry.ip);
  }
  return [...addresses];
}

function inScopeCounter(inventory: Inventory, ctx: CheckContext): (kind: string) => number {
  const counts = new Map<string, number>();
  return (kind) => {
    let count = counts.get(kind);
    if (count === undefined) {
      count = 0;
      for (const resource of inventory.ofKind(kind)) if (exclusionOf(resource, ctx) === undefined) count += 1;
      counts.set(kind, count);
    }
    return count;
  };
}

function inputCount(check: Check, inScope: (kind: string) => number): number {
  if (check.scope !== 'inventory') return 0;
  let total = 0;
  for (const kind of new Set(check.inputKinds)) total += inScope(kind);
  return total;
}
