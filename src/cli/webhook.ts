/**
 * `annexa webhook serve|manifests|certs`: the validating admission webhook (docs/commands/webhook.md).
 * Argument parsing and wiring only; the decision is src/admission/, the server src/server/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { builtinCheckIds, builtinChecks } from '../checks/index.js';
import { loadConfig } from '../isms/config.js';
import { SEVERITIES, type Severity } from '../resources/types.js';
import { ADMISSION_MODES, admissionSettings, type AdmissionMode } from '../admission/settings.js';
import { createWebhookHandler, VALIDATE_PATH, type AdmissionExtension } from '../admission/webhook.js';
import { loadPolicyDirectory, policyExtension } from '../cel/policy-source.js';
import { createAdmissionRecorder, type AdmissionRecorder } from '../admission/record.js';
import { webhookManifests, DEFAULT_IMAGE, type ManifestOptions } from '../admission/manifests.js';
import { closeOnSignals, createLogger, createMetrics, generateCa, generateServingCert, serviceDnsNames, startServer, type LogLevel } from '../server/index.js';
import { openEvidenceStore } from './evidence-io.js';
import { noteConfig, openOutput, reportProblems, UsageError, EXIT } from './io.js';

interface ServeFlags {
  port: string;
  host: string;
  tlsCert?: string;
  tlsKey?: string;
  clientCa?: string;
  config?: string;
  mode?: AdmissionMode;
  failOn?: Severity;
  store?: string;
  signingKey?: string;
  policy: string[];
  logLevel: LogLevel;
  shutdownTimeout: string;
}

export function webhookCommand(): Command {
  const command = new Command('webhook').description('Validating admission webhook: serve it, or write its manifests and certificates');
  command.addCommand(serveCommand());
  command.addCommand(manifestsCommand());
  command.addCommand(certsCommand());
  return command;
}

function serveCommand(): Command {
  return new Command('serve')
    .description(`Serve AdmissionReviews on POST ${VALIDATE_PATH} over HTTPS with the same checks as scan`)
    .option('--port <port>', 'port to listen on (0: any free port)', '8443')
    .option('--host <address>', 'address to listen on', '0.0.0.0')
    .option('--tls-cert <file>', 'serving certificate (PEM); reloaded when it changes')
    .option('--tls-key <file>', 'private key of the certificate (PEM)')
    .option('--client-ca <file>', 'require client certificates from this CA (mutual TLS with the API server)')
    .option('--config <file>', 'annexa.yaml (default: ./annexa.yaml when present)')
    .option('--policy <dir>', 'directory of custom ValidatingAdmissionPolicy objects (bindings and params beside them) to enforce as well; repeatable', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .addOption(new Option('--mode <mode>', 'enforce (deny), warn (allow with warnings) or audit (allow, record); default admission.mode or enforce').choices(ADMISSION_MODES))
    .addOption(new Option('--fail-on <severity>', 'deny at or above this severity in enforce mode; default admission.failOn or high').choices(SEVERITIES))
    .option('--store <path|url>', 'record decisions in this evidence store (default: evidence.store in annexa.yaml)')
    .option('--signing-key <file>', 'Ed25519 key (PEM) that signs the store\'s checkpoints')
    .addOption(new Option('--log-level <level>', 'log level (JSON lines on stderr)').choices(['debug', 'info', 'warn', 'error']).default('info'))
    .option('--shutdown-timeout <seconds>', 'longest wait for in-flight reviews at shutdown', '10')
    .action(async function (this: Command) {
      this.setOptionValue('exitCode', await runServe(this.opts<ServeFlags>()));
    });
}

function port(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, not "${value}"`);
  return n;
}

function seconds(value: string, flag: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${flag} must be a number of seconds, not "${value}"`);
  return n;
}

async function runServe(flags: ServeFlags): Promise<number> {
  const listenPort = port(flags.port);
  const shutdownMs = seconds(flags.shutdownTimeout, '--shutdown-timeout') * 1000;
  if (!flags.tlsCert || !flags.tlsKey) throw new UsageError('webhook serve needs --tls-cert and --tls-key: the API server calls webhooks over HTTPS only (annexa webhook certs makes a pair)');
  const { config, file: configFile } = loadConfig(flags.config, process.cwd(), builtinCheckIds);
  noteConfig(flags.config, configFile);
  const settings = admissionSettings(config, { ...(flags.mode ? { mode: flags.mode } : {}), ...(flags.failOn ? { failOn: flags.failOn } : {}) });
  const extensions: AdmissionExtension[] = [];
  for (const dir of flags.policy) {
    const loaded = loadPolicyDirectory(dir);
    reportProblems(loaded.errors);
    if (loaded.errors.length > 0) throw new UsageError(`--policy ${dir}: ${loaded.errors.length} problem${loaded.errors.length === 1 ? '' : 's'} above; the webhook does not start with a policy it cannot enforce`);
    if (loaded.policies.length === 0) throw new UsageError(`--policy ${dir}: no ValidatingAdmissionPolicy found`);
    extensions.push(policyExtension(loaded));
  }
  const logger = createLogger({ level: flags.logLevel, base: { component: 'annexa-webhook' } });
  const metrics = createMetrics({ defaultLabels: { component: 'webhook' } });
  const store = await openEvidenceStore(flags.store ?? config.evidence?.store, flags.signingKey ?? config.evidence?.signingKey);
  const recorder: AdmissionRecorder | undefined = store ? createAdmissionRecorder({ store, config, logger }) : undefined;
  let server;
  try {
    server = await startServer({
      host: flags.host,
      port: listenPort,
      tls: { certFile: flags.tlsCert, keyFile: flags.tlsKey, ...(flags.clientCa ? { clientCaFile: flags.clientCa } : {}) },
      limits: { shutdownDeadlineMs: shutdownMs, handlerTimeoutMs: 10_000 },
      logger,
      metrics,
      routeOf: (path) => (path === VALIDATE_PATH || path === '/healthz' || path === '/readyz' || path === '/metrics' ? path : 'other'),
      handler: createWebhookHandler({ checks: builtinChecks, config, settings, extensions, logger, metrics, ...(recorder ? { recorder } : {}) }),
    });
  } catch (error) {
    await store?.close();
    throw new UsageError(`cannot start the webhook: ${(error as Error).message}`);
  }
  logger.info('admission webhook ready', { mode: settings.mode, failOn: settings.failOn, recording: Boolean(store), policyDirectories: flags.policy.length });
  const running = server;
  await new Promise<void>((resolve) => {
    closeOnSignals(running, logger, () => resolve());
  });
  await recorder?.close();
  await store?.close();
  return EXIT.ok;
}

interface ManifestFlags {
  namespace: string;
  image: string;
  name: string;
  caBundle?: string;
  failurePolicy: 'Fail' | 'Ignore';
  timeoutSeconds: string;
  config?: string;
  output: 'yaml' | 'json';
  outputFile?: string;
}

function manifestsCommand(): Command {
  return new Command('manifests')
    .description('Print the manifests that run the webhook in a cluster (Namespace, ServiceAccount, Deployment, PDB, Service, ValidatingWebhookConfiguration)')
    .requiredOption('-n, --namespace <namespace>', 'namespace the webhook runs in')
    .option('--image <image>', 'container image (pin a digest in production)', DEFAULT_IMAGE)
    .option('--name <name>', 'name of the Service, Deployment and webhook objects', 'annexa-webhook')
    .option('--ca-bundle <file>', 'CA certificate (PEM) that signed the serving certificate; its base64 becomes caBundle (annexa webhook certs writes ca.crt)')
    .addOption(new Option('--failure-policy <policy>', 'what the API server does when the webhook cannot be reached').choices(['Fail', 'Ignore']).default('Fail'))
    .option('--timeout-seconds <n>', 'webhook call timeout (1 to 30)', '5')
    .option('--config <file>', 'annexa.yaml: its admission.exemptNamespaces become the namespaceSelector')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--output-file <file>', 'write to a file instead of stdout')
    .action(async function (this: Command) {
      this.setOptionValue('exitCode', await runManifests(this.opts<ManifestFlags>()));
    });
}

async function runManifests(flags: ManifestFlags): Promise<number> {
  const timeout = Number(flags.timeoutSeconds);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 30) throw new UsageError(`--timeout-seconds must be a whole number from 1 to 30, not "${flags.timeoutSeconds}"`);
  const { config } = loadConfig(flags.config, process.cwd(), builtinCheckIds);
  const options: ManifestOptions = {
    namespace: flags.namespace,
    name: flags.name,
    image: flags.image,
    failurePolicy: flags.failurePolicy,
    timeoutSeconds: timeout,
    exemptNamespaces: config.admission?.exemptNamespaces ?? [],
  };
  if (flags.caBundle) options.caBundlePem = readCaBundle(flags.caBundle);
  const output = openOutput(flags.outputFile);
  output.write(webhookManifests(options, flags.output));
  output.close();
  return EXIT.ok;
}

function readCaBundle(file: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate in it');
    return text;
  } catch (error) {
    throw new UsageError(`--ca-bundle ${file}: ${(error as Error).message}`);
  }
}

interface CertsFlags {
  service: string;
  namespace: string;
  outDir: string;
  days: string;
}

function certsCommand(): Command {
  return new Command('certs')
    .description('Create a CA and a serving certificate for the webhook Service (for clusters without cert-manager)')
    .option('--service <name>', 'Service name', 'annexa-webhook')
    .requiredOption('-n, --namespace <namespace>', 'namespace of the Service')
    .option('--out-dir <dir>', 'where ca.crt, ca.key, tls.crt and tls.key are written', '.')
    .option('--days <n>', 'validity of the serving certificate in days', '365')
    .action(async function (this: Command) {
      this.setOptionValue('exitCode', await runCerts(this.opts<CertsFlags>()));
    });
}

async function runCerts(flags: CertsFlags): Promise<number> {
  const days = Number(flags.days);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new UsageError(`--days must be a whole number from 1 to 3650, not "${flags.days}"`);
  const ca = await generateCa({ commonName: `${flags.service}.${flags.namespace} webhook CA` });
  const serving = await generateServingCert(ca, { commonName: `${flags.service}.${flags.namespace}.svc`, dnsNames: serviceDnsNames(flags.service, flags.namespace), days });
  mkdirSync(flags.outDir, { recursive: true });
  writeFileSync(join(flags.outDir, 'ca.crt'), ca.certPem);
  writeFileSync(join(flags.outDir, 'ca.key'), ca.keyPem, { mode: 0o600 });
  writeFileSync(join(flags.outDir, 'tls.crt'), serving.certPem);
  writeFileSync(join(flags.outDir, 'tls.key'), serving.keyPem, { mode: 0o600 });
  process.stderr.write(`annexa: wrote ca.crt, ca.key, tls.crt and tls.key to ${flags.outDir} for ${serviceDnsNames(flags.service, flags.namespace).join(', ')}\n`
    + `annexa: note: kubectl -n ${flags.namespace} create secret tls ${flags.service}-tls --cert=${join(flags.outDir, 'tls.crt')} --key=${join(flags.outDir, 'tls.key')}; `
    + `annexa webhook manifests -n ${flags.namespace} --ca-bundle ${join(flags.outDir, 'ca.crt')}; keep ca.key offline\n`);
  return EXIT.ok;
}
