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

export const OPERATIONAL_CAPABILITIES = [
  'governance', 'asset_management', 'information_protection', 'human_resource_security', 'physical_security',
  'system_and_network_security', 'application_security', 'secure_configuration', 'identity_and_access_management',
  'threat_and_vulnerability_management', 'continuity', 'supplier_relationships_security', 'legal_and_compliance',
  'information_security_event_management', 'information_security_assurance',
] as const;
export type OperationalCapability = (typeof OPERATIONAL_CAPABILITIES)[number];
export const SECURITY_DOMAINS = ['governance_and_ecosystem', 'protection', 'defence', 'resilience'] as const;
export type SecurityDomain = (typeof SECURITY_DOMAINS)[number];

/** ISO/IEC 27002:2022 attribute values of a control: all five attribute types. */
export interface ControlAttributes {
  controlType: ControlType[];
  securityProperties: SecurityProperty[];
  cybersecurityConcepts: CybersecurityConcept[];
  operationalCapabilities: OperationalCapability[];
  securityDomains: SecurityDomain[];
}

/** `automated`: mapped checks evidence the whole control; `partial`: part of it; `manual`: no check maps here. */
export type Automation = 'automated' | 'partial' | 'manual';
export const AUTOMATION_LEVELS: readonly Automation[] = ['automated', 'partial', 'manual'];
