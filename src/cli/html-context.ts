/** What `-o html` adds to a scan's page: the Statement of Applicability of the run, with its document-control header. */
import { builtinChecks } from '../checks/index.js';
import type { AnnexaConfig } from '../isms/config.js';
import { configDigest, inputDigest } from '../posture/digest.js';
import { buildSoa, ScopeCollector } from '../posture/soa.js';
import type { HtmlReportContext } from '../report/html.js';
import type { InputUnit } from '../sources/files.js';
import { VERSION } from '../version.js';

export interface HtmlSoaInput {
  config: AnnexaConfig;
  /** The annexa.yaml that was read, and the name the user gave it (-c) or the default. */
  configFile?: string;
  configName?: string;
  /** The scanned inputs (digested for the header); none for a live cluster. */
  units?: readonly InputUnit[];
  crossResource?: boolean;
}

/** The sink that counts resources per excluded namespace (tee it into the scan) and the page's context. */
export function htmlSoaContext(input: HtmlSoaInput): { sink: ScopeCollector; html: HtmlReportContext } {
  const sink = new ScopeCollector(input.config);
  const now = new Date();
  // Standard input is consumed by the scan: it cannot be digested again, so no digest is claimed.
  const digestible = input.units && input.units.length > 0 && input.units.every((unit) => unit.source !== 'stdin' || unit.text !== undefined);
  const html: HtmlReportContext = {
    time: now.toISOString(),
    soa: (outcome) => buildSoa({
      config: input.config,
      checks: builtinChecks,
      outcome,
      excluded: sink.excluded(),
      provenance: {
        toolVersion: VERSION,
        configDigest: configDigest(input.configFile, input.config),
        ...(input.configFile ? { configFile: input.configName ?? 'annexa.yaml' } : {}),
        ...(digestible ? { inputDigest: inputDigest(input.units!) } : {}),
      },
      ...(input.crossResource === false ? { crossResource: false } : {}),
      now,
    }),
  };
  return { sink, html };
}
