/**
 * The audit log over monday.com's GraphQL API (`audit_logs`, API version
 * 2025-07 and later), with the same interface as the REST client.
 *
 * @module
 */

import type { GraphQLRequester } from "../graphql/mod.ts";
import { iterateLogs } from "./_iterate.ts";
import { normalizeAuditLogFilters } from "./filters.ts";
import type {
  AuditLogEntry,
  AuditLogFilters,
  AuditLogPage,
  AuditLogSource,
  GetLogsOptions,
  LogsOptions,
} from "./types.ts";

// What the source needs from a client is the GraphQL module's requester
// (one definition, which MondayClient satisfies).
export type {
  GraphQLRequester,
  RequesterOptions,
  Variables,
} from "../graphql/mod.ts";

/** Options for {@linkcode GraphQLAuditLogSource}. */
export interface GraphQLAuditLogSourceOptions {
  /**
   * Default entries per page (`limit`), 1 to 1,000.
   *
   * @default {1000}
   */
  perPage?: number;
  /**
   * The API version to ask for; `audit_logs` needs 2025-07 or later. Default:
   * the client's own version.
   */
  apiVersion?: string;
}

/** The query the source sends (validated against monday's schema in the tests). */
export const AUDIT_LOGS_QUERY: string =
  `query AuditLogs($limit: Int, $page: Int, $user_id: ID, $events: [String!], $ip_address: String, $start_time: ISO8601DateTime, $end_time: ISO8601DateTime) {
  audit_logs(limit: $limit, page: $page, user_id: $user_id, events: $events, ip_address: $ip_address, start_time: $start_time, end_time: $end_time) {
    logs { timestamp account_id user { id } event slug ip_address user_agent client_name client_version os_name os_version device_name device_type activity_metadata }
    pagination { page page_size has_more_pages next_page_number }
  }
}`;

interface GraphQLLog {
  timestamp?: string | null;
  account_id?: string | null;
  user?: { id?: string | number | null } | null;
  activity_metadata?: unknown;
  [field: string]: unknown;
}

interface AuditLogsData {
  audit_logs: {
    logs: GraphQLLog[] | null;
    pagination: {
      page: number | null;
      page_size: number | null;
      has_more_pages: boolean | null;
      next_page_number: number | null;
    } | null;
  } | null;
}

function numeric(value: unknown): unknown {
  return typeof value === "string" && /^(0|[1-9]\d{0,14})$/.test(value)
    ? Number(value)
    : value;
}

/**
 * Converts a GraphQL `AuditLogEntry` to the REST shape: `user { id }` becomes
 * `user_id`, numeric ids become numbers, `activity_metadata` given as JSON
 * text is parsed. An entry then gets the same id from either source.
 *
 * @param log The GraphQL entry.
 * @returns The entry in the REST shape.
 * @throws {TypeError} When the entry has no timestamp.
 *
 * @example Convert an entry
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromGraphQLEntry } from "./graphql_source.ts";
 *
 * const entry = fromGraphQLEntry({
 *   timestamp: "2026-11-01T00:00:00.000Z", account_id: "7", user: { id: "42" },
 *   event: "login", activity_metadata: "{}",
 * });
 * assert.deepEqual(entry, {
 *   timestamp: "2026-11-01T00:00:00.000Z", account_id: 7, user_id: 42, event: "login", activity_metadata: {},
 * });
 * ```
 */
export function fromGraphQLEntry(log: Record<string, unknown>): AuditLogEntry {
  const { user, account_id, activity_metadata, ...rest } = log as GraphQLLog;
  if (typeof rest.timestamp !== "string") {
    throw new TypeError(
      "Invalid audit_logs entry: missing 'timestamp' (ask for it in the query)",
    );
  }
  const entry: Record<string, unknown> = { timestamp: rest.timestamp };
  if (account_id !== undefined) entry.account_id = numeric(account_id);
  if (user !== undefined) entry.user_id = numeric(user?.id ?? null);
  for (const [key, value] of Object.entries(rest)) {
    if (key !== "timestamp") entry[key] = value;
  }
  if (activity_metadata !== undefined) {
    let metadata = activity_metadata;
    if (typeof metadata === "string") {
      try {
        metadata = JSON.parse(metadata);
      } catch {
        // keep the text as it is
      }
    }
    entry.activity_metadata = metadata;
  }
  return entry as AuditLogEntry;
}

