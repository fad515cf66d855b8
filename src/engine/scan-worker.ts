/**
 * A scan worker (see parallel.ts): reads, parses and checks the files it is sent, with findings
 * located while each file's parse tree is held, and replies with one outcome per file.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { builtinChecks } from '../checks/index.js';
import { readBounded } from '../sources/files.js';
import { positionsInFile } from '../sources/locate.js';
import type { Check } from './check.js';
import { CheckSet } from './evaluate.js';
import { packFindings, type FileOutcome, type WorkerReply, type WorkerRequest, type WorkerSetup } from './parallel.js';
import { inventoryRecord, scanText } from './scan.js';

const setup = workerData as WorkerSetup;
// Same order as the main thread's check list, so findings come out in the same order.
const byId = new Map<string, Check>(builtinChecks.map((check) => [check.id, check]));
const checks = new CheckSet(setup.checkIds.flatMap((id) => byId.get(id) ?? []), setup.config.checks.disabled);
const ctx = { config: setup.config };

function scanFile(file: string): FileOutcome {
  const read = readBounded(file, setup.maxFileBytes);
  if ('error' in read) return read;
  const outcome = scanText(read.text, { source: 'file', file }, checks, ctx, setup.limits, (resource) => inventoryRecord(resource, checks));
  packFindings(outcome, byId);
  return outcome;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

parentPort!.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  if ('locate' in request) {
    try {
      reply = { locate: request.locate, positions: request.groups.map((group) => positionsInFile(group.file, group.requests)) };
    } catch (error) {
      reply = { locate: request.locate, failure: message(error) };
    }
  } else {
    try {
      reply = { batch: request.batch, outcomes: request.files.map(scanFile) };
    } catch (error) {
      reply = { batch: request.batch, failure: message(error) };
    }
  }
  parentPort!.postMessage(reply);
});
