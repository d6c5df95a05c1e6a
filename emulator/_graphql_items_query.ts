/**
 * `items_page` and `next_items_page`: filters (`query_params` rules, nested
 * rule groups, ids), ordering, and the cursor pages over a snapshot.
 *
 * Only active items are served: `items_page` has no state filter in monday's
 * schema and the public sources say nothing of archived or deleted items in
 * it, so the emulator assumes they are left out (root `items(ids)` returns
 * them with their `state`).
 *
 * @module
 */

import type { ResolverContext } from "./_graphql_context.ts";
import type { CursorState } from "./_graphql_cursors.ts";
import {
  type BoardRecord,
  type GroupRecord,
  type ItemRecord,
  type Model,
  ModelError,
} from "./_model.ts";

/** One rule of `query_params`. */
export interface ItemsQueryRule {
  column_id: string;
  compare_value: unknown;
  compare_attribute?: string | null;
  operator?: string | null;
}

/** A nested group of rules. */
export interface ItemsQueryGroup {
  rules?: ItemsQueryRule[] | null;
  groups?: ItemsQueryGroup[] | null;
  operator?: "and" | "or" | null;
}

/** `query_params`. */
export interface ItemsQuery extends ItemsQueryGroup {
  ids?: string[] | null;
  order_by?: { column_id: string; direction?: "asc" | "desc" | null }[] | null;
}

/** The arguments of `items_page`. */
export interface ItemsPageArgs {
  limit: number;
  cursor?: string | null;
  query_params?: ItemsQuery | null;
}

const DAY_MS = 86_400_000;

/**
 * Checks a page size (1-500).
 *
 * @param limit The page size.
 * @throws {ModelError} `InvalidArgumentException` out of range.
 */
export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new ModelError(
      "InvalidArgumentException",
      `limit must be between 1 and 500, got ${limit}`,
      { data: { argument: "limit", value: limit } },
    );
  }
}

/**
 * A page of item records and the next cursor; the caller turns the records
 * into GraphQL views (the views module builds pages through this one, so
 * this one does not import it).
 */
export interface ItemsPageRecords {
  /** The next page's cursor, or `null` at the end. */
  cursor: string | null;
  /** The page's items. */
  items: ItemRecord[];
}

/**
 * Serves one page from a cursor state and issues the next cursor.
 *
 * @param state Where the pagination is.
 * @param limit The page size.
 * @param ctx The request context.
 * @returns `{cursor, items}` with item records.
 */
export function page(
  state: CursorState,
  limit: number,
  ctx: ResolverContext,
): ItemsPageRecords {
  const out: ItemRecord[] = [];
  let i = state.offset;
  const { items, end, boardId } = state;
  const shows = (item: ItemRecord) =>
    item.state === "active" && item.boardId === boardId;
  while (i < end && out.length < limit) {
    const item = items[i++]!;
    if (shows(item)) out.push(item);
  }
  while (i < end && !shows(items[i]!)) i++;
  const chain = state.chain ?? { epoch: -1, pages: 0, delayMs: 0 };
  ctx.paginations?.add(chain);
  const cursor = i < end
    ? ctx.cursors.issue({
      boardId,
      items,
      end,
      offset: i,
      createdAt: state.createdAt,
      chain,
    })
    : null;
  return { cursor, items: out };
}

/** [start, end) of a UTC day/week/month bucket at `now`. */
function bucket(name: string, now: number): [number, number] | undefined {
  const day = Math.floor(now / DAY_MS) * DAY_MS;
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday = 0
  const week = day - weekday * DAY_MS;
  const d = new Date(day);
  const month = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const lastMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1);
  const nextMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  switch (name) {
    case "TODAY":
      return [day, day + DAY_MS];
    case "YESTERDAY":
      return [day - DAY_MS, day];
    case "THIS_WEEK":
      return [week, week + 7 * DAY_MS];
    case "LAST_WEEK":
      return [week - 7 * DAY_MS, week];
    case "THIS_MONTH":
      return [month, nextMonth];
    case "LAST_MONTH":
      return [lastMonth, month];
    case "PAST_DATETIME":
      return [Number.NEGATIVE_INFINITY, now + 1];
    default:
      return undefined;
  }
}

function values(rule: ItemsQueryRule): string[] {
  return (Array.isArray(rule.compare_value)
    ? rule.compare_value
    : [rule.compare_value]).map((v) => String(v));
}

/**
 * Matches `__last_updated__` (UPDATED_AT) and `__creation_log__`
 * (CREATED_AT) rules: monday's day buckets (`TODAY`, `YESTERDAY`,
 * `THIS_WEEK`, `LAST_WEEK`, `THIS_MONTH`, `LAST_MONTH`, `PAST_DATETIME`),
 * computed in UTC on the emulator clock, with weeks starting on Monday; and
 * `["EXACT", "YYYY-MM-DD"]` at day precision with the comparison operators
 * (seen in third-party code, not documented).
 */
