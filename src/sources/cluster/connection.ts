/**
 * A connection to a Kubernetes API server, configured by `@kubernetes/client-node` exactly as
 * kubectl would be: kubeconfig files (KUBECONFIG, ~/.kube/config, --kubeconfig), contexts, the
 * in-cluster service account, bearer tokens, client certificates and exec credential plugins.
 *
 * Requests are made here with node:http(s) and the agent, headers and TLS material client-node
 * computes (`applyToHTTPSOptions`), and bodies are parsed as plain JSON. The generated typed API of
 * client-node is not used on purpose: it turns objects into model classes (timestamps become Date
 * objects, unknown fields are dropped), and the checks must see the object the API server sent,
 * as they see a manifest.
 */
import { existsSync } from 'node:fs';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject } from '../../resources/types.js';
import { loadClientNode } from './client-node.js';
import type { KubeConfig } from '@kubernetes/client-node';

export interface ConnectionOptions {
  kubeconfig?: string;
  context?: string;
  /** Use the pod's service account (KUBERNETES_SERVICE_HOST, /var/run/secrets/...). */
  inCluster?: boolean;
  /** Prefix of /var/run/secrets/kubernetes.io/serviceaccount for `inCluster` (tests). */
  inClusterPathPrefix?: string;
  /** Per request, in ms. */
  timeoutMs?: number;
}

export type ApiResponse = { status: number; body: JsonObject | undefined };

/** What a kubeconfig could not provide: reported as a usage error (exit 2). */
export class ClusterConfigError extends Error {
  override name = 'ClusterConfigError';
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const MAX_BODY_BYTES = 512 * 1024 * 1024;

export class ClusterConnection {
  private constructor(
    readonly server: string,
    /** The context's name ("inClusterContext" in a pod). */
    readonly context: string,
    /** The context's default namespace (as kubectl: "default" when it names none). */
    readonly namespace: string,
    /** The kubeconfig's name for the context's cluster ("inCluster" in a pod). */
    readonly cluster: string,
    private readonly prepare: (options: RequestOptions) => Promise<void>,
    private readonly timeoutMs: number,
    /** The loaded kubeconfig, for client-node's own clients (the watch informers). */
    readonly kubeConfig: KubeConfig,
  ) {}

  static async open(options: ConnectionOptions): Promise<ClusterConnection> {
    const { KubeConfig } = await loadClientNode();
    const config = new KubeConfig();
    try {
      if (options.kubeconfig !== undefined) config.loadFromFile(options.kubeconfig);
      else if (options.inCluster) config.loadFromCluster(options.inClusterPathPrefix);
      else if (!process.env.KUBECONFIG && !existsSync(join(homedir(), '.kube', 'config')) && !existsSync(SERVICE_ACCOUNT_TOKEN)) {
        throw new ClusterConfigError('no kubeconfig: set KUBECONFIG, create ~/.kube/config, pass --kubeconfig FILE, or run in a pod (--in-cluster)');
      } else config.loadFromDefault();
    } catch (error) {
      if (error instanceof ClusterConfigError) throw error;
      // The first line only: YAML parser messages go on to quote the text around the error, and a kubeconfig holds tokens and keys.
      const reason = String((error as Error).message).split('\n')[0];
      throw new ClusterConfigError(`cannot load the kubeconfig${options.kubeconfig ? ` "${options.kubeconfig}"` : ''}: ${reason}`);
    }
    if (options.context !== undefined) {
      if (!config.getContextObject(options.context)) throw new ClusterConfigError(`the kubeconfig has no context "${options.context}" (contexts: ${config.getContexts().map((c) => c.name).join(', ') || 'none'})`);
      config.setCurrentContext(options.context);
    }
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new ClusterConfigError(`the context "${config.getCurrentContext()}" names no cluster`);
    const context = config.getContextObject(config.getCurrentContext());
    const prepare = async (requestOptions: RequestOptions) => {
      try {
        await config.applyToHTTPSOptions(requestOptions);
      } catch (error) {
        // An exec plugin that failed, an unreadable certificate file: the credentials, not the server.
        throw new ClusterConfigError(`cannot get credentials for the context "${config.getCurrentContext()}": ${(error as Error).message}`);
      }
    };
    return new ClusterConnection(cluster.server.replace(/\/+$/, ''), config.getCurrentContext(), context?.namespace ?? 'default', cluster.name, prepare, options.timeoutMs ?? 60_000, config);
  }

  /**
   * Credentials are prepared once and reused, as client-go does: an exec plugin that gives no
   * expiry would otherwise run for every request. A 401 prepares them again and retries once
   * (a token that expired during a long scan).
   */
  private prepared: Promise<RequestOptions> | undefined;

  private credentials(fresh: boolean): Promise<RequestOptions> {
    if (fresh || !this.prepared) {
      const options: RequestOptions = { method: 'GET', headers: { accept: 'application/json' } };
      this.prepared = this.prepare(options).then(() => options);
    }
    return this.prepared;
  }

  /** GET `path` (with its query) and parse the JSON body; a body that is not JSON is `undefined`. */
  async get(path: string): Promise<ApiResponse> {
    const first = await this.send(path, await this.credentials(false));
    if (first.status !== 401) return first;
    return this.send(path, await this.credentials(true));
  }

  /**
   * A write (`annexa watch --policyreports` keeps its reports): POST, PUT or DELETE with a JSON
   * body; a 401 prepares the credentials again and retries once, as `get` does.
   */
  async write(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: JsonObject): Promise<ApiResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const withMethod = (base: RequestOptions): RequestOptions => ({
      ...base, method, headers: { ...base.headers, ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
    });
    const first = await this.send(path, withMethod(await this.credentials(false)), payload);
    if (first.status !== 401) return first;
    return this.send(path, withMethod(await this.credentials(true)), payload);
  }

  private send(path: string, options: RequestOptions, payload?: string): Promise<ApiResponse> {
    const url = new URL(this.server + path);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<ApiResponse>((resolve, reject) => {
      const req = send(url, { ...options, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) {
            req.destroy(new Error(`response to ${url.pathname} is larger than ${MAX_BODY_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parseBody(Buffer.concat(chunks).toString('utf8')) }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer from ${this.server} within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

function parseBody(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

/** The message of a Kubernetes Status body, or the HTTP status when there is none. */
export function statusMessage(response: ApiResponse): string {
  const message = response.body?.message;
  return typeof message === 'string' && message !== '' ? message : `HTTP ${response.status}`;
}
