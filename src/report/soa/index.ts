/** SoA output formats for `annexa soa -o`. */
import type { StatementOfApplicability } from '../../posture/soa.js';
import { soaCsv } from './csv.js';
import { soaHtml } from './html.js';
import { soaJson } from './json.js';
import { soaMarkdown } from './markdown.js';

export const SOA_RENDERERS: Readonly<Record<string, (soa: StatementOfApplicability) => string>> = {
  csv: soaCsv,
  markdown: soaMarkdown,
  json: soaJson,
  html: soaHtml,
};

export const SOA_FORMATS = Object.keys(SOA_RENDERERS);
