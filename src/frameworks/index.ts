/** Framework registry: the ISO/IEC 27001 catalog plus the crosswalk catalogs, and which checks map to each item. */
import type { Check } from '../engine/check.js';
import { FRAMEWORK_KEYS, type FrameworkKey } from '../resources/types.js';
import { CIS_CATALOG } from './cis.js';
import { NSA_CATALOG } from './nsa.js';
import { NIST_800_190_CATALOG } from './nist-800-190.js';
import { PSS_CATALOG } from './pss.js';
import type { CrosswalkCatalog, FrameworkItem } from './types.js';

export { FRAMEWORK_KEYS, type FrameworkKey };

export type CrosswalkKey = Exclude<FrameworkKey, 'iso27001'>;

export const CROSSWALKS: Readonly<Record<CrosswalkKey, CrosswalkCatalog>> = {
  cis: CIS_CATALOG,
  nsa: NSA_CATALOG,
  'nist-800-190': NIST_800_190_CATALOG,
  pss: PSS_CATALOG,
};

export function isFrameworkKey(value: string): value is FrameworkKey {
  return (FRAMEWORK_KEYS as readonly string[]).includes(value);
}

function normalize(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9.]+/g, ' ').trim();
}

function byName(catalog: CrosswalkCatalog, ref: string): FrameworkItem | undefined {
  const wanted = normalize(ref);
  return catalog.items.find((item) => [item.id, item.title, ...(item.aliases ?? [])].some((name) => normalize(name) === wanted));
}

/**
 * The catalog item a check's reference names: by id, title or alias (case and punctuation
 * insensitive); a `Section: detail` reference that names no item resolves to its section.
 */
export function resolveItem(catalog: CrosswalkCatalog, ref: string): FrameworkItem | undefined {
  const exact = catalog.items.find((item) => item.id === ref) ?? byName(catalog, ref);
  if (exact || !ref.includes(':')) return exact;
  return byName(catalog, ref.slice(0, ref.indexOf(':')));
}

export interface CrosswalkItemView {
  id: string;
  title: string;
  /** Built-in checks whose `controls` field names this item. */
  checks: string[];
  /** Annex A controls those checks evidence: the crosswalk to ISO/IEC 27001. */
  iso27001: string[];
  /** False for a reference a check makes that the catalog does not know (listed so that nothing is hidden). */
  cataloged: boolean;
}

/** Every item of a crosswalk framework with the checks mapped to it, derived from each check's `controls`. */
export function crosswalkView(catalog: CrosswalkCatalog, checks: readonly Check[]): CrosswalkItemView[] {
  const views = new Map<string, CrosswalkItemView>(catalog.items.map((item) => [item.id, { id: item.id, title: item.title, checks: [], iso27001: [], cataloged: true }]));
  for (const check of checks) {
    for (const ref of check.controls[catalog.key] ?? []) {
      const item = resolveItem(catalog, ref);
      const key = item?.id ?? ref;
      let view = views.get(key);
      if (!view) {
        view = { id: ref, title: ref, checks: [], iso27001: [], cataloged: false };
        views.set(key, view);
      }
      if (!view.checks.includes(check.id)) view.checks.push(check.id);
      for (const control of check.controls.iso27001) if (!view.iso27001.includes(control)) view.iso27001.push(control);
    }
  }
  return [...views.values()];
}

/** References in checks' `controls` that a crosswalk catalog does not know, as `framework:ref (check)`. */
export function unknownCrosswalkRefs(checks: readonly Check[]): string[] {
  const unknown: string[] = [];
  for (const catalog of Object.values(CROSSWALKS)) {
    for (const check of checks) {
      for (const ref of check.controls[catalog.key] ?? []) {
        if (!resolveItem(catalog, ref)) unknown.push(`${catalog.key}:${ref} (${check.id})`);
      }
    }
  }
  return unknown;
}
