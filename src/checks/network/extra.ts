/** Network checks kept out of ./index.ts (edited in parallel); src/checks/index.ts registers both lists. */
import type { Check } from '../../engine/check.js';
import netpolNoPodSelector from './netpol-no-pod-selector.js';
import ingressNginxAnnotationInjection from './ingress-nginx-annotation-injection.js';

export const extraNetworkChecks: Check[] = [netpolNoPodSelector, ingressNginxAnnotationInjection];