function matchesTime(
  rule: ItemsQueryRule,
  at: number,
  now: number,
): boolean {
  const list = values(rule);
  const operator = rule.operator ?? "any_of";
  if (list[0] === "EXACT") {
    const day = Date.parse(`${list[1] ?? ""}T00:00:00Z`);
    if (Number.isNaN(day)) {
      throw new ModelError(
        "InvalidArgumentException",
        `compare_value ["EXACT", date] needs a date YYYY-MM-DD, got '${
          list[1]
        }'`,
        { data: { column_id: rule.column_id } },
      );
    }
    const itemDay = Math.floor(at / DAY_MS) * DAY_MS;
    const second = Date.parse(`${list[3] ?? list[1]}T00:00:00Z`);
    switch (operator) {
      case "any_of":
        return itemDay === day;
      case "not_any_of":
        return itemDay !== day;
      case "greater_than":
        return itemDay > day;
      case "greater_than_or_equals":
        return itemDay >= day;
      case "lower_than":
        return itemDay < day;
      case "lower_than_or_equal":
        return itemDay <= day;
      case "between":
        return itemDay >= day && itemDay <= second;
    }
  }
  const ranges = list.map((name) => {
    const range = bucket(name, now);
    if (!range) {
      throw new ModelError(
        "InvalidArgumentException",
        `Unsupported compare_value '${name}' for column '${rule.column_id}' (expected TODAY, YESTERDAY, THIS_WEEK, LAST_WEEK, THIS_MONTH, LAST_MONTH, PAST_DATETIME or ["EXACT", "YYYY-MM-DD"])`,
        { data: { column_id: rule.column_id, compare_value: name } },
      );
    }
    return range;
  });
  const inAny = ranges.some(([from, to]) => at >= from && at < to);
  if (operator === "any_of") return inAny;
  if (operator === "not_any_of") return !inAny;
  throw new ModelError(
    "InvalidArgumentException",
    `Operator '${operator}' is not supported on '${rule.column_id}' with day buckets (use any_of or not_any_of)`,
    { data: { column_id: rule.column_id, operator } },
  );
}

const TIME_COLUMNS: Record<string, string> = {
  __last_updated__: "UPDATED_AT",
  __creation_log__: "CREATED_AT",
};

function checkRule(model: Model, board: BoardRecord, rule: ItemsQueryRule) {
  const attribute = TIME_COLUMNS[rule.column_id];
  if (attribute) {
    if ((rule.compare_attribute ?? "").toUpperCase() !== attribute) {
      throw new ModelError(
        "InvalidArgumentException",
        `Rules on '${rule.column_id}' need compare_attribute: "${attribute}"`,
        { data: { column_id: rule.column_id } },
      );
    }
    return;
  }
  if (rule.column_id !== "name" && rule.column_id !== "group") {
    model.requireColumn(board, rule.column_id);
  }
}

function checkGroup(model: Model, board: BoardRecord, q: ItemsQueryGroup) {
  for (const rule of q.rules ?? []) checkRule(model, board, rule);
  for (const group of q.groups ?? []) checkGroup(model, board, group);
}

function matchesGroup(
  ctx: ResolverContext,
  board: BoardRecord,
  item: ItemRecord,
  q: ItemsQueryGroup,
): boolean {
  const tests: (() => boolean)[] = [
    ...(q.rules ?? []).map((rule) => () => matches(ctx, board, item, rule)),
    ...(q.groups ?? []).map((group) => () =>
      matchesGroup(ctx, board, item, group)
    ),
  ];
  if (tests.length === 0) return true;
  return (q.operator ?? "and") === "and"
    ? tests.every((t) => t())
    : tests.some((t) => t());
}

