/** Shared shapes of the framework catalogs (ISO/IEC 27001:2022 Annex A and the crosswalks). */
import type { FrameworkKey } from '../resources/types.js';

/** One item of a crosswalk framework: a CIS recommendation, a guide section, a PSS check. */
export interface FrameworkItem {
  id: string;
  title: string;
  /** Other spellings checks may use in their `controls` field (e.g. a section title for an NSA id). */
  aliases?: readonly string[];
}

export interface CrosswalkCatalog {
  key: Exclude<FrameworkKey, 'iso27001'>;
  /** Name and edition as printed in `annexa controls --framework KEY -o json`. */
  framework: string;
  title: string;
  items: readonly FrameworkItem[];
}

export type ControlType = 'preventive' | 'detective' | 'corrective';
export type SecurityProperty = 'confidentiality' | 'integrity' | 'availability';
export type CybersecurityConcept = 'identify' | 'protect' | 'detect' | 'respond' | 'recover';

/** ISO/IEC 27002:2022 attribute values of a control (a subset of its five attribute types). */
export interface ControlAttributes {
  controlType: ControlType[];
  securityProperties: SecurityProperty[];
  cybersecurityConcepts: CybersecurityConcept[];
}

/** `automated`: mapped checks evidence the whole control; `partial`: part of it; `manual`: no check maps here. */
export type Automation = 'automated' | 'partial' | 'manual';
export const AUTOMATION_LEVELS: readonly Automation[] = ['automated', 'partial', 'manual'];
