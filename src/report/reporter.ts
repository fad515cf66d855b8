/** Reporters consume the scan's events and write one output format. */
import type { ScanSink } from '../engine/scan.js';
import type { ScanOutcome } from '../posture/outcome.js';
import type { HtmlReportContext } from './html.js';

export interface ReporterOptions {
  /** Writes a piece of the output (stdout or --output-file). */
  write(chunk: string): void;
  color: boolean;
  toolVersion: string;
  /** The directory file locations are relative to (SARIF artifact URIs); default: the working directory. */
  root?: string;
  /** `-o policyreport`: wgpolicyk8s.io/v1alpha2 (default) or openreports.io/v1alpha1. */
  policyReportApi?: 'wgpolicyk8s' | 'openreports';
  /** A report filter (-n, --severity) hides some findings: no reporter may read an absent finding as a pass. */
  filtered?: boolean;
  /** `-o html`: what the command adds to the page (the Statement of Applicability of the run). */
  html?: HtmlReportContext;
}

export interface Reporter extends ScanSink {
  finish(outcome: ScanOutcome): void;
}

export type ReporterFactory = (options: ReporterOptions) => Reporter;

/** The report could not be written (disk full, file too large, I/O error): the command exits 2 with this message. */
export class OutputError extends Error {
  override name = 'OutputError';
}
