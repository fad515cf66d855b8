/**
 * Loads `@kubernetes/client-node` on demand: only the cluster commands need it, and it is an ES
 * module of 2 MB that the other commands should not compile.
 *
 * The bundled CLI runs as a `vm.Script` compiled from V8's code cache (bin/bundle-loader.js), and
 * there an `import()` has no module loader (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), so
 * bin/annexa.js hands over an importer of its own, made in a real ES module.
 */
export type ClientNode = typeof import('@kubernetes/client-node');

let load: () => Promise<ClientNode> = () => import('@kubernetes/client-node');

export function loadClientNode(): Promise<ClientNode> {
  return load();
}

export function useClientNodeLoader(loader: () => Promise<ClientNode>): void {
  load = loader;
}
