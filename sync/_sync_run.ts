/**
 * One call of {@linkcode syncAccount}, as an object whose state is in named
 * fields: the summary and progress, the tables in scope, the boards and
 * their plans, and what the whole reads and the logs changed. Read it top to
 * bottom; {@linkcode SyncRun.run} calls the steps in this order:
 *
 * 0. {@linkcode SyncRun.scopeTables}: which tables; then the account lists
 *    ({@linkcode SyncRun.syncAccountTables}) and the audit log.
 * 1. {@linkcode SyncRun.listBoards}: every board, every state, in scope.
 * 2. {@linkcode SyncRun.applyInactiveBoards}: archived and deleted boards
 *    keep only their row.
 * 3. {@linkcode SyncRun.planBoards}: structure and activity logs, in
 *    batches: one plan per active board (whole read or incremental).
 * 4. {@linkcode SyncRun.chooseItemFields}: the item selection.
 * 5. {@linkcode SyncRun.applyWholeBoards}: boards read whole, the biggest
 *    first, their groups side by side, each page staged in the target as it
 *    arrives and the board committed when whole; then
 *    {@linkcode SyncRun.findLinkingItems},
 *    {@linkcode SyncRun.rereadItems} and {@linkcode SyncRun.routeItems}
 *    re-read the items the logs name (and the items linking to anything
 *    changed), and {@linkcode SyncRun.applyIncrementalBoards} applies the
 *    other boards.
 *
 * Steps 1-5 run beside the account lists. Every request goes through one
 * {@linkcode RequestSlots} of `concurrency` slots; the run's first failure
 * (or the caller's signal) cancels the rest, and every board writer not yet
 * committed aborts, so those boards stay as they were.
 *
 * @module
 */

import type { AuditLogSource } from "../auditlog/mod.ts";
import type { MondayClient } from "../graphql/mod.ts";
import { syncAuditLogs } from "./_audit.ts";
import type {
  BoardPatch,
  BoardSyncState,
  BoardWriter,
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
  IDS_BATCH,
  ITEM_UPDATES_DOCUMENT,
  itemFields,
  itemsByIdDocument,
  LOGS_CAP,
  LOGS_DOCUMENT,
  LOGS_PAGE,
  STRUCTURE_BATCH,
  STRUCTURE_LOGS_DOCUMENT,
  type SyncRequest,
  UPDATES_PAGE,
} from "./_documents.ts";
import { readAccountLists } from "./_read_account_lists.ts";
import { readBoardGroups } from "./_read_board_groups.ts";
import { RequestSlots } from "./_request_slots.ts";
import type { SyncProgress, SyncSummary } from "./sync_types.ts";

