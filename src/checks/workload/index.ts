import type { Check } from '../../engine/check.js';
import privilegedContainer from './privileged-container.js';

export const workloadChecks: Check[] = [privilegedContainer];
