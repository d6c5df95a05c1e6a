/**
 * The shapes every audit-log source shares: an entry, a page, the options of
 * one page request, and the {@linkcode AuditLogSource} interface the exporter
 * reads from.
 *
 * @module
 */

/**
 * One audit-log entry as monday.com returns it. The API gives entries no id;
 * {@linkcode AuditLogRecord} adds a stable one. Fields the API adds later are
 * kept as they are.
 */
export interface AuditLogEntry {
  /** When it happened, ISO 8601 in UTC, e.g. `2026-11-01T09:30:00.123Z`. */
  timestamp: string;
  /** The account the entry belongs to. */
  account_id?: number | string | null;
  /** The user who acted. */
  user_id?: number | string | null;
  /** The event slug, e.g. `login`. */
  event?: string | null;
  /** The account slug (subdomain). */
  slug?: string | null;
  /** The client's IP address. */
  ip_address?: string | null;
  /** The client's `User-Agent`. */
  user_agent?: string | null;
  /** Browser or app name. */
  client_name?: string | null;
  /** Browser or app version. */
  client_version?: string | null;
  /** Operating system. */
  os_name?: string | null;
  /** Operating system version. */
  os_version?: string | null;
  /** Device name. */
  device_name?: string | null;
  /** `desktop`, `mobile`, ... */
  device_type?: string | null;
  /** Event-specific details. */
  activity_metadata?: Record<string, unknown> | null;
  /** Any field monday adds later. */
  [field: string]: unknown;
}

/** An exported entry: the entry plus its stable `id` (see {@linkcode entryId}). */
export interface AuditLogRecord extends AuditLogEntry {
  /** SHA-256 (lowercase hex) of the entry's canonical JSON, without `id`. */
  id: string;
}

/**
 * Filters of an audit-log query. Times are ISO 8601 strings, `Date`s or
 * milliseconds since the epoch; they are sent as ISO 8601 in UTC.
 */
export interface AuditLogFilters {
  /** Only entries of this user (a numeric user id). */
  userId?: string | number;
  /** Only entries of these event slugs, e.g. `["login", "failed-login"]`. */
  events?: readonly string[];
  /** Only entries from this IPv4 or IPv6 address. */
  ipAddress?: string;
  /** Only entries at or after this time. */
  startTime?: string | Date | number;
  /** Only entries at or before this time. */
  endTime?: string | Date | number;
}

/** Options for one page request ({@linkcode AuditLogSource.getLogs}). */
export interface GetLogsOptions {
  /**
   * The page to fetch, counting from 1 (newest entries first).
   *
   * @default {1}
   */
  page?: number;
  /**
   * Entries per page, 1 to 1,000.
   *
   * @default {1000}
   */
  perPage?: number;
  /** Which entries to return. Validated before anything is sent. */
  filters?: AuditLogFilters;
  /** Aborts the request, including waits for the rate limiter and retries. */
  signal?: AbortSignal;
}

/** One page of entries, newest first. */
export interface AuditLogPage {
  /** The entries, newest first. */
  entries: AuditLogEntry[];
  /** The page number (from 1). */
  page: number;
  /** The page size that was asked for. */
  perPage: number;
  /** The next page's number, or `null` when this is the last page. */
  nextPage: number | null;
  /** The server's `message`, if any (empty when none). */
  message: string;
}

/** Options for {@linkcode AuditLogSource.logs}. */
export interface LogsOptions {
  /**
   * Entries per page, 1 to 1,000.
   *
   * @default {1000}
   */
  perPage?: number;
  /** Stops the iteration. */
  signal?: AbortSignal;
}

/**
 * Anything that serves audit-log pages newest first: the REST
 * {@linkcode AuditLogClient}, the GraphQL {@linkcode GraphQLAuditLogSource},
 * or a test double. {@linkcode exportAuditLogs} reads from one.
 */
export interface AuditLogSource {
  /**
   * Fetches one page.
   *
   * @param options Page, page size, filters and signal.
   * @returns The page, newest first.
   */
  getLogs(options?: GetLogsOptions): Promise<AuditLogPage>;
  /**
   * Iterates over every entry that matches, newest first, page by page.
   *
   * @param filters Which entries.
   * @param options Page size and signal.
   * @returns The entries.
   */
  logs(
    filters?: AuditLogFilters,
    options?: LogsOptions,
  ): AsyncIterable<AuditLogEntry>;
}