/** The validated options of one sync. */
export interface SyncConfig {
  client: Pick<MondayClient, "request">;
  target: SyncTarget;
  now: () => number;
  /** When the sync began (ms). */
  started: number;
  fullEvery: number;
  overlapMs: number;
  concurrency: number;
  full: boolean;
  boards: string[] | undefined;
  workspaces: string[] | undefined;
  tables: string[] | undefined;
  audit: AuditLogSource | undefined;
  signal: AbortSignal | undefined;
  progress: ((progress: SyncProgress) => void) | undefined;
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

/** What one active board's run will do. */
interface Plan {
  board: BoardInfo;
  structure: Structure;
  table: BoardTable;
  state: BoardSyncState | undefined;
  /** Why the board is read whole; undefined: brought up to date from logs. */
  fullReason: string | undefined;
  mark: string | null;
  /** Items the logs (or links) name, to re-read by id. */
  itemIds: Set<string>;
  upserts: Map<string, MondayItem>;
  removals: Set<string>;
}

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

/**
 * A whole board written as it is read, for a target without `beginBoard`:
 * the rows are kept (the last of an item or update wins) and applied in one
 * `applyBoard` at the commit. Such a target holds whole boards in memory,
 * so the run reads fewer of them at once.
 */
function bufferedWriter(target: SyncTarget): BoardWriter {
  let items = new Map<string, ItemRows>();
  let updates = new Map<string, Cell[]>();
  return {
    writeItems(list) {
      for (const rows of list) {
        items.delete(rows.id);
        items.set(rows.id, rows);
      }
      return Promise.resolve();
    },
    writeUpdates(rows) {
      for (const row of rows) updates.set(String(row[0]), row);
      return Promise.resolve();
    },
    async commit(patch) {
      const all = {
        items: [...items.values()],
        updates: [...updates.values()],
      };
      items = new Map();
      updates = new Map();
      await target.applyBoard({
        ...patch,
        items: [...patch.items, ...all.items],
        updates: [...patch.updates, ...all.updates],
      });
    },
    abort() {
      items = new Map();
      updates = new Map();
      return Promise.resolve();
    },
  };
}

/** Added to the priority of a group read under way (over any share). */
const UNDER_WAY = 2 ** 40;

/** The priority of a board's last reads (its updates): above every group. */
const FINISHING = 2 * UNDER_WAY;

/** Boards read whole at once through a target without `beginBoard`. */
const BUFFERED_BOARDS = 4;

async function pool<T>(
  list: T[],
  limit: number,
  work: (value: T) => Promise<void>,
  onError: (error: unknown) => void,
): Promise<void> {
  // On a failure no new work starts and `onError` stops the running work,
  // which is awaited (so nothing writes to the target after the sync
  // returns); then the first error wins.
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
          if (!failed) {
            first = error;
            onError(error);
          }
          failed = true;
        }
      }
    },
  );
  await Promise.all(workers);
  if (failed) throw first;
}

/** One sync of an account into a target. */
export class SyncRun {
  #config: SyncConfig;
  #summary: SyncSummary = {
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
  #boardsDone = 0;
  /** Board tables in scope: by id, every board, or none. */
  #boardFilter: Set<string> | "all" | "none" = "all";
  #accountTables = true;
  #auditTable = true;
  /** Each board's state after the last run. */
  #states = new Map<string, BoardSyncState>();
  /** The active boards in scope. */
  #active: BoardInfo[] = [];
  /** The clock when the plans were made (for `fullEvery`). */
  #planMs = 0;
  /** One plan per active board whose structure was read. */
  #plans = new Map<string, Plan>();
  /** The item selection's display types (the column types present). */
  #displayTypes = new Set<string>();
  #fields = "";
  /** Items read by the whole reads, kept only when `#linking`. */
  #readWhole = new Set<string>();
  /** Whether a board brought up to date from its logs has link columns. */
  #linking = false;
  /** Items re-read by id. */
  #fresh = new Map<string, MondayItem>();
  /** The sync's requests in flight (at most `concurrency`). */
  #slots: RequestSlots;
  /**
   * Aborted by the caller's signal or by the run's first failure: every
   * request in flight or waiting is cancelled, every board writer aborts.
   */
  #stop = new AbortController();
  /** The board transactions, applied one at a time in the order asked. */
  #applying: Promise<void> = Promise.resolve();

  /**
   * @param config The validated options.
   */
  constructor(config: SyncConfig) {
    this.#config = config;
    this.#slots = new RequestSlots(config.concurrency);
  }

