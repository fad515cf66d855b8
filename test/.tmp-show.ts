import { builtinChecks } from '/work/main/src/checks/index.js';
import { runChecks } from '/work/main/test/support/run-checks.js';
const ids = ['namespace.limit-range','namespace.resource-quota','cluster.deprecated-api','network.netpol-no-pod-selector','network.ingress-nginx-annotation-injection'];
for (const id of ids) {
  const c = builtinChecks.find((k) => k.id === id)!;
  for (const ex of c.examples.invalid) for (const f of runChecks([c], ex.manifest)) console.log(id, f.severity, f.resource.kind + '/' + f.resource.name, f.path, f.location?.line, '|', f.message);
}
