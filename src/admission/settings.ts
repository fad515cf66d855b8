/** The `admission:` section of annexa.yaml with its defaults, and the command-line overrides. */
import type { AnnexaConfig } from '../isms/config.js';
import type { Severity } from '../resources/types.js';

export type AdmissionMode = 'enforce' | 'warn' | 'audit';
export const ADMISSION_MODES: readonly AdmissionMode[] = ['enforce', 'warn', 'audit'];

export interface AdmissionSettings {
  mode: AdmissionMode;
  failOn: Severity;
  exemptNamespaces: string[];
  exemptUsers: string[];
  include?: string[];
  exclude: string[];
  failurePolicy: 'Fail' | 'Ignore';
}

export function admissionSettings(config: AnnexaConfig, overrides: { mode?: AdmissionMode; failOn?: Severity } = {}): AdmissionSettings {
  const section = config.admission;
  const settings: AdmissionSettings = {
    mode: overrides.mode ?? section?.mode ?? 'enforce',
    failOn: overrides.failOn ?? section?.failOn ?? 'high',
    exemptNamespaces: [...(section?.exemptNamespaces ?? [])],
    exemptUsers: [...(section?.exemptUsers ?? [])],
    exclude: [...(section?.checks.exclude ?? [])],
    failurePolicy: section?.failurePolicy ?? 'Fail',
  };
  if (section?.checks.include) settings.include = [...section.checks.include];
  return settings;
}
