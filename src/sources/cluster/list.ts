/**
 * Lists of one kind, in pages as kubectl reads them (`limit=500` and the `continue` token of each
 * page), so that neither the server nor this process holds a whole large list at once. A page may
 * hold fewer items than asked (the server decides); only a missing `continue` ends the list.
 */
import type { JsonObject } from '../../resources/types.js';
import { statusMessage, type ClusterConnection } from './connection.js';
import type { ApiResource } from './discovery.js';

export const PAGE_SIZE = 500;

/** How the list of a kind ended. */
export type ListOutcome =
  | { state: 'read'; items: number; pages: number; inconsistent?: boolean }
  | { state: 'forbidden' | 'unavailable' | 'unauthorized' | 'failed'; items: number; pages: number; status: number; message: string };

export function listPath(resource: ApiResource, namespace: string | undefined): string {
  const base = resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
  return resource.namespaced && namespace !== undefined ? `${base}/namespaces/${encodeURIComponent(namespace)}/${resource.resource}` : `${base}/${resource.resource}`;
}

function stateOf(status: number): 'forbidden' | 'unavailable' | 'unauthorized' | 'failed' {
  if (status === 403) return 'forbidden';
  if (status === 404) return 'unavailable';
  if (status === 401) return 'unauthorized';
  return 'failed';
}

function continueOf(body: JsonObject | undefined): string | undefined {
  const metadata = body?.metadata;
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) return undefined;
  const token = metadata.continue;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/**
 * Reads every item of `resource` (in `namespace`, or all namespaces), yielding each item with its
 * `kind` and `apiVersion` restored from the list (the API server leaves them out of list items),
 * and returns how the list ended. A 410 Expired on a continue token is followed, as the API server offers, with the
 * token of its Status: the rest of the list then comes from a newer snapshot (`inconsistent`).
 */
export async function* listItems(
  connection: ClusterConnection,
  resource: ApiResource,
  namespace: string | undefined,
  pageSize = PAGE_SIZE,
): AsyncGenerator<JsonObject, ListOutcome> {
  const path = listPath(resource, namespace);
  let token: string | undefined;
  let items = 0;
  let pages = 0;
  let inconsistent = false;
  for (;;) {
    const query = `?limit=${pageSize}${token !== undefined ? `&continue=${encodeURIComponent(token)}` : ''}`;
    const response = await connection.get(path + query);
    if (response.status === 410 && token !== undefined && continueOf(response.body) !== undefined && !inconsistent) {
      token = continueOf(response.body);
      inconsistent = true;
      continue;
    }
    if (response.status !== 200 || !response.body) {
      return { state: stateOf(response.status), items, pages, status: response.status, message: statusMessage(response) };
    }
    pages += 1;
    const list = response.body.items;
    if (Array.isArray(list)) {
      for (const item of list) {
        if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
        items += 1;
        yield { apiVersion: resource.apiVersion, kind: resource.kind, ...item };
      }
    }
    token = continueOf(response.body);
    if (token === undefined) return inconsistent ? { state: 'read', items, pages, inconsistent } : { state: 'read', items, pages };
  }
}

/** Drains a list, handing each item to `onItem`; returns how the list ended. */
export async function forEachItem(items: AsyncGenerator<JsonObject, ListOutcome>, onItem: (item: JsonObject) => void): Promise<ListOutcome> {
  for (;;) {
    const next = await items.next();
    if (next.done) return next.value;
    onItem(next.value);
  }
}
