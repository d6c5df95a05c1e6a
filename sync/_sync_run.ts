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
 * 5. {@linkcode SyncRun.applyWholeBoards}: boards read whole, group by group,
 *    and applied; then {@linkcode SyncRun.findLinkingItems},
 *    {@linkcode SyncRun.rereadItems} and {@linkcode SyncRun.routeItems}
 *    re-read the items the logs name (and the items linking to anything
 *    changed), and {@linkcode SyncRun.applyIncrementalBoards} applies the
 *    other boards.
 *
 * @module
 */

import type { AuditLogSource } from "../auditlog/mod.ts";
import type { MondayClient } from "../graphql/mod.ts";
import { syncAuditLogs } from "./_audit.ts";
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
  /** Items read by the whole reads. */
  #readWhole = new Set<string>();
  /** Items re-read by id. */
  #fresh = new Map<string, MondayItem>();

  /**
   * @param config The validated options.
   */
  constructor(config: SyncConfig) {
    this.#config = config;
  }

  /**
   * Runs the sync, step by step.
   *
   * @returns What the sync did.
   */
  async run(): Promise<SyncSummary> {
    const { target, audit, signal } = this.#config;
    this.scopeTables();
    await target.prepare(NORMALIZED);
    this.#states = await target.readStates();
    if (this.#accountTables) await this.syncAccountTables();
    if (this.#auditTable && audit) {
      this.#summary.auditEntries = await syncAuditLogs(audit, target, signal);
    }
    if (this.#boardFilter !== "none") {
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
    this.#summary.durationMs = this.#config.now() - this.#config.started;
    this.#report();
    return this.#summary;
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
  ) => {
    const { client, signal } = this.#config;
    signal?.throwIfAborted();
    this.#summary.requests++;
    return client.request<T>(document, variables, signal ? { signal } : {});
  };

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

  /** 3. Structure and activity logs, in batches: one plan per board. */
  async planBoards(): Promise<void> {
    this.#planMs = this.#config.now();
    const fullFirst = this.#active.filter((b) =>
      this.#wantsFull(b) !== undefined
    );
    const incrementalFirst = this.#active.filter((b) =>
      this.#wantsFull(b) === undefined
    );
    for (const batch of chunks(fullFirst, STRUCTURE_BATCH)) {
      await this.#readStructure(batch, true);
    }
    for (const batch of chunks(incrementalFirst, STRUCTURE_BATCH)) {
      await this.#readStructure(batch, false);
    }
    this.#report();
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

  async #readStructure(batch: BoardInfo[], full: boolean): Promise<void> {
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
      this.#plans.set(board.id, plan);
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
    for (const plan of this.#plans.values()) {
      for (const c of plan.structure.columns ?? []) {
        this.#displayTypes.add(c.type);
      }
    }
    this.#fields = itemFields(this.#displayTypes);
  }

  /** 5. Boards read whole first, group by group, each applied. */
  async applyWholeBoards(): Promise<void> {
    const whole = [...this.#plans.values()].filter((p) => p.fullReason);
    await pool(whole, this.#config.concurrency, (plan) => this.#apply(plan));
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
    const linking = all.some((p) =>
      !p.fullReason &&
      (p.structure.columns ?? []).some((c) => LINK_TYPES.includes(c.type))
    );
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

  /** The items the incremental plans name, re-read by id with updates. */
  async rereadItems(): Promise<void> {
    const wanted = new Set<string>();
    for (const plan of this.#plans.values()) {
      if (!plan.fullReason) { for (const id of plan.itemIds) wanted.add(id); }
    }
    const withUpdates = itemsByIdDocument(itemFields(this.#displayTypes, true));
    for (const batch of chunks([...wanted], IDS_BATCH)) {
      const data = await this.#request<
        { items: (MondayItem | null)[] | null }
      >(
        withUpdates,
        { ids: batch, limit: IDS_BATCH },
      );
      for (const item of data.items ?? []) {
        if (item) this.#fresh.set(item.id, item);
      }
      this.#summary.itemsRead += batch.length;
      this.#report();
    }
    // An item with a full page of updates has more: page through them.
    for (const item of this.#fresh.values()) {
      const updates = item.updates ?? [];
      for (let page = 2; updates.length === (page - 1) * UPDATES_PAGE; page++) {
        const data = await this.#request<
          { items: ({ updates: MondayUpdate[] | null } | null)[] | null }
        >(ITEM_UPDATES_DOCUMENT, { ids: [item.id], limit: UPDATES_PAGE, page });
        updates.push(...(data.items?.[0]?.updates ?? []));
      }
      item.updates = updates;
    }
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
    await pool(rest, this.#config.concurrency, (plan) => this.#apply(plan));
  }

  /** One board's rows, updates and state, applied in one transaction. */
  async #apply(plan: Plan): Promise<void> {
    const full = plan.fullReason !== undefined;
    let items: MondayItem[];
    if (full) {
      items = await this.#readBoard(plan);
      this.#summary.fullReasons[plan.board.id] = plan.fullReason!;
      for (const item of items) this.#readWhole.add(item.id);
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
    const updates = full ? await this.#readBoardUpdates(plan, rows) : [];
    const at = new Date(this.#config.now()).toISOString();
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
    this.#config.signal?.throwIfAborted();
    await this.#config.target.applyBoard(patch);
    if (full) this.#summary.fullBoards++;
    else this.#summary.incrementalBoards++;
    this.#summary.itemsWritten += rows.length;
    this.#summary.itemsRemoved += patch.removedItemIds.length;
    this.#boardsDone++;
    this.#report();
  }

  /** A board read whole, group by group. */
  #readBoard(plan: Plan): Promise<MondayItem[]> {
    return readBoardGroups(
      plan.board.id,
      plan.structure.groups.map((g) => g.id),
      {
        request: this.#request,
        fields: this.#fields,
        now: this.#config.now,
        onItems: (count) => {
          this.#summary.itemsRead += count;
          this.#report();
        },
        onRestart: () => {
          this.#summary.cursorRestarts++;
        },
      },
    );
  }

  /**
   * A whole read takes the board's updates in pages, keeping those of the
   * items it wrote (as an item's re-read does).
   */
  async #readBoardUpdates(plan: Plan, rows: ItemRows[]): Promise<Cell[][]> {
    const updates: Cell[][] = [];
    const written = new Set(rows.map((r) => r.id));
    const seen = new Set<string>();
    for (let page = 1;; page++) {
      const data = await this.#request<
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
    return updates;
  }
}