function matches(
  ctx: ResolverContext,
  board: BoardRecord,
  item: ItemRecord,
  rule: ItemsQueryRule,
): boolean {
  const model = ctx.model;
  if (rule.column_id === "__last_updated__") {
    return matchesTime(rule, item.updatedAt, ctx.now);
  }
  if (rule.column_id === "__creation_log__") {
    return matchesTime(rule, item.createdAt, ctx.now);
  }
  const operator = rule.operator ?? "any_of";
  let text: string;
  let index: string | undefined;
  let ids: string[] = [];
  if (rule.column_id === "name") {
    text = item.name;
  } else if (rule.column_id === "group") {
    text = item.groupId;
  } else {
    const column = model.requireColumn(board, rule.column_id);
    const cell = model.cell(item, column);
    text = cell.text ?? "";
    if (
      column.type === "mirror" || column.type === "formula" ||
      column.type === "board_relation"
    ) {
      text = model.displayValue(item, column);
    }
    if (column.type === "status") {
      index = cell.value === null
        ? "5"
        : String((JSON.parse(cell.value) as { index: number }).index);
    }
    if (column.type === "people" && cell.value !== null) {
      ids = (JSON.parse(cell.value) as { personsAndTeams: { id: number }[] })
        .personsAndTeams.map((p) => String(p.id));
    }
    if (column.type === "dropdown" && cell.value !== null) {
      ids = (JSON.parse(cell.value) as { ids: number[] }).ids.map(String);
    }
    if (column.type === "date" && cell.value !== null) {
      text = String((JSON.parse(cell.value) as { date: string }).date);
    }
  }
  const list = values(rule);
  const equalsAny = () =>
    list.some((v) =>
      v === text || (index !== undefined && v === index) ||
      ids.includes(v.replace(/^person-/, ""))
    );
  const num = (v: string) => Number.isFinite(Number(v)) && v !== "";
  const cmp = (a: string, b: string) =>
    num(a) && num(b) ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0;
  const first = list[0] ?? "";
  switch (operator) {
    case "any_of":
      return equalsAny();
    case "not_any_of":
      return !equalsAny();
    case "is_empty":
      return text === "";
    case "is_not_empty":
      return text !== "";
    case "greater_than":
      return text !== "" && cmp(text, first) > 0;
    case "greater_than_or_equals":
      return text !== "" && cmp(text, first) >= 0;
    case "lower_than":
      return text !== "" && cmp(text, first) < 0;
    case "lower_than_or_equal":
      return text !== "" && cmp(text, first) <= 0;
    case "between":
      return text !== "" && cmp(text, first) >= 0 &&
        cmp(text, list[1] ?? first) <= 0;
    case "contains_text":
      return text.toLowerCase().includes(first.toLowerCase());
    case "not_contains_text":
      return !text.toLowerCase().includes(first.toLowerCase());
    case "starts_with":
      return text.toLowerCase().startsWith(first.toLowerCase());
    case "ends_with":
      return text.toLowerCase().endsWith(first.toLowerCase());
    default:
      throw new ModelError(
        "InvalidArgumentException",
        `Unsupported rule operator '${operator}'`,
      );
  }
}

/**
 * Resolves `Board.items_page` / `Group.items_page`.
 *
 * @param board The board.
 * @param group The group, for `Group.items_page`.
 * @param args `limit`, `cursor`, `query_params`.
 * @param ctx The request context.
 * @returns `{cursor, items}` with item records.
 * @throws {ModelError} On bad arguments, an unknown column, an expired
 * cursor; `INTERNAL_SERVER_ERROR` for a deleted board.
 */
export function itemsPage(
  board: BoardRecord,
  group: GroupRecord | undefined,
  args: ItemsPageArgs,
  ctx: ResolverContext,
): ItemsPageRecords {
  checkLimit(args.limit);
  if (board.state === "deleted") {
    // A real connector (Estuary) sees INTERNAL_SERVER_ERROR for the items of
    // a deleted board and skips them (SYNC-FACTS §2).
    throw new ModelError(
      "INTERNAL_SERVER_ERROR",
      "Internal server error",
      { statusCode: 500, data: { board_id: Number(board.id) } },
    );
  }
  if (args.cursor && args.query_params) {
    throw new ModelError(
      "InvalidArgumentException",
      "cursor and query_params cannot be used together: the cursor already holds the query",
      { data: { arguments: ["cursor", "query_params"] } },
    );
  }
  if (args.cursor) {
    return page(ctx.cursors.read(args.cursor), args.limit, ctx);
  }
  const q = args.query_params;
  let items: ItemRecord[];
  if (!q && !group) items = board.items;
  else {
    if (q?.ids && q.ids.length > 100) {
      throw new ModelError(
        "InvalidArgumentException",
        `query_params.ids accepts at most 100 ids, got ${q.ids.length}`,
        { data: { argument: "ids", count: q.ids.length } },
      );
    }
    const ids = q?.ids ? new Set(q.ids.map(String)) : undefined;
    if (q) checkGroup(ctx.model, board, q);
    items = board.items.filter((item) => {
      if (!ctx.model.onBoard(board, item)) return false;
      if (group && item.groupId !== group.id) return false;
      if (ids && !ids.has(item.id)) return false;
      return !q || matchesGroup(ctx, board, item, q);
    });
    for (const order of [...(q?.order_by ?? [])].reverse()) {
      const dir = order.direction === "desc" ? -1 : 1;
      const special = order.column_id === "name" ||
        order.column_id in TIME_COLUMNS;
      const column = special
        ? undefined
        : ctx.model.requireColumn(board, order.column_id);
      const key = (item: ItemRecord): string =>
        order.column_id === "__creation_log__"
          ? String(item.createdAt).padStart(16, "0")
          : order.column_id === "__last_updated__"
          ? String(item.updatedAt).padStart(16, "0")
          : column
          ? ctx.model.cell(item, column).text ?? ""
          : item.name;
      items.sort((a, b) => {
        const x = key(a), y = key(b);
        const nx = Number(x), ny = Number(y);
        const c = x !== "" && y !== "" && Number.isFinite(nx) &&
            Number.isFinite(ny)
          ? nx - ny
          : x.localeCompare(y);
        return c * dir;
      });
    }
  }
  return page(
    {
      boardId: board.id,
      items,
      end: items.length,
      offset: 0,
      createdAt: ctx.now,
    },
    args.limit,
    ctx,
  );
}
