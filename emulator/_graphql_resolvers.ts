/**
 * The emulator's GraphQL resolvers: views over the in-memory model, root
 * query and mutation fields, items_page cursors and filters.
 *
 * @module
 */

import { GraphQLError } from "graphql";
import { AUDIT_EVENT_CATALOGUE } from "./_audit.ts";
import {
  ACCOUNT_ID,
  type AssetRecord,
  type BoardRecord,
  type ColumnRecord,
  type GroupRecord,
  type ItemRecord,
  type Model,
  ModelError,
  STATUS_LABELS,
  type UserRecord,
} from "./_model.ts";

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

/** The API versions the emulator knows. */
export const VERSIONS: readonly { value: string; kind: string }[] = [
  { value: "2024-10", kind: "deprecated" },
  { value: "2025-01", kind: "deprecated" },
  { value: "2025-04", kind: "deprecated" },
  { value: "2025-07", kind: "deprecated" },
  { value: "2025-10", kind: "deprecated" },
  { value: "2026-01", kind: "deprecated" },
  { value: "2026-04", kind: "deprecated" },
  { value: "2026-07", kind: "maintenance" },
  { value: "2026-10", kind: "current" },
  { value: "2027-01", kind: "release_candidate" },
  { value: "dev", kind: "dev" },
];

/** The version served when none or an unknown one is asked for. */
export const CURRENT_VERSION = "2026-10";

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
}

/** Scopes each root field needs from an OAuth token. */
export const FIELD_SCOPES: Record<string, string> = {
  me: "me:read",
  account: "account:read",
  users: "users:read",
  boards: "boards:read",
  items: "boards:read",
  next_items_page: "boards:read",
  audit_logs: "account:read",
  audit_event_catalogue: "account:read",
  create_item: "boards:write",
  change_column_value: "boards:write",
  change_simple_column_value: "boards:write",
  change_multiple_column_values: "boards:write",
  delete_item: "boards:write",
  create_board: "boards:write",
  add_file_to_column: "boards:write",
};

function requireScope(field: string, ctx: ResolverContext): void {
  const scope = FIELD_SCOPES[field];
  if (!scope || ctx.scopes === "all") return;
  const granted = ctx.scopes;
  // boards:write implies boards:read, like monday's scope hierarchy.
  const ok = granted.includes(scope) ||
    (scope.endsWith(":read") &&
      granted.includes(scope.replace(":read", ":write")));
  if (!ok) {
    throw new GraphQLError(
      `Permission Denied! Your token doesn't grant access to ${scope}`,
      {
        extensions: {
          code: "missingRequiredPermissions",
          status_code: 403,
          error_data: { required_scopes: [scope], field },
        },
      },
    );
  }
}

// ---------------------------------------------------------------- cursors

const CURSOR_TTL_MS = 60 * 60_000;

interface CursorState {
  /** The result set (a board's own item array when unfiltered: items are only ever appended to it). */
  items: ItemRecord[];
  /** The result set ends here (items appended after the pagination began are not in it). */
  end: number;
  offset: number;
  createdAt: number;
}

/**
 * Server-side state behind items_page cursors. A cursor lives 60 minutes
 * (emulator clock) from the first request of its pagination.
 */
export class CursorStore {
  #states = new Map<string, CursorState>();
  // Sweep when the store has doubled since the last sweep, so the cost of
  // sweeping stays constant per cursor issued however many are kept.
  #sweepAt = 50_000;
  #random: () => number;
  #clock: { now(): number };

  /**
   * Creates the store.
   *
   * @param clock The emulator clock.
   * @param random The seeded random source for cursor tokens.
   */
  constructor(clock: { now(): number }, random: () => number) {
    this.#clock = clock;
    this.#random = random;
  }

