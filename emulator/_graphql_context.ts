/**
 * What the emulator's resolvers read for one request: the model, the caller,
 * the clock reading, the cursor store and the hooks into the endpoint.
 *
 * @module
 */

import type { CursorStore, PaginationChain } from "./_graphql_cursors.ts";
import type { Model, UserRecord } from "./_model.ts";

/** What GraphQL `audit_logs` reads: the audit service's query. */
export interface AuditSource {
  query(
    filters: {
      userId?: string;
      events?: string[];
      ipAddress?: string;
      startTime?: number;
      endTime?: number;
    },
    offset: number,
    limit: number,
  ): { entries: Record<string, unknown>[]; total: number };
}

/** Per-request state the resolvers read. */
export interface ResolverContext {
  model: Model;
  user: UserRecord;
  scopes: string[] | "all";
  tokenKind: string;
  version: string;
  now: number;
  complexity: {
    before: number;
    after: number;
    query: number;
    reset_in_x_seconds: number;
  };
  cursors: CursorStore;
  audit: AuditSource | undefined;
  /** Records an executed side effect. */
  executed(field: string): void;
  /** Checks a per-field limit (create_board). */
  fieldLimit(field: string): void;
  /** The paginations this request served a page of (for the statistics). */
  paginations?: Set<PaginationChain>;
}
