/** The shared server layer (docs/server.md): TLS with reload, limits, health, metrics, logs, shutdown, certificates. */
export { startServer, closeOnSignals, sendJson, sendText, DEFAULT_LIMITS, type ServerOptions, type ServerLimits, type RunningServer, type RequestHandler, type RequestContext } from './server.js';
export { readBody, readJsonBody } from './body.js';
export { HttpError } from './errors.js';
export { createLogger, redactFields, silentLogger, REDACTED, type Logger, type LogLevel, type LogFields } from './logger.js';
export { createMetrics, prefixed, METRIC_PREFIX, LATENCY_BUCKETS, type ServerMetrics, type MetricsOptions } from './metrics.js';
export { loadTlsOptions, watchTlsFiles, type TlsFiles, type TlsReloader } from './tls.js';
export { generateCa, generateServingCert, serviceDnsNames, type PemPair, type CaOptions, type ServingCertOptions } from './certs.js';
