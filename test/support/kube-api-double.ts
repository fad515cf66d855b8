/**
 * A local stand-in for the Kubernetes API server, for tests and benchmarks: there is no API server
 * on these machines. It serves, over HTTP or HTTPS on 127.0.0.1, what a client sees of a real one:
 *
 * - discovery: /version, /api, /api/v1, /apis and /apis/GROUP/VERSION (APIResourceList with
 *   kind, namespaced, verbs, and subresources that clients must skip);
 * - lists of every served resource, cluster-wide and per namespace, in pages: `limit` is honoured
 *   but pages can be deliberately shorter (`maxPage`), `continue` tokens are opaque, and a token can
 *   be made to expire (410 Expired, with a fresh token in the Status as the API server does);
 *   list items come without `kind` and `apiVersion`, exactly as the API server sends them;
 * - Status bodies for 401 (no or wrong credentials), 403 (RBAC: per resource), 404 (not served);
 * - server-populated metadata (uid, resourceVersion, generation, creationTimestamp, managedFields),
 *   `status`, and API defaults (its own table below, written from the API's defaulting functions,
 *   independent of what the code under test knows about them);
 * - the objects a controller makes: a Deployment's ReplicaSet and Pods with ownerReferences, pod
 *   IPs and node names;
 * - watches (`?watch=true`), as the API server streams them: one `{type, object}` JSON line per
 *   event after the `resourceVersion` asked for (ADDED for every current object first when none is
 *   given), `BOOKMARK`s when `allowWatchBookmarks` is set, an `ERROR` event with a 410 Expired
 *   Status (then the end of the stream) when the version is older than the event history kept,
 *   and the end of the stream after `timeoutSeconds`. `create`, `update` and `remove` while a
 *   watch runs are streamed to it.
 *
 * Authentication: a bearer token, or a client certificate verified against a CA (HTTPS), or none.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';

export type KubeObject = { [key: string]: unknown };

export interface ServedResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
}

/** The resources this double serves (a real server serves more; clients must ask discovery). */
export const SERVED: readonly ServedResource[] = [
  ['', 'v1', 'namespaces', 'Namespace', false],
  ['', 'v1', 'nodes', 'Node', false],
  ['', 'v1', 'pods', 'Pod', true],
  ['', 'v1', 'services', 'Service', true],
  ['', 'v1', 'serviceaccounts', 'ServiceAccount', true],
  ['', 'v1', 'secrets', 'Secret', true],
  ['', 'v1', 'configmaps', 'ConfigMap', true],
  ['', 'v1', 'limitranges', 'LimitRange', true],
  ['', 'v1', 'resourcequotas', 'ResourceQuota', true],
  ['', 'v1', 'replicationcontrollers', 'ReplicationController', true],
  ['', 'v1', 'podtemplates', 'PodTemplate', true],
  ['apps', 'v1', 'deployments', 'Deployment', true],
  ['apps', 'v1', 'replicasets', 'ReplicaSet', true],
  ['apps', 'v1', 'statefulsets', 'StatefulSet', true],
  ['apps', 'v1', 'daemonsets', 'DaemonSet', true],
  ['batch', 'v1', 'jobs', 'Job', true],
  ['batch', 'v1', 'cronjobs', 'CronJob', true],
  ['networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true],
  ['networking.k8s.io', 'v1', 'ingresses', 'Ingress', true],
  ['rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true],
  ['rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true],
  ['rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false],
  ['rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false],
  ['admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false],
  ['admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', false],
  ['admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicies', 'ValidatingAdmissionPolicy', false],
  ['admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicybindings', 'ValidatingAdmissionPolicyBinding', false],
  ['wgpolicyk8s.io', 'v1alpha2', 'policyreports', 'PolicyReport', true],
  ['wgpolicyk8s.io', 'v1alpha2', 'clusterpolicyreports', 'ClusterPolicyReport', false],
].map(([group, version, resource, kind, namespaced]) => ({ group, version, resource, kind, namespaced }) as ServedResource);

export interface DoubleAuth {
  /** Accepted bearer tokens. */
  tokens?: string[];
  /** HTTPS only: accept clients whose certificate the server's CA signed. */
  clientCertificates?: boolean;
}

export interface DoubleOptions {
  /** The objects as a user would apply them (with kind and apiVersion). */
  objects: KubeObject[];
  /** Largest page the server returns, whatever `limit` asks (short pages are legal). */
  maxPage?: number;
  /** `group/resource` (core: `/resource`) answered with 403 Forbidden. */
  forbidden?: string[];
  /** `group/resource` a user may list only in these namespaces (namespace Roles, no ClusterRole). */
  namespaceOnly?: Record<string, string[]>;
  /** Resources to leave out of discovery and answer with 404 (e.g. a removed API). */
  unserved?: string[];
  /** `resource` whose first continue token is reported expired (410), once. */
  expireFirstContinue?: string[];
  /** Make the Deployments' ReplicaSets and Pods, as the controllers would. */
  controllers?: boolean;
  auth?: DoubleAuth;
  tls?: { key: string; cert: string; ca: string };
  gitVersion?: string;
  /** Watch events kept for resuming (the API server's watch cache); older versions get 410. Default 10,000. */
  watchHistory?: number;
  /** Milliseconds between BOOKMARK events on watches that allow them (the API server: about a minute). Default 1000. */
  bookmarkIntervalMs?: number;
  /** Longest a watch stays open, whatever `timeoutSeconds` asks (the API server's --min-request-timeout spread). */
  maxWatchSeconds?: number;
}

/** One change as a watch streams it. */
interface WatchEvent {
  resourceVersion: number;
  kind: string;
  namespace: string | undefined;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The object as served (with kind and apiVersion), serialized once. */
  json: string;
}

interface OpenWatch {
  resource: ServedResource;
  namespace: string | undefined;
  res: ServerResponse;
  close(): void;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  items: number;
}

export class KubeApiDouble {
  readonly requests: RequestRecord[] = [];
  private readonly store = new Map<string, KubeObject[]>();
  private readonly served: ServedResource[];
  private readonly expiring: Set<string>;
  private server: Server | undefined;
  private resourceVersion = 1000;
  private readonly tokenSecret = randomUUID();
  private readonly history: WatchEvent[] = [];
  /** The oldest version a watch can resume from (events after it are all in `history`). */
  private oldestResumable = 1000;
  private readonly watches = new Set<OpenWatch>();
  /** Watch requests to answer with 500 before serving again (tests of back-off). */
  private failingWatches = 0;

  constructor(private readonly options: DoubleOptions) {
    const unserved = new Set(options.unserved ?? []);
    this.served = SERVED.filter((r) => !unserved.has(r.resource));
    this.expiring = new Set(options.expireFirstContinue ?? []);
    for (const object of options.objects) this.create(object);
    if (options.controllers) for (const deployment of [...this.itemsOf('Deployment')]) this.runDeploymentController(deployment);
  }

  /** Starts listening on 127.0.0.1 (a free port); returns the server URL. */
  async start(): Promise<string> {
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    const tls = this.options.tls;
    this.server = tls
      ? createHttpsServer({ key: tls.key, cert: tls.cert, ca: tls.ca, requestCert: Boolean(this.options.auth?.clientCertificates), rejectUnauthorized: false }, handler)
      : createHttpServer(handler);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.closeWatches();
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The stored object (as served, with server fields), for assertions. */
  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.itemsOf(kind).find((o) => meta(o).name === name && meta(o).namespace === namespace);
  }

  /** The stored objects of a kind. */
  list(kind: string): readonly KubeObject[] {
    return this.itemsOf(kind);
  }

  /** Changes a stored object as `kubectl edit` would (bumps resourceVersion and generation); running watches see MODIFIED. */
  update(kind: string, namespace: string | undefined, name: string, change: (object: KubeObject) => void): void {
    const object = this.get(kind, namespace, name);
    if (!object) throw new Error(`no ${kind} ${namespace ?? ''}/${name}`);
    change(object);
    const m = meta(object);
    m.resourceVersion = String(++this.resourceVersion);
    if (typeof m.generation === 'number') m.generation += 1;
    this.emit('MODIFIED', kind, object);
  }

  /** Deletes a stored object; running watches see DELETED with the object at its deletion version. */
  remove(kind: string, namespace: string | undefined, name: string): void {
    const list = this.itemsOf(kind);
    const index = list.findIndex((o) => meta(o).name === name && meta(o).namespace === namespace);
    if (index < 0) return;
    const [object] = list.splice(index, 1);
    meta(object!).resourceVersion = String(++this.resourceVersion);
    this.emit('DELETED', kind, object!);
  }

  /** The current resourceVersion (of the last change). */
  get currentResourceVersion(): string {
    return String(this.resourceVersion);
  }

  /** Watches open now. */
  get openWatches(): number {
    return this.watches.size;
  }

  /**
   * Forgets the event history, as the API server's watch cache does after compaction: a watch
   * resuming from any version before now gets an ERROR event with a 410 Expired Status.
   */
  compactHistory(): void {
    this.history.length = 0;
    this.oldestResumable = this.resourceVersion;
  }

  /** Ends every open watch stream now (a dropped connection, an API server restart). */
  closeWatches(): void {
    for (const watch of [...this.watches]) watch.close();
  }

  /** Answers the next `count` watch requests with 500 Internal Server Error (a negative count takes some back). */
  failNextWatches(count: number): void {
    this.failingWatches = Math.max(0, this.failingWatches + count);
  }

  private emit(type: WatchEvent['type'], kind: string, object: KubeObject): void {
    const namespace = meta(object).namespace;
    const event: WatchEvent = { resourceVersion: this.resourceVersion, kind, namespace, type, json: JSON.stringify({ type, object }) };
    this.history.push(event);
    const limit = this.options.watchHistory ?? 10_000;
    if (this.history.length > limit) {
      const dropped = this.history.splice(0, this.history.length - limit);
      this.oldestResumable = dropped[dropped.length - 1]!.resourceVersion;
    }
    for (const watch of this.watches) {
      if (watch.resource.kind === kind && (watch.namespace === undefined || watch.namespace === namespace)) watch.res.write(`${event.json}\n`);
    }
  }

  /** Stores an object the way the API server would: defaults, server metadata, status. */
  create(input: KubeObject): KubeObject {
    const object = structuredClone(input);
    const kind = String(object.kind);
    const resource = SERVED.find((r) => r.kind === kind);
    if (!resource) throw new Error(`the double does not serve ${kind}`);
    const m = meta(object);
    if (resource.namespaced) m.namespace ??= 'default';
    else delete m.namespace;
    m.uid = randomUUID();
    m.resourceVersion = String(++this.resourceVersion);
    m.creationTimestamp = '2026-11-30T10:00:00Z';
    if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Ingress', 'NetworkPolicy'].includes(kind)) m.generation = 1;
    m.managedFields = [{ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: String(object.apiVersion), time: '2026-11-30T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': {} } }];
    applyDefaults(kind, object);
    addStatus(kind, object);
    if (kind === 'Secret') encodeStringData(object);
    const list = this.itemsOf(kind);
    list.push(object);
    this.emit('ADDED', kind, object);
    return object;
  }

  private itemsOf(kind: string): KubeObject[] {
    let list = this.store.get(kind);
    if (!list) this.store.set(kind, (list = []));
    return list;
  }

  private runDeploymentController(deployment: KubeObject): void {
    const m = meta(deployment);
    const spec = deployment.spec as KubeObject;
    const template = structuredClone(spec.template) as KubeObject;
    const hash = createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 10);
    const owner = (o: KubeObject, kind: string) => ({ apiVersion: String(o.apiVersion), kind, name: meta(o).name, uid: meta(o).uid, controller: true, blockOwnerDeletion: true });
    const templateMeta = (template.metadata ?? {}) as KubeObject;
    const labels = { ...(templateMeta.labels as KubeObject | undefined), 'pod-template-hash': hash };
    const rs = this.create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${m.name}-${hash}`, namespace: m.namespace, labels, ownerReferences: [owner(deployment, 'Deployment')] },
      spec: { replicas: spec.replicas, selector: { matchLabels: { ...(spec.selector as KubeObject).matchLabels as KubeObject, 'pod-template-hash': hash } }, template: { ...template, metadata: { ...templateMeta, labels } } },
    });
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    for (let i = 0; i < replicas; i++) {
      const suffix = createHash('sha256').update(`${hash}/${i}`).digest('hex').slice(0, 5);
      const pod = this.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { ...templateMeta, name: `${meta(rs).name}-${suffix}`, namespace: m.namespace, labels, ownerReferences: [owner(rs, 'ReplicaSet')] },
        spec: structuredClone(template.spec),
      });
      (pod.spec as KubeObject).nodeName = 'node-1';
      (pod.status as KubeObject).podIP = `10.244.0.${(this.itemsOf('Pod').length % 250) + 2}`;
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://double');
    const query = Object.fromEntries(url.searchParams);
    const record: RequestRecord = { method: req.method ?? 'GET', path: url.pathname, query, status: 200, items: 0 };
    this.requests.push(record);
    const send = (status: number, body: unknown) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!this.authenticated(req)) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    const named = this.namedRoute(url.pathname);
    if (named) {
      void this.handleNamed(req, named, send);
      return;
    }
    if (req.method !== 'GET') return send(405, status(405, 'MethodNotAllowed', 'the double serves GET only on collections (POST to the policy report collections)'));
    const route = this.route(url.pathname);
    if (!route) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    if ('body' in route) return send(200, route.body);
    const { resource, namespace } = route;
    const key = `${resource.group}/${resource.resource}`;
    const allowedIn = this.options.namespaceOnly?.[key];
    if ((this.options.forbidden ?? []).includes(key) || (allowedIn && (namespace === undefined || !allowedIn.includes(namespace)))) {
      const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
      return send(403, { ...status(403, 'Forbidden', `${resource.resource}${resource.group ? `.${resource.group}` : ''} is forbidden: User "tester" cannot list resource "${resource.resource}" in API group "${resource.group}" ${scope}`), details: { group: resource.group, kind: resource.resource } });
    }
    if (query.watch === 'true' || query.watch === '1') {
      if (this.failingWatches > 0) {
        this.failingWatches -= 1;
        return send(500, status(500, 'InternalError', 'the double was told to fail this watch'));
      }
      record.status = 200;
      return this.serveWatch(resource, namespace, query, res);
    }
    const page = this.page(resource, namespace, query);
    if ('expired' in page) return send(410, page.expired);
    record.items = page.items.length;
    send(200, page.list);
  }

  /** A watch stream (see the module comment). */
  private serveWatch(resource: ServedResource, namespace: string | undefined, query: Record<string, string>, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    // The API server sends the headers at once: a client waits for them before it reads events.
    res.flushHeaders();
    const groupVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    const line = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
    const asked = query.resourceVersion;
    if (asked !== undefined && asked !== '' && asked !== '0') {
      const from = Number(asked);
      if (!Number.isInteger(from) || from < this.oldestResumable) {
        line('ERROR', status(410, 'Expired', `too old resource version: ${asked} (${this.oldestResumable})`));
        res.end();
        return;
      }
      for (const event of this.history) {
        if (event.resourceVersion > from && event.kind === resource.kind && (namespace === undefined || event.namespace === namespace)) res.write(`${event.json}\n`);
      }
    } else {
      for (const object of this.itemsOf(resource.kind)) if (namespace === undefined || meta(object).namespace === namespace) line('ADDED', object);
    }
    const timers: NodeJS.Timeout[] = [];
    const bookmarks = query.allowWatchBookmarks === 'true';
    const bookmark = () => line('BOOKMARK', { kind: resource.kind, apiVersion: groupVersion, metadata: { resourceVersion: String(this.resourceVersion) } });
    if (bookmarks) timers.push(setInterval(bookmark, this.options.bookmarkIntervalMs ?? 1000));
    const seconds = Math.min(Number(query.timeoutSeconds) > 0 ? Number(query.timeoutSeconds) : 1800, this.options.maxWatchSeconds ?? Infinity);
    const watch: OpenWatch = {
      resource, namespace, res,
      close: () => {
        if (!this.watches.delete(watch)) return;
        for (const timer of timers) clearInterval(timer);
        res.end();
      },
    };
    timers.push(setTimeout(() => {
      if (bookmarks) bookmark();
      watch.close();
    }, seconds * 1000));
    res.on('close', () => watch.close());
    this.watches.add(watch);
  }

  /** `.../policyreports[/NAME]` and `.../clusterpolicyreports[/NAME]`: the kinds a client writes (create, get, replace, delete). */
  private namedRoute(path: string): { resource: ServedResource; namespace?: string; name?: string } | undefined {
    const match = /^\/apis\/wgpolicyk8s\.io\/v1alpha2\/(?:namespaces\/([^/]+)\/(policyreports)|(clusterpolicyreports))(?:\/([^/]+))?$/.exec(path);
    if (!match) return undefined;
    const resource = this.served.find((r) => r.resource === (match[2] ?? match[3]));
    if (!resource) return undefined;
    if (resource.namespaced && match[1] === undefined) return undefined;
    const route: { resource: ServedResource; namespace?: string; name?: string } = { resource };
    if (match[1] !== undefined) route.namespace = decodeURIComponent(match[1]);
    if (match[4] !== undefined) route.name = decodeURIComponent(match[4]);
    return route;
  }

  private async handleNamed(req: IncomingMessage, route: { resource: ServedResource; namespace?: string; name?: string }, send: (status: number, body: unknown) => void): Promise<void> {
    const { resource, namespace, name } = route;
    if (name === undefined && req.method === 'GET') {
      return send(200, { kind: `${resource.kind}List`, apiVersion: 'wgpolicyk8s.io/v1alpha2', metadata: { resourceVersion: String(this.resourceVersion) }, items: this.itemsOf(resource.kind).filter((o) => namespace === undefined || meta(o).namespace === namespace) });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as KubeObject) : undefined;
    const existing = name !== undefined ? this.get(resource.kind, namespace, name) : undefined;
    const notFound = () => send(404, status(404, 'NotFound', `${resource.resource}.wgpolicyk8s.io "${name}" not found`));
    switch (req.method) {
      case 'GET':
        return existing ? send(200, existing) : notFound();
      case 'POST': {
        const asked = body ? meta(body).name : undefined;
        if (!body || name !== undefined) return send(405, status(405, 'MethodNotAllowed', 'POST to the collection'));
        if (this.get(resource.kind, namespace, asked!)) return send(409, status(409, 'AlreadyExists', `${resource.resource}.wgpolicyk8s.io "${asked}" already exists`));
        return send(201, this.create({ ...body, metadata: { ...meta(body), ...(namespace !== undefined ? { namespace } : {}) } }));
      }
      case 'PUT': {
        if (!existing || !body) return notFound();
        if (meta(body).resourceVersion !== meta(existing).resourceVersion) return send(409, status(409, 'Conflict', 'the object has been modified; please apply your changes to the latest version and try again'));
        this.update(resource.kind, namespace, name!, (object) => {
          for (const key of Object.keys(object)) if (key !== 'metadata') delete object[key];
          Object.assign(object, { ...body, metadata: { ...meta(body), uid: meta(existing).uid, creationTimestamp: meta(existing).creationTimestamp } });
        });
        return send(200, this.get(resource.kind, namespace, name!));
      }
      case 'DELETE':
        if (!existing) return notFound();
        this.remove(resource.kind, namespace, name!);
        return send(200, status(200, 'Success', 'deleted'));
      default:
        return send(405, status(405, 'MethodNotAllowed', `${req.method} is not served`));
    }
  }

  private authenticated(req: IncomingMessage): boolean {
    const auth = this.options.auth;
    if (!auth) return true;
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ') && (auth.tokens ?? []).includes(header.slice(7))) return true;
    if (auth.clientCertificates) {
      const socket = req.socket as TLSSocket;
      if (socket.authorized && socket.getPeerCertificate?.().subject) return true;
    }
    return false;
  }

  private route(path: string): { body: unknown } | { resource: ServedResource; namespace?: string } | undefined {
    if (path === '/version') return { body: { major: '1', minor: (this.options.gitVersion ?? 'v1.31.4').split('.')[1], gitVersion: this.options.gitVersion ?? 'v1.31.4', platform: 'linux/amd64' } };
    if (path === '/api') return { body: { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }] } };
    if (path === '/apis') return { body: this.groupList() };
    const parts = path.split('/').filter(Boolean);
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api') [group, version, rest] = ['', parts[1] ?? '', parts.slice(2)];
    else if (parts[0] === 'apis') [group, version, rest] = [parts[1] ?? '', parts[2] ?? '', parts.slice(3)];
    else return undefined;
    const inVersion = this.served.filter((r) => r.group === group && r.version === version);
    if (inVersion.length === 0) return undefined;
    if (rest.length === 0) return { body: resourceList(group, version, inVersion) };
    if (rest.length === 1) {
      const resource = inVersion.find((r) => r.resource === rest[0]);
      return resource ? { resource } : undefined;
    }
    if (rest.length === 3 && rest[0] === 'namespaces') {
      const resource = inVersion.find((r) => r.resource === rest[2] && r.namespaced);
      return resource ? { resource, namespace: rest[1]! } : undefined;
    }
    return undefined;
  }

  private groupList(): unknown {
    const groups = [...new Set(this.served.filter((r) => r.group !== '').map((r) => r.group))];
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: groups.map((name) => {
        const versions = [...new Set(this.served.filter((r) => r.group === name).map((r) => r.version))].map((version) => ({ groupVersion: `${name}/${version}`, version }));
        return { name, versions, preferredVersion: versions[0] };
      }),
    };
  }

  private page(resource: ServedResource, namespace: string | undefined, query: Record<string, string>): { list: unknown; items: KubeObject[] } | { expired: unknown } {
    const all = this.itemsOf(resource.kind)
      .filter((o) => namespace === undefined || meta(o).namespace === namespace)
      .sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    let offset = 0;
    if (query.continue) {
      const token = this.readToken(query.continue);
      if (token === undefined) return { expired: status(400, 'BadRequest', 'continue key is not valid') };
      if (this.expiring.delete(resource.resource)) {
        // As the API server: the snapshot is gone; a token to go on from the next key (inconsistently) is offered.
        const fresh = this.writeToken(token);
        return { expired: { ...status(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.'), metadata: { continue: fresh } } };
      }
      offset = token;
    }
    const asked = Number(query.limit) > 0 ? Number(query.limit) : all.length;
    const size = Math.min(asked, this.options.maxPage ?? asked);
    const items = all.slice(offset, offset + size);
    const next = offset + items.length;
    const metadata: KubeObject = { resourceVersion: String(this.resourceVersion) };
    if (next < all.length) {
      metadata.continue = this.writeToken(next);
      metadata.remainingItemCount = all.length - next;
    }
    const groupVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    // Items carry neither kind nor apiVersion: the list's kind says what they are.
    const bare = items.map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest);
    return { list: { kind: `${resource.kind}List`, apiVersion: groupVersion, metadata, items: bare }, items };
  }

  private writeToken(offset: number): string {
    const payload = Buffer.from(JSON.stringify({ o: offset, s: this.tokenSecret })).toString('base64url');
    return payload;
  }

  private readToken(token: string): number | undefined {
    try {
      const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; s?: unknown };
      return parsed.s === this.tokenSecret && typeof parsed.o === 'number' ? parsed.o : undefined;
    } catch {
      return undefined;
    }
  }
}

function status(code: number, reason: string, message: string): KubeObject {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function resourceList(group: string, version: string, resources: ServedResource[]): unknown {
  const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
  const entries: KubeObject[] = [];
  for (const r of resources) {
    entries.push({ name: r.resource, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs, storageVersionHash: 'x' });
    // Subresources appear in discovery too; a client must not list them as kinds.
    entries.push({ name: `${r.resource}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: entries };
}

function meta(object: KubeObject): KubeObject & { name: string; namespace?: string; uid?: string; generation?: number } {
  object.metadata ??= {};
  return object.metadata as KubeObject & { name: string; namespace?: string };
}

function keyOf(object: KubeObject): string {
  const m = meta(object);
  return `${m.namespace ?? ''}/${m.name}`;
}

function asObject(value: unknown): KubeObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as KubeObject) : undefined;
}

function setDefault(object: KubeObject | undefined, key: string, value: unknown): void {
  if (object && object[key] === undefined) object[key] = value;
}

/** The pod spec defaults of the API server (pkg/apis/core/v1/defaults.go). */
function defaultPodSpec(spec: KubeObject | undefined): void {
  if (!spec) return;
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'enableServiceLinks', true);
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  setDefault(spec, 'priority', 0);
  if (spec.serviceAccountName !== undefined) setDefault(spec, 'serviceAccount', spec.serviceAccountName);
  for (const type of ['containers', 'initContainers']) {
    for (const container of (spec[type] as KubeObject[] | undefined) ?? []) {
      setDefault(container, 'terminationMessagePath', '/dev/termination-log');
      setDefault(container, 'terminationMessagePolicy', 'File');
      const image = String(container.image ?? '');
      const tagged = /:[^/]+$/.test(image) && !image.endsWith(':latest');
      setDefault(container, 'imagePullPolicy', tagged || image.includes('@') ? 'IfNotPresent' : 'Always');
      setDefault(container, 'resources', {});
      canonicalCpu(asObject(asObject(container.resources)?.limits));
      canonicalCpu(asObject(asObject(container.resources)?.requests));
      for (const port of (container.ports as KubeObject[] | undefined) ?? []) setDefault(port, 'protocol', 'TCP');
    }
  }
}

/** The API server stores quantities in canonical form: a CPU of 0.5 reads back as "500m", 2 as "2". */
function canonicalCpu(values: KubeObject | undefined): void {
  if (!values || values.cpu === undefined) return;
  const cores = typeof values.cpu === 'number' ? values.cpu : /^[0-9]*\.?[0-9]+$/.test(String(values.cpu)) ? Number(values.cpu) : undefined;
  if (cores === undefined) return;
  values.cpu = Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`;
}

function defaultTemplate(template: KubeObject | undefined): void {
  if (!template) return;
  setDefault(template, 'metadata', {});
  const m = asObject(template.metadata);
  if (m) setDefault(m, 'creationTimestamp', null);
  defaultPodSpec(asObject(template.spec));
}

function applyDefaults(kind: string, object: KubeObject): void {
  const spec = asObject(object.spec);
  switch (kind) {
    case 'Pod':
      defaultPodSpec(spec);
      break;
    case 'Deployment':
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'progressDeadlineSeconds', 600);
      setDefault(spec, 'strategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
      defaultTemplate(asObject(spec?.template));
      break;
    case 'StatefulSet':
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'podManagementPolicy', 'OrderedReady');
      setDefault(spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
      setDefault(spec, 'revisionHistoryLimit', 10);
      defaultTemplate(asObject(spec?.template));
      break;
    case 'DaemonSet':
      setDefault(spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
      setDefault(spec, 'revisionHistoryLimit', 10);
      defaultTemplate(asObject(spec?.template));
      break;
    case 'ReplicaSet':
      setDefault(spec, 'replicas', 1);
      defaultTemplate(asObject(spec?.template));
      break;
    case 'Job':
      setDefault(spec, 'backoffLimit', 6);
      setDefault(spec, 'completions', 1);
      setDefault(spec, 'parallelism', 1);
      setDefault(spec, 'completionMode', 'NonIndexed');
      setDefault(spec, 'suspend', false);
      defaultTemplate(asObject(spec?.template));
      break;
    case 'CronJob':
      setDefault(spec, 'concurrencyPolicy', 'Allow');
      setDefault(spec, 'suspend', false);
      setDefault(spec, 'successfulJobsHistoryLimit', 3);
      setDefault(spec, 'failedJobsHistoryLimit', 1);
      defaultTemplate(asObject(asObject(asObject(spec?.jobTemplate)?.spec)?.template));
      break;
    case 'Service': {
      setDefault(spec, 'type', 'ClusterIP');
      setDefault(spec, 'sessionAffinity', 'None');
      if (spec && spec.clusterIP === undefined) {
        spec.clusterIP = '10.96.0.42';
        spec.clusterIPs = ['10.96.0.42'];
      }
      setDefault(spec, 'ipFamilies', ['IPv4']);
      setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
      setDefault(spec, 'internalTrafficPolicy', 'Cluster');
      for (const port of (spec?.ports as KubeObject[] | undefined) ?? []) {
        setDefault(port, 'protocol', 'TCP');
        setDefault(port, 'targetPort', port.port);
      }
      break;
    }
    case 'NetworkPolicy':
      if (spec && spec.policyTypes === undefined) spec.policyTypes = spec.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
      for (const rule of [...((spec?.ingress as KubeObject[] | undefined) ?? []), ...((spec?.egress as KubeObject[] | undefined) ?? [])]) {
        for (const port of (rule.ports as KubeObject[] | undefined) ?? []) setDefault(port, 'protocol', 'TCP');
      }
      break;
    case 'Secret':
      setDefault(object, 'type', 'Opaque');
      break;
    case 'Namespace':
      object.spec = { finalizers: ['kubernetes'] };
      setDefault(meta(object), 'labels', {});
      (meta(object).labels as KubeObject)['kubernetes.io/metadata.name'] = meta(object).name;
      break;
  }
}

function addStatus(kind: string, object: KubeObject): void {
  const spec = asObject(object.spec);
  if (['Deployment', 'StatefulSet', 'ReplicaSet'].includes(kind)) {
    const replicas = typeof spec?.replicas === 'number' ? spec.replicas : 1;
    object.status = { observedGeneration: 1, replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas };
  } else if (kind === 'Pod') {
    object.status = { phase: 'Running', hostIP: '192.168.1.10', qosClass: 'BestEffort', startTime: '2026-11-30T10:00:05Z' };
  } else if (kind === 'Namespace') {
    object.status = { phase: 'Active' };
  } else if (kind === 'Service') {
    object.status = { loadBalancer: {} };
  }
}

function encodeStringData(object: KubeObject): void {
  const stringData = asObject(object.stringData);
  if (!stringData) return;
  const data = (asObject(object.data) ?? {}) as KubeObject;
  for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(String(value)).toString('base64');
  object.data = data;
  delete object.stringData;
}

/** A node as the kubelet registers it. */
export function nodeObject(name: string, kubeletVersion: string, runtime = 'containerd://1.7.22', osImage = 'Ubuntu 24.04.1 LTS', address = '192.168.1.10'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    status: {
      addresses: [{ type: 'InternalIP', address }, { type: 'Hostname', address: name }],
      nodeInfo: { kubeletVersion, kubeProxyVersion: kubeletVersion, containerRuntimeVersion: runtime, osImage, kernelVersion: '6.8.0-45-generic', operatingSystem: 'linux', architecture: 'amd64' },
    },
  };
}

/** What every cluster has before anything is applied: system namespaces, bootstrap RBAC, default service accounts, the CA ConfigMap. */
export function builtInObjects(namespaces: readonly string[]): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  objects.push(
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'cluster-admin', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:node', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'cluster-admin', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }] },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } }, spec: { ports: [{ name: 'https', port: 443, targetPort: 6443 }] } },
  );
  for (const namespace of ['default', 'kube-system', ...namespaces]) {
    objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } });
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace }, data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\n...' } });
  }
  return objects;
}