  /**
   * Issues a cursor.
   *
   * @param state The snapshot, position and the pagination's start.
   * @returns The cursor token.
   */
  issue(state: CursorState): string {
    if (this.#states.size > this.#sweepAt) {
      this.#sweep();
      this.#sweepAt = Math.max(50_000, this.#states.size * 2);
    }
    let token = "MSw";
    for (let i = 0; i < 4; i++) {
      token += Math.floor(this.#random() * 2 ** 32).toString(36).padStart(
        7,
        "0",
      );
    }
    token += this.#states.size.toString(36);
    this.#states.set(token, state);
    return token;
  }

  /**
   * Reads a cursor.
   *
   * @param token The cursor token.
   * @returns Its state.
   * @throws {ModelError} `CursorExpiredError` after 60 minutes,
   * `InvalidArgumentException` for an unknown cursor.
   */
  read(token: string): CursorState {
    const state = this.#states.get(token);
    if (!state) {
      throw new ModelError(
        "InvalidArgumentException",
        "The cursor is not valid: it was not issued by items_page",
        { data: {} },
      );
    }
    if (this.#clock.now() - state.createdAt >= CURSOR_TTL_MS) {
      throw new ModelError(
        "CursorExpiredError",
        "CursorExpiredError: The cursor has expired, please restart pagination with items_page (cursors live 60 minutes)",
        { data: {} },
      );
    }
    return state;
  }

  #sweep(): void {
    const now = this.#clock.now();
    for (const [token, state] of this.#states) {
      if (now - state.createdAt > 24 * CURSOR_TTL_MS) {
        this.#states.delete(token);
      }
    }
  }
}

// ---------------------------------------------------------------- views

const isoCache = new Map<number, string>();

function iso(ms: number): string {
  let out = isoCache.get(ms);
  if (out === undefined) {
    out = new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
    if (isoCache.size > 100_000) isoCache.clear();
    isoCache.set(ms, out);
  }
  return out;
}

function userView(user: UserRecord, model: Model): Record<string, unknown> {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    title: user.title,
    url: `https://emulated.monday.com/users/${user.id}`,
    kind: user.kind,
    status: "ACTIVE",
    is_deleted: false,
    account_id: ACCOUNT_ID,
    account: () => accountView(model),
    created_at: iso(user.createdAt),
    country_code: "US",
    time_zone_identifier: user.timeZone,
    utc_hours_diff: 0,
  };
}

function accountView(model: Model): Record<string, unknown> {
  return {
    id: ACCOUNT_ID,
    name: "Emulated Company",
    slug: "emulated",
    tier: "enterprise",
    plan: { max_users: 1000, period: "yearly", tier: "enterprise", version: 9 },
    active_members_count: model.users.length,
    country_code: "US",
    created_at: iso(model.createdAt).slice(0, 10),
    first_day_of_the_week: "monday",
    show_timeline_weekends: true,
    is_during_trial: false,
    is_trial_expired: false,
  };
}

function columnView(column: ColumnRecord): Record<string, unknown> {
  return {
    id: column.id,
    title: column.title,
    type: column.type,
    description: column.description,
    width: column.width,
    archived: false,
    settings_str: JSON.stringify(column.settings),
    settings: JSON.stringify(column.settings),
  };
}

function assetView(asset: AssetRecord, model: Model): Record<string, unknown> {
  const url = model.assetUrl(asset.id);
  return {
    id: asset.id,
    name: asset.name,
    url,
    public_url: `${url}?expires=3600`,
    file_extension: asset.extension,
    file_size: asset.size,
    created_at: iso(asset.createdAt),
    uploaded_by: () => {
      const user = model.user(asset.uploadedBy);
      return user ? userView(user, model) : null;
    },
  };
}

const TYPENAMES: Record<string, string> = {
  text: "TextValue",
  long_text: "LongTextValue",
  status: "StatusValue",
  numbers: "NumbersValue",
  date: "DateValue",
  people: "PeopleValue",
  checkbox: "CheckboxValue",
  email: "EmailValue",
  file: "FileValue",
  name: "TextValue",
};

