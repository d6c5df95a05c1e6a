/**
 * Walks the page-numbered lists of monday's API: `users`, `boards`,
 * `updates` and `audit_logs`.
 *
 * @module
 */

import {
  checkSelection,
  DEFAULT_PAGE_FIELDS,
  PAGE_ARGUMENTS,
  PAGE_SIZES,
  pageDocument,
  type PagedResource,
} from "./_documents.ts";
import type { GraphQLRequester } from "./types.ts";

export type { PagedResource };

/** Options of {@linkcode paginatePages}. */
export interface PaginatePagesOptions {
  /**
   * The fields to select per record (for `audit_logs`: per log entry).
   *
   * @default {users: "id name email", boards: "id name", updates: "id body created_at", audit_logs: "timestamp event slug ip_address user { id }"}
   */
  fields?: string;
  /**
   * Records per page.
   *
   * @default {users 200 (max 1000), boards 100 (max 500), updates 100 (max 100), audit_logs 100 (max 1000)}
   */
  pageSize?: number;
  /**
   * The resource's filter arguments, sent as variables, e.g.
   * `{ ids: ["1"] }` or, for `audit_logs`, `{ events: ["login"], start_time: "2026-01-01T00:00:00Z" }`.
   *
   * @default {{}}
   */
  filters?: Record<string, unknown>;
  /**
   * The first page to read.
   *
   * @default {1}
   */
  startPage?: number;
  /** Stops the walk. */
  signal?: AbortSignal;
  /**
   * The `API-Version` for these requests.
   *
   * @default {the client's}
   */
  apiVersion?: string;
}

interface AuditPage<T> {
  logs: T[] | null;
  pagination: {
    page: number | null;
    has_more_pages: boolean | null;
    next_page_number: number | null;
  } | null;
}

/**
 * Yields every record of a page-numbered list, one page per request, until
 * a page comes back short (or, for `audit_logs`, until `has_more_pages` is
 * false).
 *
 * @typeParam T The record type.
 * @param client The client that sends the requests.
 * @param resource `users`, `boards`, `updates` or `audit_logs`.
 * @param options Fields, page size, filters, first page and signal.
 * @returns An async iterable of records.
 * @throws {TypeError} When the resource, a filter name or `fields` is invalid.
 * @throws {RangeError} When `pageSize` or `startPage` is out of range.
 *
 * @example List every user
 * ```ts
 * import { MondayClient } from "./client.ts";
 * import { paginatePages } from "./paginate_pages.ts";
 * import { startEmulator } from "../emulator/mod.ts";
 *
 * await using emulator = await startEmulator({ users: 30 });
 * const client = new MondayClient({ token: emulator.credentials.apiToken, apiUrl: emulator.apiUrl });
 * const emails: string[] = [];
 * for await (const user of paginatePages<{ email: string }>(client, "users", { pageSize: 10 })) {
 *   emails.push(user.email);
 * }
 * console.log(emails.length);
 * ```
 */
export function paginatePages<T = Record<string, unknown>>(
  client: GraphQLRequester,
  resource: PagedResource,
  options: PaginatePagesOptions = {},
): AsyncGenerator<T, void, undefined> {
  const types = PAGE_ARGUMENTS[resource];
  if (!Object.hasOwn(PAGE_ARGUMENTS, resource) || !types) {
    throw new TypeError(
      `Invalid resource '${String(resource)}': expected one of ${
        Object.keys(PAGE_ARGUMENTS).map((r) => `'${r}'`).join(", ")
      }`,
    );
  }
  const sizes = PAGE_SIZES[resource];
  const pageSize = options.pageSize ?? sizes.default;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > sizes.max) {
    throw new RangeError(
      `Invalid 'pageSize' for '${resource}': expected an integer from 1 to ${sizes.max}, got '${pageSize}'`,
    );
  }
  const startPage = options.startPage ?? 1;
  if (!Number.isInteger(startPage) || startPage < 1) {
    throw new RangeError(
      `Invalid 'startPage': expected an integer from 1, got '${startPage}'`,
    );
  }
  const filters = options.filters ?? {};
  const names = Object.keys(filters).filter((k) => filters[k] !== undefined);
  for (const name of names) {
    if (!Object.hasOwn(types, name) || name === "limit" || name === "page") {
      throw new TypeError(
        `Invalid filter '${name}' for '${resource}': expected one of ${
          Object.keys(types).map((k) => `'${k}'`).join(", ")
        }`,
      );
    }
  }
  const fields = checkSelection(
    options.fields ?? DEFAULT_PAGE_FIELDS[resource],
    "fields",
  );
  const document = pageDocument(resource, fields, names);
  return walk<T>(client, resource, document, pageSize, startPage, names, {
    filters,
    options,
  });
}

async function* walk<T>(
  client: GraphQLRequester,
  resource: PagedResource,
  document: string,
  pageSize: number,
  startPage: number,
  names: string[],
  { filters, options }: {
    filters: Record<string, unknown>;
    options: PaginatePagesOptions;
  },
): AsyncGenerator<T, void, undefined> {
  const requestOptions = {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.apiVersion ? { apiVersion: options.apiVersion } : {}),
  };
  let page = startPage;
  while (true) {
    options.signal?.throwIfAborted();
    const variables: Record<string, unknown> = { limit: pageSize, page };
    for (const name of names) variables[name] = filters[name];
    const data = await client.request<Record<string, unknown>>(
      document,
      variables,
      requestOptions,
    );
    if (resource === "audit_logs") {
      const result = data.audit_logs as AuditPage<T> | null;
      const logs = result?.logs ?? [];
      for (const entry of logs) {
        options.signal?.throwIfAborted();
        yield entry;
      }
      const pagination = result?.pagination;
      if (logs.length === 0 || pagination?.has_more_pages === false) return;
      if (!pagination?.has_more_pages && logs.length < pageSize) return;
      const nextPage = pagination?.next_page_number;
      page = typeof nextPage === "number" && nextPage > page
        ? nextPage
        : page + 1;
    } else {
      const records = (data[resource] as (T | null)[] | null) ?? [];
      for (const record of records) {
        options.signal?.throwIfAborted();
        if (record !== null) yield record;
      }
      if (records.length < pageSize) return;
      page++;
    }
  }
}
