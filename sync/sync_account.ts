/**
 * The sync engine: what changed, read it, apply it per board in one
 * transaction.
 *
 * @module
 */

import type { MondayClient } from "../graphql/mod.ts";
import type { AuditLogSource } from "../auditlog/mod.ts";
import { syncAuditLogs } from "./_audit.ts";
import { isCursorExpiry, PermissionError } from "../graphql/mod.ts";
import type {
  BoardPatch,
  BoardSyncState,
  Cell,
  ItemRows,
  SyncTarget,
} from "./target.ts";
import {
  ACCOUNT_TABLES,
  BOARD_TABLES,
  type BoardTable,
  boardTable,
  boardTableName,
  itemRows,
  LINK_TYPES,
  linkedBoards,
  linkedIds,
  type MondayColumn,
  type MondayItem,
  type MondayUpdate,
  NORMALIZED,
  tableSignature,
  updateRow,
} from "./_model.ts";
import {
  type ActivityLog,
  compareMarks,
  interpretLogs,
  markToIso,
} from "./_activity.ts";
import {
  BOARD_UPDATES_DOCUMENT,
  BOARDS_DOCUMENT,
  BOARDS_PAGE,
  groupItemsDocument,
  IDS_BATCH,
  ITEM_UPDATES_DOCUMENT,
  itemFields,
  ITEMS_PAGE,
  itemsByIdDocument,
  LOGS_CAP,
  LOGS_DOCUMENT,
  LOGS_PAGE,
  nextItemsDocument,
  STRUCTURE_BATCH,
  STRUCTURE_LOGS_DOCUMENT,
  TEAMS_TAGS_DOCUMENT,
  UPDATES_PAGE,
  USERS_DOCUMENT,
  USERS_PAGE,
  WORKSPACES_DOCUMENT,
  WORKSPACES_PAGE,
} from "./_documents.ts";

/** Progress of a sync, reported after each step. */
export interface SyncProgress {
  /** Boards finished (applied or found unchanged). */
  boardsDone: number;
  /** Boards in this run. */
  boardsTotal: number;
  /** Items read from monday so far. */
  itemsRead: number;
  /** GraphQL requests the sync has made so far. */
  requests: number;
  /** Milliseconds since the sync began. */
  elapsedMs: number;
}

/** What a sync did. */
export interface SyncSummary {
  /** Boards in this run (every state). */
  boards: number;
  /** Boards read whole. */
  fullBoards: number;
  /** Boards brought up to date from their activity logs. */
  incrementalBoards: number;
  /** Archived or deleted boards (only their `boards` row is kept). */
  inactiveBoards: number;
  /** Items read from monday. */
  itemsRead: number;
  /** Item rows written. */
  itemsWritten: number;
  /** Item rows removed (deleted, archived or moved away). */
  itemsRemoved: number;
  /** GraphQL requests made. */
  requests: number;
  /** Group reads restarted after a cursor expired. */
  cursorRestarts: number;
  /** Why boards were read whole: board id → reason. */
  fullReasons: Record<string, string>;
  /** Milliseconds the sync took. */
  durationMs: number;
  /** What was left out and why (e.g. a list the token may not read). */
  warnings: string[];
  /** Audit log entries added to `audit_logs` (0 without an audit source). */
  auditEntries: number;
}