function columnValueView(
  model: Model,
  item: ItemRecord,
  column: ColumnRecord,
): Record<string, unknown> {
  const cell = model.cell(item, column);
  const view: Record<string, unknown> = {
    __typename: TYPENAMES[column.type],
    id: column.id,
    type: column.type,
    text: cell.text,
    value: cell.value,
    column: () => columnView(column),
  };
  const parsed = cell.value === null || typeof cell.data !== "object"
    ? undefined
    : cell.data as Record<string, unknown>;
  switch (column.type) {
    case "status": {
      const index = parsed ? Number(parsed.index) : 5;
      view.index = index;
      view.label = STATUS_LABELS[String(index)] ?? "";
      view.is_done = index === 1;
      break;
    }
    case "numbers":
      view.number = cell.text === "" ? null : Number(cell.text);
      break;
    case "date":
      view.date = parsed ? parsed.date ?? null : null;
      view.time = parsed ? parsed.time ?? null : null;
      break;
    case "people":
      view.persons_and_teams = parsed
        ? (parsed.personsAndTeams as { id: number; kind: string }[]).map((
          p,
        ) => ({
          id: String(p.id),
          kind: p.kind,
        }))
        : [];
      break;
    case "checkbox":
      view.checked = parsed ? parsed.checked === true : false;
      break;
    case "email":
      view.email = parsed ? parsed.email ?? null : null;
      view.label = parsed ? parsed.text ?? null : null;
      break;
    case "file":
      view.files = parsed
        ? (parsed.files as { assetId: number; name: string; isImage: string }[])
          .flatMap((f) => {
            const asset = model.assets.get(String(f.assetId));
            if (!asset) return [];
            return [{
              __typename: "FileAssetValue",
              asset: assetView(asset, model),
              asset_id: asset.id,
              name: asset.name,
              is_image: f.isImage === "true",
              created_at: iso(asset.createdAt),
              creator_id: asset.uploadedBy,
            }];
          })
        : [];
      break;
  }
  return view;
}

function itemView(item: ItemRecord, model: Model): Record<string, unknown> {
  return {
    id: item.id,
    name: item.name,
    state: item.deleted ? "deleted" : "active",
    url: `https://emulated.monday.com/boards/${item.boardId}/pulses/${item.id}`,
    relative_link: `/boards/${item.boardId}/pulses/${item.id}`,
    created_at: iso(item.createdAt),
    updated_at: iso(item.updatedAt),
    creator_id: item.creatorId,
    creator: () => {
      const user = model.user(item.creatorId);
      return user ? userView(user, model) : null;
    },
    board: () => {
      const board = model.board(item.boardId);
      return board ? boardView(board, model) : null;
    },
    group: () => {
      const board = model.board(item.boardId);
      const group = board?.groups.find((g) => g.id === item.groupId);
      return board && group ? groupView(board, group) : null;
    },
    column_values: (
      args: { ids?: string[] | null; types?: string[] | null },
    ) => {
      const board = model.board(item.boardId);
      if (!board) return [];
      return board.columns
        .filter((c) =>
          c.type !== "name" && (!args.ids || args.ids.includes(c.id)) &&
          (!args.types || args.types.includes(c.type))
        )
        .map((c) => columnValueView(model, item, c));
    },
    assets: (args: { column_ids?: (string | null)[] | null }) =>
      [...model.assets.values()]
        .filter((a) => a.itemId === item.id)
        .filter((a) => {
          if (!args.column_ids) return true;
          const board = model.board(item.boardId);
          return (board?.columns ?? []).some((c) =>
            args.column_ids!.includes(c.id) &&
            (model.cell(item, c).value ?? "").includes(`"assetId":${a.id}`)
          );
        })
        .map((a) => assetView(a, model)),
  };
}

function groupView(
  board: BoardRecord,
  group: GroupRecord,
): Record<string, unknown> {
  return {
    id: group.id,
    title: group.title,
    color: group.color,
    position: group.position,
    archived: false,
    deleted: group.deleted,
    items_page: (args: ItemsPageArgs, ctx: ResolverContext) =>
      itemsPage(board, group, args, ctx),
  };
}

