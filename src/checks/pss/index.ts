import type { Check } from '../../engine/check.js';
import pssBaseline from './baseline.js';
import pssRestricted from './restricted.js';
import namespaceEnforceRejects from './namespace-enforce-rejects.js';
import namespaceEnforceMissing from './namespace-enforce-missing.js';
import namespaceEnforcePrivileged from './namespace-enforce-privileged.js';
import namespaceVersionPinnedOld from './namespace-version-pinned-old.js';
import namespaceLabelsInvalid from './namespace-labels-invalid.js';

export const pssChecks: Check[] = [
  pssBaseline,
  pssRestricted,
  namespaceEnforceRejects,
  namespaceEnforceMissing,
  namespaceEnforcePrivileged,
  namespaceVersionPinnedOld,
  namespaceLabelsInvalid,
];
