/**
 * Findings grouped by resource for the reporters that print them that way (table, markdown), kept
 * as rendered rows in a Spool instead of as Finding objects: memory does not grow with the findings.
 *
 * Groups come out in the order of their resource's first finding, each group's rows sorted most
 * severe first, then by check id, exactly as when all findings were held in one Map. A resource's
 * own findings arrive together; the cross-resource findings about it arrive later and are held in
 * memory (they are bounded by the inventory, which is in memory anyway) until its group is read
 * back. A resource reference seen twice (the same object in two files) is recognised by a hash of
 * its text and treated like late findings, so the two merge into one group as before.
 */
import type { Finding, Severity } from '../resources/types.js';
import { formatRef, severityRank } from '../resources/types.js';
import { Spool } from './spool.js';

/** A rendered finding: its severity and check id (the sort key), then the reporter's own cells. */
export type Row = [Severity, string, ...string[]];

export interface RowRenderer {
  /** The row of an in-scope finding. */
  row(finding: Finding): Row;
  /** Called for each out-of-scope finding instead (reporters count them). */
  outOfScope(finding: Finding): void;
  /** Called for each finding an active exception accepts, instead of a row (reporters list them apart). */
  excepted?(finding: Finding): void;
}

export class GroupedFindings {
  private readonly spool = new Spool();
  private readonly seenRefs = new Set<number>();
  /** Rows that arrived after their resource's group was spooled, by resource reference. */
  private readonly late = new Map<string, Row[]>();
  private inScope = 0;

  constructor(private readonly renderer: RowRenderer) {}

  /** Number of in-scope findings added so far. */
  get findings(): number {
    return this.inScope;
  }

  /** The findings of one scanned resource (one resource reference). */
  resource(findings: readonly Finding[]): void {
    if (findings.length === 0) return;
    const ref = formatRef(findings[0]!.resource);
    const rows = this.rowsOf(findings);
    const hash = hashText(ref);
    if (this.seenRefs.has(hash)) {
      // Perhaps the same reference as an earlier group: merged into it when read back, or put here
      // if there was none (a hash collision).
      this.addLate(ref, rows);
      this.spool.append(JSON.stringify(ref));
      return;
    }
    this.seenRefs.add(hash);
    this.spool.append(JSON.stringify([ref, sortRows(rows)]));
  }

  /** Findings of cross-resource checks, about any resources. */
  lateFindings(findings: readonly Finding[]): void {
    for (const finding of findings) {
      const rows = this.rowsOf([finding]);
      // Out-of-scope findings still open their group, as they did in the Map this replaces.
      this.addLate(formatRef(finding.resource), rows);
    }
  }

  /** Each resource with in-scope findings and its sorted rows, once; the store is empty afterwards. */
  *groups(): Generator<[string, Row[]]> {
    for (const line of this.spool.drain()) {
      const record = JSON.parse(line) as string | [string, Row[]];
      const [ref, rows] = typeof record === 'string' ? [record, undefined] : record;
      const late = this.late.get(ref);
      if (rows === undefined && late === undefined) continue; // merged into its earlier group
      this.late.delete(ref);
      const all = late === undefined ? rows! : sortRows([...(rows ?? []), ...late]);
      if (all.length > 0) yield [ref, all];
    }
    for (const [ref, rows] of this.late) if (rows.length > 0) yield [ref, sortRows(rows)];
    this.late.clear();
  }

  close(): void {
    this.spool.close();
  }

  private rowsOf(findings: readonly Finding[]): Row[] {
    const rows: Row[] = [];
    for (const finding of findings) {
      if (finding.outOfScope) {
        this.renderer.outOfScope(finding);
      } else if (finding.excepted && this.renderer.excepted) {
        this.renderer.excepted(finding);
      } else {
        rows.push(this.renderer.row(finding));
        this.inScope += 1;
      }
    }
    return rows;
  }

  private addLate(ref: string, rows: Row[]): void {
    const list = this.late.get(ref);
    if (list) list.push(...rows);
    else this.late.set(ref, rows);
  }
}

/** Most severe first, then by check id; stable, so equal rows keep their arrival order. */
function sortRows(rows: Row[]): Row[] {
  return rows.sort((a, b) => severityRank(b[0]) - severityRank(a[0]) || a[1].localeCompare(b[1]));
}

/**
 * FNV-1a over UTF-16 code units, cut to 30 bits so that it stays a small integer in V8 (a Set of
 * them costs no heap numbers); a collision only holds one group in memory until the end.
 */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash & 0x3fffffff;
}