function boardView(board: BoardRecord, model: Model): Record<string, unknown> {
  const owner = () => {
    const user = model.user(board.ownerId) ?? model.users[0]!;
    return userView(user, model);
  };
  return {
    id: board.id,
    name: board.name,
    description: board.description,
    board_kind: board.kind,
    state: board.state,
    permissions: "everyone",
    url: `https://emulated.monday.com/boards/${board.id}`,
    workspace_id: board.workspaceId,
    items_count: () => board.items.reduce((n, i) => n + (i.deleted ? 0 : 1), 0),
    created_at: iso(board.createdAt),
    updated_at: iso(board.updatedAt),
    owner,
    owners: () => [owner()],
    creator: owner,
    columns: (
      args: { ids?: (string | null)[] | null; types?: string[] | null },
    ) =>
      board.columns
        .filter((c) =>
          (!args.ids || args.ids.includes(c.id)) &&
          (!args.types || args.types.includes(c.type))
        )
        .map(columnView),
    groups: (args: { ids?: (string | null)[] | null }) =>
      board.groups
        .filter((g) => !g.deleted && (!args.ids || args.ids.includes(g.id)))
        .map((g) => groupView(board, g)),
    top_group: () => groupView(board, board.groups[0]!),
    items_page: (args: ItemsPageArgs, ctx: ResolverContext) =>
      itemsPage(board, undefined, args, ctx),
  };
}

// ---------------------------------------------------------------- items_page

interface ItemsQueryRule {
  column_id: string;
  compare_value: unknown;
  compare_attribute?: string | null;
  operator?: string | null;
}

interface ItemsQuery {
  ids?: string[] | null;
  rules?: ItemsQueryRule[] | null;
  operator?: "and" | "or" | null;
  order_by?: { column_id: string; direction?: "asc" | "desc" | null }[] | null;
}

interface ItemsPageArgs {
  limit: number;
  cursor?: string | null;
  query_params?: ItemsQuery | null;
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new ModelError(
      "InvalidArgumentException",
      `limit must be between 1 and 500, got ${limit}`,
      { data: { argument: "limit", value: limit } },
    );
  }
}

function page(
  state: CursorState,
  limit: number,
  ctx: ResolverContext,
): Record<string, unknown> {
  const out: ItemRecord[] = [];
  let i = state.offset;
  const { items, end } = state;
  while (i < end && out.length < limit) {
    const item = items[i++]!;
    if (!item.deleted) out.push(item);
  }
  while (i < end && items[i]!.deleted) i++;
  const cursor = i < end
    ? ctx.cursors.issue({ items, end, offset: i, createdAt: state.createdAt })
    : null;
  return { cursor, items: out.map((item) => itemView(item, ctx.model)) };
}

