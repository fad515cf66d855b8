/** Every output format `-o` accepts for scan results. */
import type { ReporterFactory } from './reporter.js';
import { jsonReporter } from './json.js';
import { tableReporter } from './table.js';

export const REPORTERS = {
  table: tableReporter,
  json: jsonReporter,
} satisfies Record<string, ReporterFactory>;

export const REPORT_FORMATS = Object.keys(REPORTERS);
