/** Run by the audit benchmark in a fresh process: analyses one log file and prints events, detections and peak memory. */
import { analyzeFiles } from '../src/audit/analyze.js';

const file = process.argv[2];
if (!file) throw new Error('usage: audit-child FILE');
const started = performance.now();
const result = await analyzeFiles([file]);
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ events: result.events, records: result.records, detections: result.detections.length, errors: result.errors.length, ms, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