function matches(
  model: Model,
  board: BoardRecord,
  item: ItemRecord,
  rule: ItemsQueryRule,
): boolean {
  const operator = rule.operator ?? "any_of";
  let text: string;
  let index: string | undefined;
  let ids: string[] = [];
  if (rule.column_id === "name") {
    text = item.name;
  } else {
    const column = model.requireColumn(board, rule.column_id);
    const cell = model.cell(item, column);
    text = cell.text;
    if (column.type === "status") {
      index = cell.value === null
        ? "5"
        : String((JSON.parse(cell.value) as { index: number }).index);
    }
    if (column.type === "people" && cell.value !== null) {
      ids = (JSON.parse(cell.value) as { personsAndTeams: { id: number }[] })
        .personsAndTeams.map((p) => String(p.id));
    }
    if (column.type === "date" && cell.value !== null) {
      text = String((JSON.parse(cell.value) as { date: string }).date);
    }
  }
  const values =
    (Array.isArray(rule.compare_value)
      ? rule.compare_value
      : [rule.compare_value]).map((v) => String(v));
  const equalsAny = () =>
    values.some((v) =>
      v === text || (index !== undefined && v === index) ||
      ids.includes(v.replace(/^person-/, ""))
    );
  const num = (v: string) => Number.isFinite(Number(v)) && v !== "";
  const cmp = (a: string, b: string) =>
    num(a) && num(b) ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0;
  const first = values[0] ?? "";
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
        cmp(text, values[1] ?? first) <= 0;
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

function itemsPage(
  board: BoardRecord,
  group: GroupRecord | undefined,
  args: ItemsPageArgs,
  ctx: ResolverContext,
): Record<string, unknown> {
  checkLimit(args.limit);
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
    const ids = q?.ids ? new Set(q.ids.map(String)) : undefined;
    const rules = q?.rules ?? [];
    const and = (q?.operator ?? "and") === "and";
    for (const rule of rules) {
      if (rule.column_id !== "name") {
        ctx.model.requireColumn(board, rule.column_id);
      }
    }
    items = board.items.filter((item) => {
      if (item.deleted) return false;
      if (group && item.groupId !== group.id) return false;
      if (ids && !ids.has(item.id)) return false;
      if (rules.length === 0) return true;
      return and
        ? rules.every((r) => matches(ctx.model, board, item, r))
        : rules.some((r) => matches(ctx.model, board, item, r));
    });
    for (const order of [...(q?.order_by ?? [])].reverse()) {
      const dir = order.direction === "desc" ? -1 : 1;
      const column = order.column_id === "name" ||
          order.column_id === "__creation_log__"
        ? undefined
        : ctx.model.requireColumn(board, order.column_id);
      const key = (item: ItemRecord) =>
        order.column_id === "__creation_log__"
          ? String(item.createdAt).padStart(16, "0")
          : column
          ? ctx.model.cell(item, column).text
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
    { items, end: items.length, offset: 0, createdAt: ctx.now },
    args.limit,
    ctx,
  );
}

// ---------------------------------------------------------------- root

function parseIsoArg(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = Date.parse(String(value));
  if (Number.isNaN(ms)) {
    throw new ModelError(
      "InvalidArgumentException",
      `${name} must be an ISO 8601 date and time, got '${String(value)}'`,
      { data: { argument: name } },
    );
  }
  return ms;
}

function requireAuditAccess(field: string, ctx: ResolverContext): void {
  requireScope(field, ctx);
  if (ctx.user.kind !== "admin") {
    throw new ModelError(
      "USER_UNAUTHORIZED",
      "User unauthorized to perform action: audit logs need the manage_account_security permission (account admins)",
      { statusCode: 403, data: { field } },
    );
  }
}

function tryParse(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * Builds the root value: every Query and Mutation field the emulator serves.
 *
 * @returns The root object for `execute`.
 */
export function createRoot(): Record<string, unknown> {
  type Args = Record<string, unknown>;
  const field = <T>(
    name: string,
    fn: (args: Args, ctx: ResolverContext) => T,
  ) =>
  (args: Args, ctx: ResolverContext): T => {
    requireScope(name, ctx);
    return fn(args, ctx);
  };
  const mutation = <T>(
    name: string,
    fn: (args: Args, ctx: ResolverContext) => T,
  ) =>
  (args: Args, ctx: ResolverContext): T => {
    requireScope(name, ctx);
    const result = fn(args, ctx);
    ctx.executed(name);
    return result;
  };
  return {
    me: field("me", (_args, ctx) => userView(ctx.user, ctx.model)),
    account: field("account", (_args, ctx) => accountView(ctx.model)),
    users: field("users", (args, ctx) => {
      const limit = Number(args.limit ?? 200);
      const pageNo = Number(args.page ?? 1);
      if (limit < 1 || limit > 1000 || pageNo < 1) {
        throw new ModelError(
          "InvalidArgumentException",
          "users limit must be between 1 and 1000 and page at least 1",
        );
      }
      const ids = args.ids as string[] | null | undefined;
      const emails = args.emails as string[] | null | undefined;
      const name = (args.name as string | null | undefined)?.toLowerCase();
      const kind = args.kind as string | null | undefined;
      let users = ctx.model.users.filter((u) =>
        (!ids || ids.includes(u.id)) && (!emails || emails.includes(u.email)) &&
        (!name || u.name.toLowerCase().includes(name)) &&
        (!kind || kind === "all" || kind === "non_pending" ||
          (kind === "guests" ? u.kind === "guest" : u.kind !== "guest"))
      );
      if (args.non_active === true) users = [];
      if (args.newest_first) users = users.slice().reverse();
      return users.slice((pageNo - 1) * limit, pageNo * limit).map((u) =>
        userView(u, ctx.model)
      );
    }),
    boards: field("boards", (args, ctx) => {
      const limit = Number(args.limit ?? 25);
      const pageNo = Number(args.page ?? 1);
      const ids = args.ids as string[] | null | undefined;
      const state = (args.state as string | null | undefined) ?? "active";
      const kind = args.board_kind as string | null | undefined;
      let boards = ctx.model.boards.filter((b) =>
        (!ids || ids.includes(b.id)) &&
        (state === "all" || b.state === state) &&
        (!kind || b.kind === kind)
      );
      if (args.order_by === "created_at") {
        boards = boards.slice().sort((a, b) => b.createdAt - a.createdAt);
      } else if (args.order_by === "used_at") {
        boards = boards.slice().sort((a, b) => b.updatedAt - a.updatedAt);
      }
      return boards.slice((pageNo - 1) * limit, pageNo * limit).map((b) =>
        boardView(b, ctx.model)
      );
    }),
    items: field("items", (args, ctx) => {
      const ids = args.ids as string[] | null | undefined;
      if (ids && ids.length > 100) {
        throw new ModelError(
          "InvalidArgumentException",
          `items accepts at most 100 ids, got ${ids.length}`,
          { data: { argument: "ids", count: ids.length } },
        );
      }
      if (ids) {
        return ids.flatMap((id) => {
          const item = ctx.model.item(String(id));
          return item ? [itemView(item, ctx.model)] : [];
        });
      }
      const limit = Math.min(100, Number(args.limit ?? 25));
      const pageNo = Math.max(1, Number(args.page ?? 1));
      const out: Record<string, unknown>[] = [];
      let skip = (pageNo - 1) * limit;
      for (const board of ctx.model.boards) {
        for (const item of board.items) {
          if (item.deleted) continue;
          if (skip > 0) {
            skip--;
            continue;
          }
          out.push(itemView(item, ctx.model));
          if (out.length >= limit) return out;
        }
      }
      return out;
    }),
    next_items_page: field("next_items_page", (args, ctx) => {
      checkLimit(Number(args.limit));
      const state = ctx.cursors.read(String(args.cursor));
      return page(state, Number(args.limit), ctx);
    }),
    complexity: (_args: Args, ctx: ResolverContext) => ctx.complexity,
    version: (_args: Args, ctx: ResolverContext) => versionView(ctx.version),
    versions: () => VERSIONS.map((v) => versionView(v.value)),
    audit_logs: (args: Args, ctx: ResolverContext) => {
      requireAuditAccess("audit_logs", ctx);
      const limit = Number(args.limit ?? 25);
      const pageNo = Number(args.page ?? 1);
      if (limit < 1 || limit > 1000 || pageNo < 1) {
        throw new ModelError(
          "InvalidArgumentException",
          "audit_logs limit must be between 1 and 1000 and page at least 1",
        );
      }
      if (!ctx.audit) {
        return {
          logs: [],
          pagination: {
            page: pageNo,
            page_size: limit,
            has_more_pages: false,
            next_page_number: null,
          },
        };
      }
      const filters: Parameters<AuditSource["query"]>[0] = {};
      if (args.user_id) filters.userId = String(args.user_id);
      if (args.events) filters.events = args.events as string[];
      if (args.ip_address) filters.ipAddress = String(args.ip_address);
      const start = parseIsoArg("start_time", args.start_time);
      const end = parseIsoArg("end_time", args.end_time);
      if (start !== undefined) filters.startTime = start;
      if (end !== undefined) filters.endTime = end;
      const offset = (pageNo - 1) * limit;
      const { entries, total } = ctx.audit.query(filters, offset, limit);
      const more = offset + entries.length < total;
      return {
        logs: entries.map((e) => ({
          ...e,
          account_id: e.account_id === undefined ? null : String(e.account_id),
          activity_metadata: e.activity_metadata === undefined
            ? null
            : e.activity_metadata,
          user: () => {
            const user = ctx.model.user(String(e.user_id));
            return user
              ? userView(user, ctx.model)
              : { id: String(e.user_id), name: "", email: "" };
          },
        })),
        pagination: {
          page: pageNo,
          page_size: limit,
          has_more_pages: more,
          next_page_number: more ? pageNo + 1 : null,
        },
      };
    },
    audit_event_catalogue: (_args: Args, ctx: ResolverContext) => {
      requireAuditAccess("audit_event_catalogue", ctx);
      return AUDIT_EVENT_CATALOGUE.map((event) => ({ ...event }));
    },

    // ---- mutations
    create_item: mutation("create_item", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      const item = ctx.model.createItem(board, String(args.item_name), {
        groupId: args.group_id as string | null | undefined ?? null,
        columnValues: args.column_values,
        userId: ctx.user.id,
        now: ctx.now,
      });
      return itemView(item, ctx.model);
    }),
    change_column_value: mutation("change_column_value", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      const item = ctx.model.requireItem(args.item_id as string, board);
      ctx.model.setValues(
        board,
        item,
        { [String(args.column_id)]: tryParse(args.value) },
        ctx.now,
      );
      return itemView(item, ctx.model);
    }),
    change_simple_column_value: mutation(
      "change_simple_column_value",
      (args, ctx) => {
        const board = ctx.model.requireBoard(String(args.board_id));
        const item = ctx.model.requireItem(args.item_id as string, board);
        const column = ctx.model.requireColumn(board, String(args.column_id));
        ctx.model.setSimple(
          board,
          item,
          column,
          (args.value as string | null | undefined) ?? null,
          ctx.now,
        );
        return itemView(item, ctx.model);
      },
    ),
    change_multiple_column_values: mutation(
      "change_multiple_column_values",
      (args, ctx) => {
        const board = ctx.model.requireBoard(String(args.board_id));
        const item = ctx.model.requireItem(args.item_id as string, board);
        ctx.model.setValues(board, item, args.column_values, ctx.now);
        return itemView(item, ctx.model);
      },
    ),
    delete_item: mutation("delete_item", (args, ctx) => {
      const item = ctx.model.requireItem(args.item_id as string);
      ctx.model.deleteItem(item, ctx.now);
      return itemView(item, ctx.model);
    }),
    create_board: mutation("create_board", (args, ctx) => {
      ctx.fieldLimit("create_board");
      const board = ctx.model.createBoard(
        String(args.board_name),
        args.board_kind as BoardRecord["kind"],
        {
          description: args.description as string | null | undefined ?? null,
          ownerId: ctx.user.id,
          now: ctx.now,
        },
      );
      return boardView(board, ctx.model);
    }),
    add_file_to_column: mutation("add_file_to_column", (args, ctx) => {
      const file = args.file as { name?: unknown; size?: unknown } | null;
      if (
        !file || typeof file !== "object" || typeof file.name !== "string" ||
        typeof file.size !== "number"
      ) {
        throw new ModelError(
          "InvalidArgumentException",
          "file must be uploaded as multipart form data in the part 'variables[file]' of POST /v2/file",
          { data: { argument: "file" } },
        );
      }
      const item = ctx.model.requireItem(args.item_id as string);
      const board = ctx.model.requireBoard(item.boardId);
      const column = ctx.model.requireColumn(board, String(args.column_id));
      const asset = ctx.model.addFile(
        item,
        column,
        { name: file.name, size: file.size },
        { userId: ctx.user.id, now: ctx.now },
      );
      return assetView(asset, ctx.model);
    }),
  };
}

function versionView(value: string): Record<string, unknown> {
  const kind = VERSIONS.find((v) => v.value === value)?.kind ?? "current";
  const label = kind.replace("_", " ");
  return {
    display_name: `${value} (${label[0]!.toUpperCase()}${label.slice(1)})`,
    kind,
    value,
  };
}