  /**
   * Runs the sync, step by step.
   *
   * @returns What the sync did.
   */
  async run(): Promise<SyncSummary> {
    const { target, audit, signal } = this.#config;
    const onAbort = () => this.#stop.abort(signal!.reason);
    signal?.throwIfAborted();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      this.scopeTables();
      await target.prepare(NORMALIZED);
      this.#states = await target.readStates();
      if (this.#auditTable && audit) {
        this.#summary.auditEntries = await syncAuditLogs(
          audit,
          target,
          signal,
        );
      }
      // The account lists and the boards go side by side.
      await this.#together([
        () => this.#accountTables ? this.syncAccountTables() : undefined,
        () => this.#boardFilter !== "none" ? this.#syncBoards() : undefined,
      ]);
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
    this.#summary.durationMs = this.#config.now() - this.#config.started;
    this.#report();
    return this.#summary;
  }

  /** Steps 1-5. */
  async #syncBoards(): Promise<void> {
    const inScope = await this.listBoards();
    await this.applyInactiveBoards(inScope);
    await this.planBoards();
    this.chooseItemFields();
    await this.applyWholeBoards();
    await this.findLinkingItems();
    await this.rereadItems();
    this.routeItems();
    await this.applyIncrementalBoards();
  }

  /**
   * Runs works side by side. The first failure stops the others (their
   * requests are cancelled); once every one settled, the caller's
   * cancellation, else the first failure, is thrown.
   */
  async #together(
    works: (() => Promise<void> | void | undefined)[],
  ): Promise<void> {
    const results = await Promise.allSettled(
      works.map(async (work) => {
        try {
          await work();
        } catch (error) {
          this.#fail(error);
          throw error;
        }
      }),
    );
    const signal = this.#config.signal;
    if (signal?.aborted) throw signal.reason;
    for (const result of results) {
      if (result.status === "rejected") throw this.#first ?? result.reason;
    }
  }

  /** Runs a board's transaction after those asked for before it. */
  #oneAtATime(apply: () => Promise<void>): Promise<void> {
    const done = this.#applying.then(apply);
    this.#applying = done.catch(() => {});
    return done;
  }

  /** The run's first failure. */
  #first: unknown;

  /** Records the first failure and stops the run's other work. */
  #fail(error: unknown): void {
    if (!this.#stop.signal.aborted) {
      this.#first = error;
      this.#stop.abort(error);
    }
  }

  #report(): void {
    const { progress, now, started } = this.#config;
    progress?.({
      boardsDone: this.#boardsDone,
      boardsTotal: this.#summary.boards,
      itemsRead: this.#summary.itemsRead,
      requests: this.#summary.requests,
      elapsedMs: now() - started,
    });
  }

  #request: SyncRequest = <T>(
    document: string,
    variables: Record<string, unknown>,
  ) => this.#send<T>(0, document, variables);

  /** One request, once a slot is free (the highest `priority` first). */
  #send<T>(
    priority: number,
    document: string,
    variables: Record<string, unknown>,
  ): Promise<T> {
    const signal = this.#stop.signal;
    return this.#slots.run(priority, signal, () => {
      signal.throwIfAborted();
      this.#summary.requests++;
      return this.#config.client.request<T>(document, variables, { signal });
    });
  }

  /** Tables in scope: board tables by id, all boards, the account tables. */
  scopeTables(): void {
    const tables = this.#config.tables;
    if (!tables) return;
    const named = new Set<string>();
    let allBoards = false;
    this.#accountTables = false;
    this.#auditTable = false;
    for (const raw of tables) {
      const name = raw.trim().toLowerCase();
      const match = /^board_(\d+)$/.exec(name);
      if (match) named.add(match[1]!);
      else if (name === "audit_logs") this.#auditTable = true;
      else if (BOARD_TABLES.includes(name)) allBoards = true;
      else if (ACCOUNT_TABLES.includes(name)) this.#accountTables = true;
      else {
        throw new TypeError(
          `Invalid table '${raw}': expected board_<id>, ${
            [...BOARD_TABLES, ...ACCOUNT_TABLES, "audit_logs"].join(", ")
          }`,
        );
      }
    }
    this.#boardFilter = allBoards ? "all" : named.size ? named : "none";
  }

  /** The account lists, read and applied. */
  async syncAccountTables(): Promise<void> {
    const tables = await readAccountLists(
      this.#request,
      this.#summary.warnings,
    );
    await this.#config.target.applyAccount({ tables });
  }

  /**
   * 1. Every board, every state; those in scope.
   *
   * @returns The boards in scope (every state).
   */
  async listBoards(): Promise<BoardInfo[]> {
    const boards: BoardInfo[] = [];
    for (let page = 1;; page++) {
      const data = await this.#request<{ boards: BoardInfo[] | null }>(
        BOARDS_DOCUMENT,
        { limit: BOARDS_PAGE, page },
      );
      const list = (data.boards ?? []).filter((b): b is BoardInfo => !!b);
      boards.push(...list);
      if (list.length < BOARDS_PAGE) break;
    }
    const config = this.#config;
    const wantedBoards = config.boards ? new Set(config.boards) : undefined;
    const wantedSpaces = config.workspaces
      ? new Set(config.workspaces)
      : undefined;
    const boardFilter = this.#boardFilter;
    const inScope = boards.filter((b) =>
      (!wantedBoards || wantedBoards.has(b.id)) &&
      (boardFilter === "all" ||
        (boardFilter !== "none" && boardFilter.has(b.id))) &&
      (!wantedSpaces || wantedSpaces.has(b.workspace_id ?? "")) &&
      b.type !== "document"
    );
    this.#summary.boards = inScope.length;
    this.#report();
    return inScope;
  }

  /**
   * 2. Archived and deleted boards keep only their row.
   *
   * @param inScope The boards in scope (every state).
   */
  async applyInactiveBoards(inScope: BoardInfo[]): Promise<void> {
    this.#active = inScope.filter((b) => b.state === "active");
    for (const board of inScope) {
      if (board.state === "active") continue;
      await this.#config.target.applyBoard({
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
      this.#summary.inactiveBoards++;
      this.#boardsDone++;
    }
    this.#report();
  }

  /** Why a board is read whole, or undefined to read it from its logs. */
  #wantsFull(board: BoardInfo): string | undefined {
    const state = this.#states.get(board.id);
    if (this.#config.full) return "--full";
    if (!state) return "first sync";
    if (this.#planMs - Date.parse(state.fullAt) >= this.#config.fullEvery) {
      return "full-every";
    }
    return undefined;
  }

  /**
   * 3. Structure and activity logs, in batches read side by side: one plan
   * per board.
   */
  async planBoards(): Promise<void> {
    this.#planMs = this.#config.now();
    const fullFirst = this.#active.filter((b) =>
      this.#wantsFull(b) !== undefined
    );
    const incrementalFirst = this.#active.filter((b) =>
      this.#wantsFull(b) === undefined
    );
    const batches = [
      ...chunks(fullFirst, STRUCTURE_BATCH).map((batch) => ({
        batch,
        full: true,
      })),
      ...chunks(incrementalFirst, STRUCTURE_BATCH).map((batch) => ({
        batch,
        full: false,
      })),
    ];
    const plans = batches.map(() => [] as Plan[]);
    await this.#pool(
      batches.map((b, i) => ({ ...b, i })),
      ({ batch, full, i }) => this.#readStructure(batch, full, plans[i]!),
    );
    // In the order the batches were made, whatever order they finished in.
    for (const plan of plans.flat()) this.#plans.set(plan.board.id, plan);
    this.#report();
  }

  /** {@linkcode pool} with the run's limit, stopping the run on a failure. */
  #pool<T>(
    list: T[],
    work: (value: T) => Promise<void>,
    limit = this.#config.concurrency,
  ): Promise<void> {
    return pool(list, limit, work, (error) => this.#fail(error));
  }

  /** From when a batch's logs are read: the oldest mark less the overlap. */
  #logsFrom(batch: BoardInfo[]): string | undefined {
    let oldest: string | null | undefined;
    for (const b of batch) {
      const mark = this.#states.get(b.id)!.logMark;
      if (mark === null) oldest = null;
      else if (oldest !== null) {
        if (oldest === undefined || compareMarks(mark, oldest) < 0) {
          oldest = mark;
        }
      }
    }
    if (!oldest) return undefined;
    return new Date(Date.parse(markToIso(oldest)) - this.#config.overlapMs)
      .toISOString();
  }

  async #readStructure(
    batch: BoardInfo[],
    full: boolean,
    plans: Plan[],
  ): Promise<void> {
    const from = full ? undefined : this.#logsFrom(batch);
    const data = await this.#request<{ boards: (Structure | null)[] | null }>(
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
      const state = this.#states.get(board.id);
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
        fullReason: full ? this.#wantsFull(board) : undefined,
        mark: state?.logMark ?? null,
        itemIds: new Set(),
        upserts: new Map(),
        removals: new Set(),
      };
      if (full) {
        plan.mark = structure.activity_logs?.[0]?.created_at ?? null;
      } else {
        await this.#readLogs(plan, from);
      }
      plans.push(plan);
    }
  }

  /** An incremental plan: the rest of its logs, and what they mean. */
  async #readLogs(plan: Plan, from: string | undefined): Promise<void> {
    const { board, structure, table, state } = plan;
    const logs = structure.activity_logs ?? [];
    if (logs.length >= LOGS_PAGE) {
      for (let page = 2;; page++) {
        if (logs.length >= LOGS_CAP) {
          plan.fullReason = "over 10,000 activity logs since the last run";
          break;
        }
        const more = await this.#request<
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

  /** 4. The item selection: display values only for the types present. */
  chooseItemFields(): void {
    this.#linking = [...this.#plans.values()].some((p) =>
      !p.fullReason &&
      (p.structure.columns ?? []).some((c) => LINK_TYPES.includes(c.type))
    );
    for (const plan of this.#plans.values()) {
      for (const c of plan.structure.columns ?? []) {
        this.#displayTypes.add(c.type);
      }
    }
    this.#fields = itemFields(this.#displayTypes);
  }

  /**
   * 5. Boards read whole first, the biggest first, their groups side by
   * side, each written as it is read and committed when whole.
   */
  async applyWholeBoards(): Promise<void> {
    const whole = [...this.#plans.values()].filter((p) => p.fullReason)
      .sort((a, b) => (b.board.items_count ?? 0) - (a.board.items_count ?? 0));
    // Each board in progress reads its groups at once; the slots bound the
    // requests. A target that buffers whole boards gets fewer at once.
    const limit = this.#config.target.beginBoard
      ? this.#config.concurrency
      : Math.min(BUFFERED_BOARDS, this.#config.concurrency);
    await this.#pool(whole, (plan) => this.#applyWhole(plan), limit);
  }

  /**
   * An item that links to a changed item (board relation, dependency) shows
   * the linked item's name or values: it is re-read too. A link column
   * pointing at a board read whole (whose deleted items the logs may not
   * name, e.g. a deleted group's) has all its links re-read.
   */
  async findLinkingItems(): Promise<void> {
    const all = [...this.#plans.values()];
    const changed = new Set<string>(this.#readWhole);
    for (const plan of all) {
      for (const id of plan.itemIds) changed.add(id);
    }
    const linking = this.#linking;
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
    if (!((changed.size || hot.size) && linking)) return;
    for (const stored of await this.#config.target.readValues(LINK_TYPES)) {
      const plan = this.#plans.get(stored.boardId);
      if (!plan || plan.fullReason || plan.itemIds.has(stored.itemId)) continue;
      if (
        hot.has(`${stored.boardId}/${stored.columnId}`) ||
        linkedIds(stored.value).some((id) => changed.has(id))
      ) plan.itemIds.add(stored.itemId);
    }
  }

  /**
   * The items the incremental plans name, re-read by id with updates, in
   * batches side by side.
   */
  async rereadItems(): Promise<void> {
    const wanted = new Set<string>();
    for (const plan of this.#plans.values()) {
      if (!plan.fullReason) { for (const id of plan.itemIds) wanted.add(id); }
    }
    const withUpdates = itemsByIdDocument(itemFields(this.#displayTypes, true));
    const batches = chunks([...wanted], IDS_BATCH);
    const found = batches.map(() => [] as MondayItem[]);
    await this.#pool(batches.map((ids, i) => ({ ids, i })), async (b) => {
      const data = await this.#request<
        { items: (MondayItem | null)[] | null }
      >(withUpdates, { ids: b.ids, limit: IDS_BATCH });
      for (const item of data.items ?? []) if (item) found[b.i]!.push(item);
      this.#summary.itemsRead += b.ids.length;
      this.#report();
    });
    // In the order asked, whatever order the answers came in.
    for (const item of found.flat()) this.#fresh.set(item.id, item);
    // An item with a full page of updates has more: page through them.
    const more = [...this.#fresh.values()].filter((item) =>
      (item.updates ?? []).length === UPDATES_PAGE
    );
    await this.#pool(more, async (item) => {
      const updates = item.updates ?? [];
      for (let page = 2; updates.length === (page - 1) * UPDATES_PAGE; page++) {
        const data = await this.#request<
          { items: ({ updates: MondayUpdate[] | null } | null)[] | null }
        >(ITEM_UPDATES_DOCUMENT, { ids: [item.id], limit: UPDATES_PAGE, page });
        updates.push(...(data.items?.[0]?.updates ?? []));
      }
      item.updates = updates;
    });
  }

  /**
   * Each re-read item goes to the board it now belongs to; one gone (deleted,
   * archived, moved away) is removed from the board that named it.
   */
  routeItems(): void {
    for (const plan of this.#plans.values()) {
      if (plan.fullReason) continue;
      for (const id of plan.itemIds) {
        const item = this.#fresh.get(id);
        const home = item?.board?.id;
        const alive = item && (item.state ?? "active") === "active";
        if (!alive || home !== plan.board.id) plan.removals.add(id);
        if (alive && home) {
          const owner = this.#plans.get(home);
          if (owner && !owner.fullReason) {
            owner.upserts.set(id, item);
            owner.removals.delete(id);
          }
        }
      }
    }
  }

  /** The other boards, brought up to date from their logs, each applied. */
  async applyIncrementalBoards(): Promise<void> {
    const rest = [...this.#plans.values()].filter((p) => !p.fullReason);
    await this.#pool(rest, (plan) => this.#applyIncremental(plan));
  }

  /** A board patch's structure and state (its rows come separately). */
  #patch(plan: Plan, full: boolean): BoardPatch {
    const at = new Date(this.#config.now()).toISOString();
    return {
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
      items: [],
      updates: [],
      removedItemIds: [],
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
  }

  /** An incremental board's re-read items and removals, in one transaction. */
  async #applyIncremental(plan: Plan): Promise<void> {
    const rows: ItemRows[] = [];
    for (const item of plan.upserts.values()) {
      const row = itemRows(item, plan.board.id, plan.table);
      row.updates = (item.updates ?? []).map((u) =>
        updateRow({ ...u, item_id: item.id }, plan.board.id)
      );
      rows.push(row);
    }
    const patch = this.#patch(plan, false);
    patch.items = rows;
    patch.removedItemIds = [...plan.removals];
    await this.#oneAtATime(() => {
      this.#stop.signal.throwIfAborted();
      return this.#config.target.applyBoard(patch);
    });
    this.#summary.incrementalBoards++;
    this.#summary.itemsWritten += rows.length;
    this.#summary.itemsRemoved += patch.removedItemIds.length;
    this.#boardsDone++;
    this.#report();
  }

  /**
   * A board read whole: each page is turned into rows and staged as it
   * arrives (its groups side by side), then the board's updates, then one
   * commit replaces the stored board. Any failure or cancellation aborts the
   * writer: the stored board stays as it was.
   */
  async #applyWhole(plan: Plan): Promise<void> {
    const { target } = this.#config;
    const boardId = plan.board.id;
    const writer = target.beginBoard
      ? await target.beginBoard(boardId, plan.table.spec)
      : bufferedWriter(target);
    try {
      const written = await this.#readBoard(plan, writer);
      await this.#readBoardUpdates(plan, written, writer);
      await this.#oneAtATime(() => {
        this.#stop.signal.throwIfAborted();
        return writer.commit(this.#patch(plan, true));
      });
      this.#summary.fullReasons[boardId] = plan.fullReason!;
      this.#summary.fullBoards++;
      this.#summary.itemsWritten += written.size;
      // Only an incremental board with link columns needs them (see
      // findLinkingItems); a full sync of a big account keeps none.
      if (this.#linking) { for (const id of written) this.#readWhole.add(id); }
    } catch (error) {
      // The read's error is the one to report; leftover staging goes at the
      // next open if the abort fails too (a lost database).
      await writer.abort().catch(() => {});
      throw error;
    }
    this.#boardsDone++;
    this.#report();
  }

  /**
   * A board's items, its groups side by side, each page staged as it
   * arrives; the pages of one board are written one after another.
   *
   * @returns The ids of the items written.
   */
  async #readBoard(plan: Plan, writer: BoardWriter): Promise<Set<string>> {
    const boardId = plan.board.id;
    const groups = plan.structure.groups;
    const groupIds = new Set(groups.map((g) => g.id));
    const written = new Set<string>();
    // Longer chains first: a group's expected size is its board's share
    // (monday does not say how a board's items spread over its groups). A
    // chain under way goes before any chain not yet begun, so when slots are
    // short groups run one after another rather than interleaved, and no
    // cursor waits long between its pages.
    const share = (plan.board.items_count ?? 0) / Math.max(1, groups.length);
    let writing: Promise<void> = Promise.resolve();
    await readBoardGroups(boardId, groups.map((g) => g.id), {
      request: () => {
        let priority = share;
        return <T>(document: string, variables: Record<string, unknown>) => {
          const sent = this.#send<T>(priority, document, variables);
          priority = UNDER_WAY + share;
          return sent;
        };
      },
      fields: this.#fields,
      now: this.#config.now,
      onPage: (items) => {
        const rows: ItemRows[] = [];
        for (const item of items) {
          if (item.group && !groupIds.has(item.group.id)) continue;
          rows.push(itemRows(item, boardId, plan.table));
          written.add(item.id);
        }
        this.#summary.itemsRead += items.length;
        this.#report();
        // One write at a time per board, in the order the pages came.
        const write = writing.then(() => writer.writeItems(rows));
        writing = write.catch(() => {});
        return write;
      },
      onRestart: () => {
        this.#summary.cursorRestarts++;
      },
    });
    await writing;
    return written;
  }

  /**
   * A whole read takes the board's updates in pages, keeping those of the
   * items it wrote (as an item's re-read does), each page staged.
   */
  async #readBoardUpdates(
    plan: Plan,
    written: Set<string>,
    writer: BoardWriter,
  ): Promise<void> {
    for (let page = 1;; page++) {
      // Before any group: the board's commit waits only for these.
      const data = await this.#send<
        { boards: ({ updates: MondayUpdate[] | null } | null)[] | null }
      >(FINISHING, BOARD_UPDATES_DOCUMENT, {
        ids: [plan.board.id],
        limit: UPDATES_PAGE,
        page,
      });
      const list = data.boards?.[0]?.updates ?? [];
      const rows: Cell[][] = [];
      for (const u of list) {
        if (u.item_id && written.has(u.item_id)) {
          rows.push(updateRow(u, plan.board.id));
        }
      }
      if (rows.length) await writer.writeUpdates(rows);
      if (list.length < UPDATES_PAGE) break;
    }
  }
}
