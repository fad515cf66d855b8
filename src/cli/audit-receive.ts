/**
 * `annexa audit receive`: the API server's audit webhook target; `annexa audit receive manifests`:
 * the kubeconfig for the API server's --audit-webhook-config-file.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { startAuditReceiver, DEFAULT_RECEIVER_BODY } from '../audit/receiver.js';
import { closeOnSignals, createLogger } from '../server/index.js';
import { loadConfig } from '../isms/config.js';
import { builtinCheckIds } from '../checks/index.js';
import { parseSize } from '../sources/files.js';
import { EXIT, noteConfig, openOutput, UsageError } from './io.js';
import { requireStore } from './evidence-io.js';
import { auditSettings } from './audit.js';

interface ReceiveFlags {
  port: string;
  host?: string;
  tlsCert?: string;
  tlsKey?: string;
  clientCa?: string;
  token?: string;
  tokenFile?: string;
  store?: string;
  signingKey?: string;
  config?: string;
  maxBodySize: string;
  burstThreshold?: string;
  burstWindow?: string;
  dedupeWindow?: string;
}

export function auditReceiveCommand(): Command {
  const receive = new Command('receive')
    .description('receive audit events from the API server\'s webhook backend (HTTPS, bearer token or client certificate), record them and their detections in the evidence store')
    .option('--port <port>', 'port to listen on', '8443')
    .option('--host <address>', 'address to listen on (default: all)')
    .option('--tls-cert <file>', 'serving certificate (PEM); reloaded when it changes')
    .option('--tls-key <file>', 'serving key (PEM)')
    .option('--client-ca <file>', 'accept clients presenting a certificate from this CA (mutual TLS)')
    .option('--token <token>', 'bearer token the API server presents (visible in the process list: prefer --token-file)')
    .option('--token-file <file>', 'file holding the bearer token')
    .option('--store <path|url>', 'evidence store (SQLite file or postgres:// URL; default: evidence.store in annexa.yaml)')
    .option('--signing-key <file>', 'Ed25519 key (PEM) that signs the store\'s checkpoints')
    .option('-c, --config <file>', 'annexa.yaml (audit settings, evidence store)')
    .option('--max-body-size <size>', 'largest EventList accepted (413 above)', '16MiB')
    .option('--burst-threshold <n>', 'authorization failures that make a burst (default 10)')
    .option('--burst-window <seconds>', 'the burst window (default 60)')
    .option('--dedupe-window <n>', 'requests whose stages are merged at once (default 10000)')
    .action(async function (this: Command) {
      this.setOptionValue('exitCode', await runReceive(this.opts<ReceiveFlags>()));
    });
  receive.addCommand(manifestsCommand());
  return receive;
}

function readToken(flags: ReceiveFlags): string | undefined {
  if (flags.token !== undefined && flags.tokenFile !== undefined) throw new UsageError('give --token or --token-file, not both');
  if (flags.tokenFile === undefined) {
    if (flags.token !== undefined && flags.token.trim() === '') throw new UsageError('--token is empty');
    return flags.token;
  }
  let text: string;
  try {
    text = readFileSync(flags.tokenFile, 'utf8').trim();
  } catch (error) {
    throw new UsageError(`--token-file ${flags.tokenFile}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (text === '') throw new UsageError(`--token-file ${flags.tokenFile}: the file is empty`);
  return text;
}

async function runReceive(flags: ReceiveFlags): Promise<number> {
  if (!flags.tlsCert || !flags.tlsKey) throw new UsageError('--tls-cert and --tls-key are required: the API server sends audit events only over HTTPS');
  const token = readToken(flags);
  if (!token && !flags.clientCa) throw new UsageError('give --token-file (or --token) or --client-ca: the receiver accepts evidence only from an authenticated API server');
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not "${flags.port}"`);
  const maxBody = parseSize(flags.maxBodySize);
  if (maxBody === undefined || maxBody <= 0) throw new UsageError(`--max-body-size: cannot read "${flags.maxBodySize}" as a size`);
  const { config, file: configFile } = loadConfig(flags.config, process.cwd(), builtinCheckIds);
  noteConfig(flags.config, configFile);
  const settings = auditSettings(config, flags);
  const store = await requireStore(flags.store ?? config.evidence?.store, flags.signingKey ?? config.evidence?.signingKey);
  const logger = createLogger();
  let receiver;
  try {
    receiver = await startAuditReceiver({
      ...(flags.host ? { host: flags.host } : {}),
      port,
      tls: { certFile: flags.tlsCert, keyFile: flags.tlsKey, ...(flags.clientCa ? { clientCaFile: flags.clientCa } : {}) },
      ...(token ? { token } : {}),
      store,
      maxBodyBytes: maxBody ?? DEFAULT_RECEIVER_BODY,
      analyzer: settings,
      logger,
      onDetection: (d) => logger.info('detection', { ruleId: d.ruleId, severity: d.severity, user: d.user, message: d.message, auditID: d.auditID }),
    });
  } catch (error) {
    await store.close();
    throw new UsageError(`audit receive: ${(error as Error).message}`);
  }
  const started = receiver;
  await new Promise<void>((resolve) => {
    closeOnSignals(started.running, logger, () => resolve());
  });
  await started.close();
  await store.close();
  logger.info('audit receiver stopped', { ...started.stats });
  return EXIT.ok;
}

interface ManifestFlags {
  url: string;
  caFile?: string;
  tokenPath: string;
  clientCert?: string;
  clientKey?: string;
  outputFile?: string;
}

function manifestsCommand(): Command {
  return new Command('manifests')
    .description('write the kubeconfig the API server reads with --audit-webhook-config-file to send its audit events to the receiver')
    .requiredOption('--url <url>', 'the receiver as the API server reaches it, e.g. https://annexa-audit.annexa.svc:8443/audit')
    .option('--ca-file <file>', 'CA that signed the receiver\'s serving certificate (embedded as certificate-authority-data)')
    .option('--token-path <path>', 'where the token file sits on the control-plane node (referenced, never embedded)', '/etc/kubernetes/annexa-audit/token')
    .option('--client-cert <path>', 'client certificate path on the node, for mutual TLS instead of a token')
    .option('--client-key <path>', 'client key path on the node')
    .option('--output-file <file>', 'write to a file instead of stdout')
    .action(function (this: Command) {
      const flags = this.opts<ManifestFlags>();
      const output = openOutput(flags.outputFile);
      output.write(webhookKubeconfig(flags));
      output.close();
      this.setOptionValue('exitCode', EXIT.ok);
    });
}

export function webhookKubeconfig(flags: ManifestFlags): string {
  let url: URL;
  try {
    url = new URL(flags.url);
  } catch {
    throw new UsageError(`--url: "${flags.url}" is not a URL`);
  }
  if (url.protocol !== 'https:') throw new UsageError('--url must be https: the receiver only speaks TLS');
  if (Boolean(flags.clientCert) !== Boolean(flags.clientKey)) throw new UsageError('--client-cert and --client-key go together');
  const cluster: Record<string, string> = { server: url.toString() };
  if (flags.caFile) {
    try {
      cluster['certificate-authority-data'] = readFileSync(flags.caFile).toString('base64');
    } catch (error) {
      throw new UsageError(`--ca-file ${flags.caFile}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  const user = flags.clientCert ? { 'client-certificate': flags.clientCert, 'client-key': flags.clientKey! } : { tokenFile: flags.tokenPath };
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'annexa-audit', cluster }],
    users: [{ name: 'kube-apiserver', user }],
    contexts: [{ name: 'annexa-audit', context: { cluster: 'annexa-audit', user: 'kube-apiserver' } }],
    'current-context': 'annexa-audit',
  };
  return [
    '# Audit webhook backend for kube-apiserver (annexa audit receive manifests). Start the API server with:',
    '#   --audit-policy-file=/etc/kubernetes/audit-policy.yaml   (annexa audit policy --generate)',
    '#   --audit-webhook-config-file=/etc/kubernetes/annexa-audit/webhook.kubeconfig   (this file)',
    '#   --audit-webhook-mode=batch   (batches are retried with backoff when the receiver answers 503: delayed, not lost)',
    '#   --audit-webhook-batch-max-size=400',
    stringify(kubeconfig),
  ].join('\n');
}
