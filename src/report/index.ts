/** Every output format `-o` accepts for scan results. */
import type { ReporterFactory } from './reporter.js';
import { jsonReporter } from './json.js';
import { tableReporter } from './table.js';
import { sarifReporter } from './sarif.js';
import { junitReporter } from './junit.js';
import { markdownReporter } from './markdown.js';
import { policyReportReporter } from './policyreport-yaml.js';
import { htmlReporter } from './html.js';
import { oscalReporter } from './oscal.js';

export const REPORTERS = {
  table: tableReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  junit: junitReporter,
  markdown: markdownReporter,
  policyreport: policyReportReporter,
  html: htmlReporter,
  oscal: oscalReporter,
} satisfies Record<string, ReporterFactory>;

export const REPORT_FORMATS = Object.keys(REPORTERS);
