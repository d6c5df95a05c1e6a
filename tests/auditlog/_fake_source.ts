/**
 * An in-memory audit-log source for exporter tests: newest-first offset
 * paging over a list, inclusive time filters, request counting and scripted
 * failures.
 *
 * @module
 */

import type {
  AuditLogEntry,
  AuditLogPage,
  AuditLogSource,
  GetLogsOptions,
} from "../../auditlog/mod.ts";
import { normalizeAuditLogFilters } from "../../auditlog/mod.ts";

export class FakeAuditSource implements AuditLogSource {
  /** Oldest first. */
  entries: AuditLogEntry[] = [];
  requests = 0;
  /** Throw on these request numbers (1-based). */
  failOn = new Set<number>();

  append(ms: number, extra: Record<string, unknown> = {}): AuditLogEntry {
    const entry: AuditLogEntry = {
      timestamp: new Date(ms).toISOString(),
      account_id: 1,
      user_id: 7,
      event: "login",
      activity_metadata: { n: this.entries.length, ...extra },
    };
    this.entries.push(entry);
    return entry;
  }

  getLogs(options: GetLogsOptions = {}): Promise<AuditLogPage> {
    this.requests++;
    if (this.failOn.has(this.requests)) {
      return Promise.reject(new Error(`scripted failure ${this.requests}`));
    }
    const page = options.page ?? 1;
    const perPage = options.perPage ?? 1000;
    const wire = normalizeAuditLogFilters(options.filters ?? {});
    const start = wire.start_time ? Date.parse(wire.start_time) : -Infinity;
    const end = wire.end_time ? Date.parse(wire.end_time) : Infinity;
    const matching = this.entries.filter((e) => {
      const ms = Date.parse(e.timestamp);
      return ms >= start && ms <= end &&
        (wire.events === undefined || wire.events.includes(String(e.event)));
    }).reverse();
    const slice = matching.slice((page - 1) * perPage, page * perPage);
    return Promise.resolve({
      entries: structuredClone(slice),
      page,
      perPage,
      nextPage: page * perPage < matching.length ? page + 1 : null,
      message: "",
    });
  }

  logs(): AsyncIterable<AuditLogEntry> {
    throw new Error("not used");
  }
}

/** A clock whose time only moves when told; sleeps advance it. */
export function manualClock(start: number) {
  let now = start;
  return {
    now: () => now,
    set: (ms: number) => {
      now = ms;
    },
    sleep: (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      now += ms;
      return Promise.resolve();
    },
  };
}
