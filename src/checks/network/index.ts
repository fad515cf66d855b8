import type { Check } from '../../engine/check.js';

export const networkChecks: Check[] = [];
