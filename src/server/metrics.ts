/**
 * Prometheus metrics for the servers: one prom-client Registry per server (never the global one,
 * so that two servers in one process, or tests, do not collide), default process metrics, and
 * counters/histograms whose names always carry the `annexa_` prefix.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics, type CounterConfiguration, type HistogramConfiguration } from 'prom-client';

export const METRIC_PREFIX = 'annexa_';

/** Latency buckets in seconds, from 0.5 ms to 5 s: admission answers are expected in single milliseconds. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface ServerMetrics {
  registry: Registry;
  counter<L extends string>(name: string, help: string, labelNames?: readonly L[]): Counter<L>;
  histogram<L extends string>(name: string, help: string, labelNames?: readonly L[], buckets?: number[]): Histogram<L>;
  /** HTTP requests served, by route, method and status code (filled by startServer). */
  httpRequests: Counter<'route' | 'method' | 'code'>;
  /** HTTP request duration in seconds, by route (filled by startServer). */
  httpDuration: Histogram<'route'>;
  /** The text exposition format and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

export interface MetricsOptions {
  /** Collect the default process metrics (CPU, memory, event loop lag, …); default true. */
  defaultMetrics?: boolean;
  /** Labels added to every series (e.g. { component: 'webhook' }). */
  defaultLabels?: Record<string, string>;
}

export function prefixed(name: string): string {
  return name.startsWith(METRIC_PREFIX) ? name : `${METRIC_PREFIX}${name}`;
}

export function createMetrics(options: MetricsOptions = {}): ServerMetrics {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> => {
    const config: CounterConfiguration<L> = { name: prefixed(name), help, labelNames, registers: [registry] };
    return new Counter<L>(config);
  };
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[] = [], buckets = LATENCY_BUCKETS): Histogram<L> => {
    const config: HistogramConfiguration<L> = { name: prefixed(name), help, labelNames, buckets, registers: [registry] };
    return new Histogram<L>(config);
  };
  return {
    registry,
    counter,
    histogram,
    httpRequests: counter('http_requests_total', 'HTTP requests served, by route, method and status code', ['route', 'method', 'code'] as const),
    httpDuration: histogram('http_request_duration_seconds', 'HTTP request duration in seconds, by route', ['route'] as const),
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
