/** Opening the evidence store from the command line, shared by the commands that record or read it. */
import { EvidenceStore } from '../evidence/store.js';
import { isPostgresUrl, redactUrl } from '../evidence/location.js';
import { recordScan } from '../evidence/record-scan.js';
import { UsageError } from './io.js';
import { VERSION } from '../version.js';

export const TOOL = { name: 'annexa', version: VERSION };

/** The store at `location` (undefined: none), or a usage error naming why it cannot be opened. */
export async function openEvidenceStore(location: string | undefined, signingKey?: string): Promise<EvidenceStore | undefined> {
  if (location === undefined) return undefined;
  try {
    return await EvidenceStore.open(location, { tool: TOOL, ...(signingKey !== undefined ? { signingKey } : {}) });
  } catch (error) {
    // A URL's password stays out of messages.
    const shown = isPostgresUrl(location) ? redactUrl(location) : location;
    throw new UsageError(`--store ${shown}: cannot open the evidence store: ${(error as Error).message}`);
  }
}

export async function requireStore(location: string | undefined, signingKey?: string): Promise<EvidenceStore> {
  const store = await openEvidenceStore(location, signingKey);
  if (!store) throw new UsageError('--store PATH|URL is required (or evidence.store in annexa.yaml)');
  return store;
}

/** Records a scan and tells on stderr where it went. */
export async function recordAndTell(store: EvidenceStore, input: Parameters<typeof recordScan>[1]): Promise<void> {
  const { scan, opened } = await recordScan(store, input);
  process.stderr.write(`annexa: recorded scan as evidence record ${scan.seq} (${scan.id}) in ${store.location}`
    + `${opened.length > 0 ? `; opened ${opened.length} nonconformit${opened.length === 1 ? 'y' : 'ies'}` : ''}\n`);
}
