import type { Check } from '../../engine/check.js';
import latestTag from './latest-tag.js';
import digestPinning from './digest-pinning.js';
import allowedRegistries from './allowed-registries.js';
import pullPolicy from './pull-policy.js';
import helmTiller from './helm-tiller.js';
import deprecatedRegistry from './deprecated-registry.js';

export const imagesChecks: Check[] = [latestTag, digestPinning, allowedRegistries, pullPolicy, helmTiller, deprecatedRegistry];
