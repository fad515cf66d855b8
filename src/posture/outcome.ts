/**
 * What reporters receive when a scan is over: the engine's result plus the control posture
 * computed from its evaluation record (the engine itself knows nothing of controls).
 */
import type { ScanResult } from '../engine/scan.js';
import type { Check } from '../engine/check.js';
import type { AnnexaConfig } from '../isms/config.js';
import { computePosture, type ControlStatus } from './posture.js';

export interface ScanOutcome extends ScanResult {
  controls: ControlStatus[];
}

/** `registry`: every check the scan was given, disabled ones included (they are listed against their controls). */
export function assessScan(result: ScanResult, config: AnnexaConfig, registry: ReadonlyArray<Pick<Check, 'id' | 'controls'>>): ScanOutcome {
  return { ...result, controls: computePosture({ config, checks: registry, evaluation: result.evaluation }) };
}