/** Options of {@linkcode syncAccount}. */
export interface SyncAccountOptions {
  /** Only these boards (ids). @default {every board} */
  boards?: string[];
  /** Only boards of these workspaces (ids). @default {every workspace} */
  workspaces?: string[];
  /**
   * Read every board whole instead of from its activity logs.
   *
   * @default {false}
   */
  full?: boolean;
  /**
   * Read a board whole when its last whole read is older than this many
   * milliseconds: what the activity logs cannot show (retention gaps,
   * unknown events) is caught at least this often.
   *
   * @default {604_800_000} (7 days)
   */
  fullEvery?: number;
  /**
   * Only the tables named: `board_<id>` names a board; `boards`, `groups`,
   * `columns`, `items` or `column_values` name every board in scope;
   * `users`, `workspaces`, `teams`, `team_users` or `tags` name the account
   * tables; `audit_logs` the audit log.
   *
   * @default {every table}
   */
  tables?: string[];
  /**
   * How far before the last seen activity log to read again, in
   * milliseconds (monday's logs may appear late).
   *
   * @default {300_000}
   */
  overlapMs?: number;
  /**
   * Boards read at once (the client's own throttling keeps requests within
   * monday's limits).
   *
   * @default {4}
   */
  concurrency?: number;
  /**
   * Where `audit_logs` comes from: an `AuditLogClient` (with the audit
   * token) or a `GraphQLAuditLogSource`. Without it the table stays empty.
   *
   * @default {undefined}
   */
  audit?: AuditLogSource;
  /** Cancels the sync; boards already applied stay applied. */
  signal?: AbortSignal;
  /** Called after each step. */
  progress?: (progress: SyncProgress) => void;
  /**
   * The clock (ms since the epoch) for `fullEvery` and the state's times.
   *
   * @default {Date.now}
   */
  now?: () => number;
}

interface BoardInfo {
  id: string;
  name: string;
  description: string | null;
  state: string;
  board_kind: string | null;
  type: string | null;
  workspace_id: string | null;
  items_count: number | null;
  updated_at: string | null;
}

interface Structure {
  id: string;
  groups: { id: string; title: string; color: string; position: string }[];
  columns: MondayColumn[];
  activity_logs: ActivityLog[] | null;
}

interface Plan {
  board: BoardInfo;
  structure: Structure;
  table: BoardTable;
  state: BoardSyncState | undefined;
  fullReason: string | undefined;
  mark: string | null;
  itemIds: Set<string>;
  upserts: Map<string, MondayItem>;
  removals: Set<string>;
}

const DAY_MS = 86_400_000;

function settingsText(settings: unknown): string | null {
  if (settings === null || settings === undefined) return null;
  return typeof settings === "string" ? settings : JSON.stringify(settings);
}