function checkPerPage(value: unknown): number {
  if (
    typeof value !== "number" || !Number.isInteger(value) || value < 1 ||
    value > 1000
  ) {
    throw new RangeError(
      `Invalid perPage: expected an integer from 1 to 1000, got '${
        String(value)
      }'`,
    );
  }
  return value;
}

/**
 * Reads the audit log through GraphQL `audit_logs` with a
 * {@linkcode MondayClient} (or anything with its `request` method), for
 * tokens with the `manage_account_security` permission. It counts against
 * the GraphQL limits, which the client handles; there is no 50-a-minute
 * limit here. Pages and entries look exactly as from
 * {@linkcode AuditLogClient}, so {@linkcode exportAuditLogs} takes either.
 *
 * @example Read a page from the emulator
 * ```ts ignore
 * import { MondayClient } from "../graphql/mod.ts";
 * import { GraphQLAuditLogSource } from "./graphql_source.ts";
 *
 * const client = new MondayClient({ token: Deno.env.get("MONDAY_API_TOKEN")! });
 * const source = new GraphQLAuditLogSource(client);
 * const page = await source.getLogs({ perPage: 100, filters: { events: ["login"] } });
 * console.log(page.entries.length, page.nextPage);
 * ```
 */
export class GraphQLAuditLogSource implements AuditLogSource {
  #client: GraphQLRequester;
  #perPage: number;
  #apiVersion: string | undefined;

  /**
   * Makes the source.
   *
   * @param client The GraphQL client.
   * @param options Page size and API version.
   * @throws {TypeError} When the client has no `request` method.
   * @throws {RangeError} When `perPage` is out of range.
   */
  constructor(
    client: GraphQLRequester,
    options: GraphQLAuditLogSourceOptions = {},
  ) {
    if (!client || typeof client.request !== "function") {
      throw new TypeError(
        "Invalid GraphQL audit log client: expected a MondayClient (an object with request())",
      );
    }
    this.#client = client;
    this.#perPage = checkPerPage(options.perPage ?? 1000);
    this.#apiVersion = options.apiVersion;
  }

  /**
   * Fetches one page, newest first.
   *
   * @param options Page, page size, filters, signal.
   * @returns The page.
   * @throws {TypeError} When a filter has the wrong type.
   * @throws {SyntaxError} When a filter time is not ISO 8601.
   * @throws {RangeError} When the page, page size or a filter is out of range.
   * @throws {Error} The client's errors (e.g. `MondayApiError`), and a
   * `TypeError` when the answer has no `audit_logs`.
   */
  async getLogs(options: GetLogsOptions = {}): Promise<AuditLogPage> {
    const page = options.page ?? 1;
    if (!Number.isSafeInteger(page) || page < 1) {
      throw new RangeError(
        `Invalid page: expected an integer from 1, got '${String(page)}'`,
      );
    }
    const perPage = checkPerPage(options.perPage ?? this.#perPage);
    const wire = normalizeAuditLogFilters(options.filters ?? {});
    const variables: Record<string, unknown> = {
      limit: perPage,
      page,
      ...wire,
    };
    const data = await this.#client.request<AuditLogsData>(
      AUDIT_LOGS_QUERY,
      variables,
      {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(this.#apiVersion ? { apiVersion: this.#apiVersion } : {}),
      },
    );
    const result = data?.audit_logs;
    if (!result) {
      throw new TypeError(
        "Invalid audit_logs answer: no 'audit_logs' in the data (API version 2025-07 or later and the manage_account_security permission are needed)",
      );
    }
    const logs = result.logs ?? [];
    const entries = logs.map((log) => fromGraphQLEntry(log));
    const pagination = result.pagination;
    const more = pagination?.has_more_pages ?? entries.length >= perPage;
    return {
      entries,
      page: pagination?.page ?? page,
      perPage,
      nextPage: more ? (pagination?.next_page_number ?? page + 1) : null,
      message: "",
    };
  }

  /**
   * Iterates over every matching entry, newest first, page by page, at least
   * once (as {@linkcode AuditLogClient.logs}: later pages are pinned to page
   * 1's newest timestamp, and nothing is dropped on sight).
   *
   * @param filters Which entries.
   * @param options Page size and signal.
   * @returns The entries.
   * @throws {RangeError} When a filter or the page size is invalid.
   */
  logs(
    filters?: AuditLogFilters,
    options: LogsOptions = {},
  ): AsyncIterable<AuditLogEntry> {
    const perPage = checkPerPage(options.perPage ?? this.#perPage);
    if (filters) normalizeAuditLogFilters(filters);
    return iterateLogs(this, filters, perPage, options.signal);
  }
}
