/** The RBAC model: roles with aggregation, bindings, subjects with implicit groups, who-can and holders. */
export * from './types.js';
export * from './rules.js';
export * from './subjects.js';
export * from './defaults.js';
export * from './resource-info.js';
export * from './holders.js';
export { RbacModel, rbacModelOf, RBAC_KINDS, type AccessScope, type Via, type WhoCanEntry } from './model.js';
export * from './queries.js';