function boardRow(board: BoardInfo, active: boolean): Cell[] {
  return [
    board.id,
    board.name,
    board.description ?? null,
    board.state,
    board.board_kind ?? null,
    board.type ?? null,
    board.workspace_id ?? null,
    board.items_count ?? null,
    board.updated_at ?? null,
    active ? boardTableName(board.id) : null,
  ];
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

async function pool<T>(
  list: T[],
  limit: number,
  work: (value: T) => Promise<void>,
): Promise<void> {
  // On a failure no new work starts, the running work finishes (so nothing
  // writes to the target after the sync returns), then the first error wins.
  let next = 0;
  let failed = false;
  let first: unknown;
  const workers = Array.from(
    { length: Math.min(limit, list.length) },
    async () => {
      while (!failed && next < list.length) {
        try {
          await work(list[next++]!);
        } catch (error) {
          if (!failed) first = error;
          failed = true;
        }
      }
    },
  );
  await Promise.all(workers);
  if (failed) throw first;
}

/**
 * Brings a SQL mirror of a monday.com account up to date: the normalized
 * tables (`boards`, `groups`, `columns`, `items`, `column_values`, `users`)
 * and one typed table per board (`board_<id>`). A board seen for the first
 * time, or whose columns changed, or whose last whole read is older than
 * `fullEvery`, is read whole (group by group, so no cursor outlives its 60
 * minutes); the others are brought up to date from their activity logs (the
 * items the logs name are re-read by id), so a run's cost follows what
 * changed, not the size of the account. Each board's changes and its sync
 * state are applied in one transaction after its reads succeed.
 *
 * Permissions: `--allow-net` to the API host, and what the target needs.
 *
 * @param client The GraphQL client (its throttling keeps reads within
 * monday's limits).
 * @param target Where to write (`openSqliteTarget`, `openPostgresTarget`).
 * @param options Scope, full reads, tables, progress and cancellation.
 * @returns What the sync did.
 * @throws {RangeError} If `fullEvery`, `overlapMs` or `concurrency` is out
 * of range.
 * @throws {MondayApiError} If monday refuses a read (boards read before it
 * stay applied; the next run completes the work).
 * @example Mirror the emulator's account into SQLite
 * ```ts
 * import assert from "node:assert/strict";
 * import { MondayClient } from "../graphql/mod.ts";
 * import { startEmulator } from "../emulator/mod.ts";
 * import { openSqliteTarget, syncAccount } from "./mod.ts";
 *
 * await using emulator = await startEmulator({ items: 20 });
 * const client = new MondayClient({ token: emulator.credentials.apiToken, apiUrl: emulator.apiUrl });
 * await using target = await openSqliteTarget(":memory:");
 * const summary = await syncAccount(client, target);
 * assert.equal(summary.fullBoards, summary.boards - summary.inactiveBoards);
 * const { rows } = await target.query("SELECT count(*) FROM items");
 * assert.ok(Number(rows[0]![0]) >= 20);
 * ```
 */
export async function syncAccount(
  client: Pick<MondayClient, "request">,
  target: SyncTarget,
  options: SyncAccountOptions = {},
): Promise<SyncSummary> {
  const now = options.now ?? Date.now;
  const started = now();
  const fullEvery = options.fullEvery ?? 7 * DAY_MS;
  const overlapMs = options.overlapMs ?? 300_000;
  const concurrency = options.concurrency ?? 4;
  if (!(fullEvery >= 0)) {
    throw new RangeError(
      `Invalid 'fullEvery': expected milliseconds of 0 or more, got '${fullEvery}'`,
    );
  }
  if (!(overlapMs >= 0)) {
    throw new RangeError(
      `Invalid 'overlapMs': expected milliseconds of 0 or more, got '${overlapMs}'`,
    );
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(
      `Invalid 'concurrency': expected an integer of 1 or more, got '${concurrency}'`,
    );
  }
  const signal = options.signal;
  const summary: SyncSummary = {
    boards: 0,
    fullBoards: 0,
    incrementalBoards: 0,
    inactiveBoards: 0,
    itemsRead: 0,
    itemsWritten: 0,
    itemsRemoved: 0,
    requests: 0,
    cursorRestarts: 0,
    fullReasons: {},
    durationMs: 0,
    warnings: [],
    auditEntries: 0,
  };
  let boardsDone = 0;
  const report = () =>
    options.progress?.({
      boardsDone,
      boardsTotal: summary.boards,
      itemsRead: summary.itemsRead,
      requests: summary.requests,
      elapsedMs: now() - started,
    });
  const request = <T>(document: string, variables: Record<string, unknown>) => {
    signal?.throwIfAborted();
    summary.requests++;
    return client.request<T>(document, variables, signal ? { signal } : {});
  };

  // Which tables: board tables by id, all boards, the account tables.
  const tables = options.tables;
  let boardFilter: Set<string> | "all" | "none" = "all";
  let accountTables = true;
  let auditTable = true;
  if (tables) {
    const named = new Set<string>();
    let allBoards = false;
    accountTables = false;
    auditTable = false;
    for (const raw of tables) {
      const name = raw.trim().toLowerCase();
      const match = /^board_(\d+)$/.exec(name);
      if (match) named.add(match[1]!);
      else if (name === "audit_logs") auditTable = true;
      else if (BOARD_TABLES.includes(name)) allBoards = true;
      else if (ACCOUNT_TABLES.includes(name)) accountTables = true;
      else {
        throw new TypeError(
          `Invalid table '${raw}': expected board_<id>, ${
            [...BOARD_TABLES, ...ACCOUNT_TABLES, "audit_logs"].join(", ")
          }`,
        );
      }
    }
    boardFilter = allBoards ? "all" : named.size ? named : "none";
  }

  await target.prepare(NORMALIZED);
  const states = await target.readStates();

  if (accountTables) {
    const users: Cell[][] = [];
    for (let page = 1;; page++) {
      const data = await request<
        { users: Record<string, string | null>[] | null }
      >(USERS_DOCUMENT, { limit: USERS_PAGE, page });
      const list = data.users ?? [];
      for (const u of list) {
        users.push([
          u.id!,
          u.name ?? null,
          u.email ?? null,
          u.title ?? null,
          u.kind ?? null,
          u.status ?? null,
          u.created_at ?? null,
        ]);
      }
      if (list.length < USERS_PAGE) break;
    }
    const tablesRead: Record<string, Cell[][]> = { users };
    // A token without a list's scope (workspaces:read, teams:read,
    // tags:read) leaves that table as it was, with a warning; the rest syncs.
    const optional = async (names: string[], read: () => Promise<void>) => {
      try {
        await read();
      } catch (error) {
        if (!(error instanceof PermissionError)) throw error;
        summary.warnings.push(
          `Skipped ${names.join(", ")}: ${error.message}`,
        );
        for (const name of names) delete tablesRead[name];
      }
    };
    const workspaces: Cell[][] = [];
    await optional(["workspaces"], async () => {
      for (let page = 1;; page++) {
        const data = await request<
          { workspaces: (Record<string, string | null> | null)[] | null }
        >(WORKSPACES_DOCUMENT, { limit: WORKSPACES_PAGE, page });
        const list = data.workspaces ?? [];
        for (const w of list) {
          if (!w?.id) continue;
          workspaces.push([
            w.id,
            w.name ?? null,
            w.kind ?? null,
            w.state ?? null,
            w.description ?? null,
            w.created_at ?? null,
          ]);
        }
        if (list.length < WORKSPACES_PAGE) break;
      }
      tablesRead.workspaces = workspaces;
    });
    await optional(["teams", "team_users", "tags"], async () => {
      const teamsTags = await request<{
        teams: ({
          id: string;
          name: string;
          is_guest: boolean | null;
          created_at: string | null;
          users: ({ id: string } | null)[] | null;
        } | null)[] | null;
        tags: ({ id: string; name: string; color: string } | null)[] | null;
      }>(TEAMS_TAGS_DOCUMENT, {});
      const teams: Cell[][] = [];
      const teamUsers = new Map<string, Cell[]>();
      for (const t of teamsTags.teams ?? []) {
        if (!t) continue;
        teams.push([t.id, t.name, t.is_guest ?? null, t.created_at ?? null]);
        for (const u of t.users ?? []) {
          if (u) teamUsers.set(`${t.id}/${u.id}`, [t.id, u.id]);
        }
      }
      const tags: Cell[][] = (teamsTags.tags ?? []).filter((t) => !!t).map((
        t,
      ) => [t!.id, t!.name, t!.color ?? null]);
      tablesRead.teams = teams;
      tablesRead.team_users = [...teamUsers.values()];
      tablesRead.tags = tags;
    });
    await target.applyAccount({ tables: tablesRead });
  }

  if (auditTable && options.audit) {
    summary.auditEntries = await syncAuditLogs(options.audit, target, signal);
  }

  if (boardFilter === "none") {
    summary.durationMs = now() - started;
    report();
    return summary;
  }

  // 1. Every board, every state.
  const boards: BoardInfo[] = [];
  for (let page = 1;; page++) {
    const data = await request<{ boards: BoardInfo[] | null }>(
      BOARDS_DOCUMENT,
      { limit: BOARDS_PAGE, page },
    );
    const list = (data.boards ?? []).filter((b): b is BoardInfo => !!b);
    boards.push(...list);
    if (list.length < BOARDS_PAGE) break;
  }
  const wantedBoards = options.boards ? new Set(options.boards) : undefined;
  const wantedSpaces = options.workspaces
    ? new Set(options.workspaces)
    : undefined;
  const inScope = boards.filter((b) =>
    (!wantedBoards || wantedBoards.has(b.id)) &&
    (boardFilter === "all" || boardFilter.has(b.id)) &&
    (!wantedSpaces || wantedSpaces.has(b.workspace_id ?? "")) &&
    b.type !== "document"
  );
  summary.boards = inScope.length;
  report();

  // 2. Archived and deleted boards keep only their row.
  const active = inScope.filter((b) => b.state === "active");
  for (const board of inScope) {
    if (board.state === "active") continue;
    await target.applyBoard({
      boardId: board.id,
      mode: "inactive",
      board: boardRow(board, false),
      groups: [],
      columns: [],
      table: null,
      items: [],
      updates: [],
      removedItemIds: [],
      state: null,
    });
    summary.inactiveBoards++;
    boardsDone++;
  }
  report();

  // 3. Structure and activity logs, in batches.
  const plans = new Map<string, Plan>();
  const nowMs = now();
  const wantsFull = (board: BoardInfo): string | undefined => {
    const state = states.get(board.id);
    if (options.full) return "--full";
    if (!state) return "first sync";
    if (nowMs - Date.parse(state.fullAt) >= fullEvery) return "full-every";
    return undefined;
  };
  const fullFirst = active.filter((b) => wantsFull(b) !== undefined);
  const incrementalFirst = active.filter((b) => wantsFull(b) === undefined);
  const readStructure = async (batch: BoardInfo[], full: boolean) => {
    let from: string | undefined;
    if (!full) {
      let oldest: string | null | undefined;
      for (const b of batch) {
        const mark = states.get(b.id)!.logMark;
        if (mark === null) oldest = null;
        else if (oldest !== null) {
          if (oldest === undefined || compareMarks(mark, oldest) < 0) {
            oldest = mark;
          }
        }
      }
      if (oldest) {
        from = new Date(Date.parse(markToIso(oldest)) - overlapMs)
          .toISOString();
      }
    }
    const data = await request<{ boards: (Structure | null)[] | null }>(
      STRUCTURE_LOGS_DOCUMENT,
      {
        ids: batch.map((b) => b.id),
        limit: full ? 1 : LOGS_PAGE,
        page: 1,
        ...(from ? { from } : {}),
      },
    );
    const byId = new Map(
      (data.boards ?? []).filter((s): s is Structure => !!s).map((
        s,
      ) => [s.id, s]),
    );
    for (const board of batch) {
      const structure = byId.get(board.id);
      if (!structure) continue; // gone between the list and this read
      const logs = structure.activity_logs ?? [];
      const state = states.get(board.id);
      const table = boardTable(
        board.id,
        structure.columns ?? [],
        board.type === "sub_items_board",
      );
      const plan: Plan = {
        board,
        structure,
        table,
        state,
        fullReason: full ? wantsFull(board) : undefined,
        mark: state?.logMark ?? null,
        itemIds: new Set(),
        upserts: new Map(),
        removals: new Set(),
      };
      if (full) {
        plan.mark = logs[0]?.created_at ?? null;
      } else {
        if (logs.length >= LOGS_PAGE) {
          for (let page = 2;; page++) {
            if (logs.length >= LOGS_CAP) {
              plan.fullReason = "over 10,000 activity logs since the last run";
              break;
            }
            const more = await request<
              { boards: { activity_logs: ActivityLog[] | null }[] | null }
            >(LOGS_DOCUMENT, {
              ids: [board.id],
              limit: LOGS_PAGE,
              page,
              ...(from ? { from } : {}),
            });
            const list = more.boards?.[0]?.activity_logs ?? [];
            logs.push(...list);
            if (list.length < LOGS_PAGE) break;
          }
        }
        const verdict = interpretLogs(logs);
        if (
          state && tableSignature(table.spec, structure.columns ?? []) !==
            state.tableSignature
        ) plan.fullReason ??= "columns changed";
        plan.fullReason ??= verdict.fullReason;
        plan.itemIds = verdict.itemIds;
        if (
          verdict.newest &&
          (plan.mark === null || compareMarks(verdict.newest, plan.mark) > 0)
        ) plan.mark = verdict.newest;
        if (plan.fullReason) {
          // The whole read starts after this point: the newest log seen is a
          // safe mark (every later change has a later log).
          plan.mark = verdict.newest ?? state?.logMark ?? null;
        }
      }
      plans.set(board.id, plan);
    }
  };
  for (const batch of chunks(fullFirst, STRUCTURE_BATCH)) {
    await readStructure(batch, true);
  }
  for (const batch of chunks(incrementalFirst, STRUCTURE_BATCH)) {
    await readStructure(batch, false);
  }
  report();

  // 4. The item selection: display values only for the types present.
  const displayTypes = new Set<string>();
  for (const plan of plans.values()) {
    for (const c of plan.structure.columns ?? []) displayTypes.add(c.type);
  }
  const fields = itemFields(displayTypes);
  // 5. Read whole boards group by group, then apply each board.
  const applyPlan = async (plan: Plan) => {
    const full = plan.fullReason !== undefined;
    let items: MondayItem[];
    if (full) {
      items = await readBoard(plan);
      summary.fullReasons[plan.board.id] = plan.fullReason!;
      for (const item of items) readWhole.add(item.id);
    } else {
      items = [...plan.upserts.values()];
    }
    const groupIds = new Set(plan.structure.groups.map((g) => g.id));
    const rows: ItemRows[] = [];
    for (const item of items) {
      if (full && item.group && !groupIds.has(item.group.id)) continue;
      const row = itemRows(item, plan.board.id, plan.table);
      if (!full) {
        row.updates = (item.updates ?? []).map((u) =>
          updateRow({ ...u, item_id: item.id }, plan.board.id)
        );
      }
      rows.push(row);
    }
    // A whole read takes the board's updates in pages, keeping those of the
    // items it wrote (as an item's re-read does).
    const updates: Cell[][] = [];
    if (full) {
      const written = new Set(rows.map((r) => r.id));
      const seen = new Set<string>();
      for (let page = 1;; page++) {
        const data = await request<
          { boards: ({ updates: MondayUpdate[] | null } | null)[] | null }
        >(BOARD_UPDATES_DOCUMENT, {
          ids: [plan.board.id],
          limit: UPDATES_PAGE,
          page,
        });
        const list = data.boards?.[0]?.updates ?? [];
        for (const u of list) {
          if (!u.item_id || !written.has(u.item_id) || seen.has(u.id)) continue;
          seen.add(u.id);
          updates.push(updateRow(u, plan.board.id));
        }
        if (list.length < UPDATES_PAGE) break;
      }
    }
    const at = new Date(now()).toISOString();
    const patch: BoardPatch = {
      boardId: plan.board.id,
      mode: full ? "full" : "incremental",
      board: boardRow(plan.board, true),
      groups: plan.structure.groups.map((g) => [
        plan.board.id,
        g.id,
        g.title,
        g.color ?? null,
        g.position ?? null,
      ]),
      columns: (plan.structure.columns ?? []).map((c, position) => [
        plan.board.id,
        c.id,
        c.title,
        c.type,
        c.description ?? null,
        settingsText(c.settings),
        position,
        plan.table.sqlNames.get(c.id) ?? null,
      ]),
      table: plan.table.spec,
      items: rows,
      updates,
      removedItemIds: full ? [] : [...plan.removals],
      state: {
        boardId: plan.board.id,
        logMark: plan.mark,
        fullAt: full ? at : plan.state!.fullAt,
        syncedAt: at,
        tableSignature: tableSignature(
          plan.table.spec,
          plan.structure.columns ?? [],
        ),
      },
    };
    signal?.throwIfAborted();
    await target.applyBoard(patch);
    if (full) summary.fullBoards++;
    else summary.incrementalBoards++;
    summary.itemsWritten += rows.length;
    summary.itemsRemoved += patch.removedItemIds.length;
    boardsDone++;
    report();
  };

  const readBoard = async (plan: Plan): Promise<MondayItem[]> => {
    const seen = new Map<string, MondayItem>();
    const first = groupItemsDocument(fields);
    const next = nextItemsDocument(fields);
    for (const group of plan.structure.groups) {
      for (let attempt = 0;; attempt++) {
        const collected: MondayItem[] = [];
        const issuedAt = now();
        try {
          const data = await request<
            {
              boards:
                | {
                  groups:
                    | {
                      items_page: {
                        cursor: string | null;
                        items: MondayItem[];
                      };
                    }[]
                    | null;
                }[]
                | null;
            }
          >(first, {
            board: [plan.board.id],
            group: [group.id],
            limit: ITEMS_PAGE,
          });
          let page = data.boards?.[0]?.groups?.[0]?.items_page;
          while (page) {
            collected.push(...page.items);
            summary.itemsRead += page.items.length;
            report();
            if (!page.cursor) break;
            const more = await request<
              {
                next_items_page: {
                  cursor: string | null;
                  items: MondayItem[];
                };
              }
            >(next, { cursor: page.cursor, limit: ITEMS_PAGE });
            page = more.next_items_page;
          }
        } catch (error) {
          // Only this group is read again; the board's other groups stand.
          if (isCursorExpiry(error, now() - issuedAt) && attempt < 2) {
            summary.cursorRestarts++;
            continue;
          }
          throw error;
        }
        for (const item of collected) seen.set(item.id, item);
        break;
      }
    }
    return [...seen.values()];
  };

  // 5. Boards read whole first; then the items the logs name (and the items
  // linking to anything changed or read whole) are re-read by id, routed to
  // the board each now belongs to, and the other boards applied.
  const readWhole = new Set<string>();
  const all = [...plans.values()];
  await pool(all.filter((p) => p.fullReason), concurrency, applyPlan);
  // An item that links to a changed item (board relation, dependency) shows
  // the linked item's name or values: re-read it too.
  const changed = new Set<string>(readWhole);
  for (const plan of plans.values()) {
    for (const id of plan.itemIds) changed.add(id);
  }
  const linking = [...plans.values()].some((p) =>
    !p.fullReason &&
    (p.structure.columns ?? []).some((c) => LINK_TYPES.includes(c.type))
  );
  // A link column pointing at a board read whole (whose deleted items the
  // logs may not name, e.g. a deleted group's) has all its links re-read.
  const wholeBoards = new Set(
    all.filter((p) => p.fullReason).map((p) => p.board.id),
  );
  const hot = new Set<string>();
  for (const plan of all) {
    if (plan.fullReason) continue;
    for (const column of plan.structure.columns ?? []) {
      if (!LINK_TYPES.includes(column.type)) continue;
      const targets = linkedBoards(column.settings);
      if (
        wholeBoards.size &&
        (targets === undefined || targets.some((b) => wholeBoards.has(b)))
      ) hot.add(`${plan.board.id}/${column.id}`);
    }
  }
  if ((changed.size || hot.size) && linking) {
    for (const stored of await target.readValues(LINK_TYPES)) {
      const plan = plans.get(stored.boardId);
      if (!plan || plan.fullReason || plan.itemIds.has(stored.itemId)) continue;
      if (
        hot.has(`${stored.boardId}/${stored.columnId}`) ||
        linkedIds(stored.value).some((id) => changed.has(id))
      ) plan.itemIds.add(stored.itemId);
    }
  }
  const wanted = new Set<string>();
  for (const plan of plans.values()) {
    if (!plan.fullReason) { for (const id of plan.itemIds) wanted.add(id); }
  }
  const fresh = new Map<string, MondayItem>();
  const withUpdates = itemsByIdDocument(itemFields(displayTypes, true));
  for (const batch of chunks([...wanted], IDS_BATCH)) {
    const data = await request<{ items: (MondayItem | null)[] | null }>(
      withUpdates,
      { ids: batch, limit: IDS_BATCH },
    );
    for (const item of data.items ?? []) {
      if (item) fresh.set(item.id, item);
    }
    summary.itemsRead += batch.length;
    report();
  }
  // An item with a full page of updates has more: page through them.
  for (const item of fresh.values()) {
    const updates = item.updates ?? [];
    for (let page = 2; updates.length === (page - 1) * UPDATES_PAGE; page++) {
      const data = await request<
        { items: ({ updates: MondayUpdate[] | null } | null)[] | null }
      >(ITEM_UPDATES_DOCUMENT, { ids: [item.id], limit: UPDATES_PAGE, page });
      updates.push(...(data.items?.[0]?.updates ?? []));
    }
    item.updates = updates;
  }
  for (const plan of plans.values()) {
    if (plan.fullReason) continue;
    for (const id of plan.itemIds) {
      const item = fresh.get(id);
      const home = item?.board?.id;
      const alive = item && (item.state ?? "active") === "active";
      if (!alive || home !== plan.board.id) plan.removals.add(id);
      if (alive && home) {
        const owner = plans.get(home);
        if (owner && !owner.fullReason) {
          owner.upserts.set(id, item);
          owner.removals.delete(id);
        }
      }
    }
  }

  await pool(all.filter((p) => !p.fullReason), concurrency, applyPlan);
  summary.durationMs = now() - started;
  report();
  return summary;
}
