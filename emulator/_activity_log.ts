/**
 * The emulator's board activity logs (`Board.activity_logs`): every change
 * made through a mutation or the UI hooks is recorded on its board with
 * monday's event name, entity and `data` shape (SYNC-FACTS §2), at the
 * emulator clock's time, newest first, with an optional retention.
 *
 * @module
 */

/** One recorded event. */
export interface ActivityLogEntry {
  /** A UUID. */
  id: string;
  /** monday's event name, e.g. `update_column_value`. */
  event: string;
  /** `"pulse"` for item events, `"board"` for board, group and column events. */
  entity: "pulse" | "board";
  boardId: string;
  userId: string;
  /** Emulator time, ms since the epoch. */
  at: number;
  /** monday's 17-digit `created_at`: 100-ns units since the epoch. */
  createdAt: string;
  /** The `data` JSON string. */
  data: string;
  /** The item the event is about (filters `item_ids`). */
  itemId?: string;
  /** The groups the event touches (filters `group_ids`). */
  groupIds: string[];
  /** The column the event is about (filters `column_ids`). */
  columnId?: string;
}

/** What to record. */
export interface ActivityEvent {
  event: string;
  entity: "pulse" | "board";
  boardId: string;
  userId: string;
  data: Record<string, unknown>;
  itemId?: string;
  groupIds?: string[];
  columnId?: string;
  /** When it happened, ms (default: the clock's now). */
  at?: number;
}

/** Filters of `Board.activity_logs`. */
export interface ActivityLogFilters {
  from?: number;
  to?: number;
  itemIds?: readonly string[];
  groupIds?: readonly string[];
  columnIds?: readonly string[];
  userIds?: readonly string[];
}

/**
 * Every board's activity log, kept in time order.
 *
 * @example Record and read back
 * ```ts
 * import assert from "node:assert/strict";
 * import { ActivityLog } from "./_activity_log.ts";
 * const log = new ActivityLog({ now: () => Date.UTC(2026, 10, 1), random: Math.random });
 * log.record({ event: "create_pulse", entity: "pulse", boardId: "1", userId: "2", data: { pulse_id: 3 } });
 * const [entry] = log.query("1", {}, 25, 1);
 * assert.equal(entry!.event, "create_pulse");
 * assert.equal(entry!.createdAt, "17934912000000000");
 * ```
 */
export class ActivityLog {
  #boards = new Map<string, ActivityLogEntry[]>();
  #now: () => number;
  #random: () => number;
  #retentionMs: number | undefined;
  #lastMs = Number.NaN;
  #seq = 0;

  /**
   * Creates the log.
   *
   * @param options The emulator clock, a seeded random source for ids, and
   * the retention (ms; undefined keeps everything).
   */
  constructor(
    options: {
      now: () => number;
      random: () => number;
      retentionMs?: number | undefined;
    },
  ) {
    this.#now = options.now;
    this.#random = options.random;
    this.#retentionMs = options.retentionMs;
  }

  /**
   * Sets how long entries are kept (undefined: forever). Older entries are
   * gone for good, as on monday when a plan's retention passes.
   *
   * @param ms Retention in milliseconds, or undefined.
   * @throws {RangeError} If `ms` is negative or not finite.
   */
  setRetention(ms: number | undefined): void {
    if (ms !== undefined && (!Number.isFinite(ms) || ms < 0)) {
      throw new RangeError(
        `Invalid activity log retention: expected a finite number of ms of 0 or more, got '${ms}'`,
      );
    }
    this.#retentionMs = ms;
  }

  /**
   * Records an event at its `at` or the clock's now. Events must come in
   * time order (the emulator clock only moves forward).
   *
   * @param event The event, its board, user and data.
   * @returns The entry.
   */
  record(event: ActivityEvent): ActivityLogEntry {
    const at = event.at ?? this.#now();
    if (at === this.#lastMs) this.#seq++;
    else {
      this.#lastMs = at;
      this.#seq = 0;
    }
    const entry: ActivityLogEntry = {
      id: this.#uuid(),
      event: event.event,
      entity: event.entity,
      boardId: event.boardId,
      userId: event.userId,
      at,
      createdAt: `${at}${String(Math.min(this.#seq, 9999)).padStart(4, "0")}`,
      data: JSON.stringify(event.data),
      groupIds: event.groupIds ?? [],
    };
    if (event.itemId !== undefined) entry.itemId = event.itemId;
    if (event.columnId !== undefined) entry.columnId = event.columnId;
    let list = this.#boards.get(event.boardId);
    if (!list) {
      list = [];
      this.#boards.set(event.boardId, list);
    }
    list.push(entry);
    return entry;
  }

  /**
   * Reads a board's log, newest first.
   *
   * @param boardId The board.
   * @param filters Time range (inclusive) and id filters.
   * @param limit Page size.
   * @param page Page number from 1.
   * @returns The page's entries.
   */
  query(
    boardId: string,
    filters: ActivityLogFilters,
    limit: number,
    page: number,
  ): ActivityLogEntry[] {
    const list = this.#prune(boardId);
    const out: ActivityLogEntry[] = [];
    let skip = (page - 1) * limit;
    const items = filters.itemIds ? new Set(filters.itemIds) : undefined;
    const groups = filters.groupIds ? new Set(filters.groupIds) : undefined;
    const columns = filters.columnIds ? new Set(filters.columnIds) : undefined;
    const users = filters.userIds ? new Set(filters.userIds) : undefined;
    for (let i = list.length - 1; i >= 0 && out.length < limit; i--) {
      const e = list[i]!;
      if (filters.to !== undefined && e.at > filters.to) continue;
      if (filters.from !== undefined && e.at < filters.from) break;
      if (items && (e.itemId === undefined || !items.has(e.itemId))) continue;
      if (groups && !e.groupIds.some((g) => groups.has(g))) continue;
      if (columns && (e.columnId === undefined || !columns.has(e.columnId))) {
        continue;
      }
      if (users && !users.has(e.userId)) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      out.push(e);
    }
    return out;
  }

  /**
   * How many entries a board's log holds now (after retention).
   *
   * @param boardId The board.
   * @returns The count.
   */
  size(boardId: string): number {
    return this.#prune(boardId).length;
  }

  #prune(boardId: string): ActivityLogEntry[] {
    const list = this.#boards.get(boardId) ?? [];
    if (this.#retentionMs === undefined || list.length === 0) return list;
    const cutoff = this.#now() - this.#retentionMs;
    if (list[0]!.at >= cutoff) return list;
    let lo = 0, hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.at < cutoff) lo = mid + 1;
      else hi = mid;
    }
    const kept = list.slice(lo);
    this.#boards.set(boardId, kept);
    return kept;
  }

  #uuid(): string {
    const hex = (n: number) => {
      let out = "";
      for (let i = 0; i < n; i++) {
        out += Math.floor(this.#random() * 16).toString(16);
      }
      return out;
    };
    const variant = "89ab"[Math.floor(this.#random() * 4) % 4];
    return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
  }
}
