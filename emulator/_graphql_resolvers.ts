/**
 * The emulator's GraphQL root: every Query and Mutation field it serves,
 * with the OAuth scope each needs. Views live in `_graphql_views.ts`,
 * items_page filters in `_graphql_items_query.ts`, cursors in
 * `_graphql_cursors.ts`.
 *
 * @module
 */

import { GraphQLError } from "graphql";
import { AUDIT_EVENT_CATALOGUE } from "./_audit.ts";
import type { AuditSource, ResolverContext } from "./_graphql_context.ts";
import { checkLimit, page } from "./_graphql_items_query.ts";
import {
  accountView,
  assetView,
  boardView,
  columnView,
  groupView,
  itemView,
  pageArgs,
  parseIsoArg,
  tagView,
  teamView,
  updatesList,
  updateView,
  userView,
  workspaceView,
} from "./_graphql_views.ts";
import { type Actor, type BoardRecord, ModelError } from "./_model.ts";

export type { AuditSource, ResolverContext } from "./_graphql_context.ts";
export { CursorStore } from "./_graphql_cursors.ts";

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
  archive_item: "boards:write",
  move_item_to_group: "boards:write",
  move_item_to_board: "boards:write",
  create_subitem: "boards:write",
  create_group: "boards:write",
  delete_group: "boards:write",
  archive_group: "boards:write",
  update_group: "boards:write",
  create_column: "boards:write",
  change_column_title: "boards:write",
  change_column_metadata: "boards:write",
  update_column: "boards:write",
  delete_column: "boards:write",
  create_board: "boards:write",
  archive_board: "boards:write",
  delete_board: "boards:write",
  update_board: "boards:write",
  add_file_to_column: "boards:write",
  updates: "updates:read",
  create_update: "updates:write",
  delete_update: "updates:write",
  workspaces: "workspaces:read",
  teams: "teams:read",
  tags: "tags:read",
  create_or_get_tag: "boards:write",
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

// ---------------------------------------------------------------- root

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
      const workspaces = (args.workspace_ids as (string | null)[] | null)
        ?.map((id) => id === null ? null : String(id));
      let boards = ctx.model.boards.filter((b) =>
        (!ids || ids.map(String).includes(b.id)) &&
        (state === "all" || b.state === state) &&
        (!kind || b.kind === kind) &&
        (!workspaces || workspaces.includes(b.workspaceId))
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
      const { limit, offset } = pageArgs(args, 100, 25);
      if (ids) {
        // monday returns archived and deleted items with their state,
        // unless exclude_nonactive is set.
        let found = ids.flatMap((id) => {
          const item = ctx.model.anyItem(String(id));
          return item &&
              (!args.exclude_nonactive || item.state === "active")
            ? [item]
            : [];
        });
        if (args.newest_first) {
          found = found.sort((a, b) => b.createdAt - a.createdAt);
        }
        return found.slice(offset, offset + limit).map((item) =>
          itemView(item, ctx.model)
        );
      }
      const out: Record<string, unknown>[] = [];
      let skip = offset;
      for (const board of ctx.model.boards) {
        if (board.state !== "active") continue;
        for (const item of board.items) {
          if (!ctx.model.onBoard(board, item)) continue;
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
    updates: field(
      "updates",
      (args, ctx) => updatesList(ctx.model, () => true, args),
    ),
    workspaces: field("workspaces", (args, ctx) => {
      const { limit, offset } = pageArgs(args, 1000, 25);
      const ids = (args.ids as string[] | null | undefined)?.map(String);
      const state = (args.state as string | null | undefined) ?? "active";
      const kind = args.kind as string | null | undefined;
      return ctx.model.workspaces.filter((w) =>
        (!ids || ids.includes(w.id)) &&
        (state === "all" || w.state === state) && (!kind || w.kind === kind)
      ).slice(offset, offset + limit).map(workspaceView);
    }),
    teams: field("teams", (args, ctx) => {
      const ids = (args.ids as string[] | null | undefined)?.map(String);
      return ctx.model.teams.filter((t) => !ids || ids.includes(t.id)).map((
        t,
      ) => teamView(t, ctx.model));
    }),
    tags: field("tags", (args, ctx) => {
      const ids = (args.ids as string[] | null | undefined)?.map(String);
      return ctx.model.tags.filter((t) => !ids || ids.includes(t.id)).map(
        tagView,
      );
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
    create_subitem: mutation("create_subitem", (args, ctx) => {
      const parent = ctx.model.requireItem(String(args.parent_item_id));
      const item = ctx.model.createSubitem(parent, String(args.item_name), {
        columnValues: args.column_values,
        ...actor(ctx),
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
        ctx.user.id,
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
          ctx.user.id,
        );
        return itemView(item, ctx.model);
      },
    ),
    change_multiple_column_values: mutation(
      "change_multiple_column_values",
      (args, ctx) => {
        const board = ctx.model.requireBoard(String(args.board_id));
        const item = ctx.model.requireItem(args.item_id as string, board);
        ctx.model.setValues(
          board,
          item,
          args.column_values,
          ctx.now,
          ctx.user.id,
        );
        return itemView(item, ctx.model);
      },
    ),
    archive_item: mutation("archive_item", (args, ctx) => {
      const item = ctx.model.requireItem(args.item_id as string);
      ctx.model.archiveItem(item, actor(ctx));
      return itemView(item, ctx.model);
    }),
    delete_item: mutation("delete_item", (args, ctx) => {
      // An archived item can be deleted too.
      const found = args.item_id
        ? ctx.model.anyItem(String(args.item_id))
        : undefined;
      const item = found && found.state !== "deleted"
        ? found
        : ctx.model.requireItem(args.item_id as string);
      ctx.model.deleteItem(item, ctx.now, ctx.user.id);
      return itemView(item, ctx.model);
    }),
    move_item_to_group: mutation("move_item_to_group", (args, ctx) => {
      const item = ctx.model.requireItem(args.item_id as string);
      ctx.model.moveToGroup(item, String(args.group_id), actor(ctx));
      return itemView(item, ctx.model);
    }),
    move_item_to_board: mutation("move_item_to_board", (args, ctx) => {
      const item = ctx.model.requireItem(args.item_id as string);
      const target = ctx.model.requireBoard(String(args.board_id));
      const mapping = args.columns_mapping as
        | { source: string; target?: string | null }[]
        | null
        | undefined;
      ctx.model.moveToBoard(item, target, String(args.group_id), {
        ...actor(ctx),
        ...(mapping
          ? {
            columnsMapping: mapping.map((m) => ({
              source: String(m.source),
              target: m.target === undefined || m.target === null
                ? null
                : String(m.target),
            })),
          }
          : {}),
      });
      return itemView(item, ctx.model);
    }),
    create_update: mutation("create_update", (args, ctx) => {
      if (args.parent_id) {
        throw new ModelError(
          "InvalidArgumentException",
          "The emulator does not serve replies (parent_id)",
          { data: { argument: "parent_id" } },
        );
      }
      const item = ctx.model.requireItem(args.item_id as string);
      const update = ctx.model.createUpdate(
        item,
        String(args.body),
        actor(ctx),
      );
      return updateView(update, ctx.model);
    }),
    delete_update: mutation("delete_update", (args, ctx) => {
      const update = ctx.model.requireUpdate(String(args.id));
      ctx.model.deleteUpdate(update, actor(ctx));
      return updateView(update, ctx.model);
    }),
    create_group: mutation("create_group", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      const group = ctx.model.createGroup(board, String(args.group_name), {
        ...actor(ctx),
        color: args.group_color as string | null | undefined ?? null,
      });
      return groupView(board, group);
    }),
    delete_group: mutation("delete_group", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      const group = ctx.model.requireGroup(board, String(args.group_id));
      ctx.model.removeGroup(board, group, actor(ctx));
      return groupView(board, group);
    }),
    archive_group: mutation("archive_group", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      const group = ctx.model.requireGroup(board, String(args.group_id));
      ctx.model.removeGroup(board, group, { ...actor(ctx), archive: true });
      return groupView(board, group);
    }),
    update_group: mutation("update_group", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      const group = ctx.model.requireGroup(board, String(args.group_id));
      ctx.model.updateGroup(board, group, {
        attribute: String(args.group_attribute),
        value: String(args.new_value),
      }, actor(ctx));
      return groupView(board, group);
    }),
    create_column: mutation("create_column", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      const defaults = tryParse(args.defaults);
      const column = ctx.model.createColumn(
        board,
        String(args.title),
        String(args.column_type),
        {
          ...actor(ctx),
          id: args.id as string | null | undefined ?? null,
          description: args.description as string | null | undefined ?? null,
          settings: defaults && typeof defaults === "object"
            ? defaults as Record<string, unknown>
            : null,
          afterColumnId: args.after_column_id as string | null | undefined ??
            null,
        },
      );
      return columnView(column);
    }),
    change_column_title: mutation("change_column_title", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      const column = ctx.model.requireColumn(board, String(args.column_id));
      ctx.model.updateColumn(
        board,
        column,
        { title: String(args.title) },
        actor(ctx),
      );
      return columnView(column);
    }),
    change_column_metadata: mutation("change_column_metadata", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      const column = ctx.model.requireColumn(board, String(args.column_id));
      const property = args.column_property as string | null | undefined;
      const value = args.value as string | null | undefined ?? null;
      ctx.model.updateColumn(
        board,
        column,
        property === "title"
          ? { title: value ?? column.title }
          : { description: value },
        actor(ctx),
      );
      return columnView(column);
    }),
    update_column: mutation("update_column", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      const column = ctx.model.requireColumn(board, String(args.id));
      if (String(args.revision) !== String(column.revision)) {
        throw new ModelError(
          "InvalidArgumentException",
          `The column's revision is '${column.revision}', not '${
            String(args.revision)
          }': read the column again and retry`,
          { data: { argument: "revision", column_id: column.id } },
        );
      }
      if (String(args.column_type) !== column.type) {
        throw new ModelError(
          "InvalidArgumentException",
          `column_type must be the column's type '${column.type}': the emulator does not retype columns through the API`,
          { data: { argument: "column_type", column_id: column.id } },
        );
      }
      const settings = tryParse(args.settings);
      ctx.model.updateColumn(board, column, {
        title: args.title as string | null | undefined ?? null,
        ...(args.description === undefined
          ? {}
          : { description: args.description as string | null }),
        width: args.width as number | null | undefined ?? null,
        settings: settings && typeof settings === "object"
          ? settings as Record<string, unknown>
          : null,
      }, actor(ctx));
      return columnView(column);
    }),
    delete_column: mutation("delete_column", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      const column = ctx.model.requireColumn(board, String(args.column_id));
      ctx.model.deleteColumn(board, column, actor(ctx));
      return columnView(column);
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
          workspaceId: args.workspace_id === undefined ||
              args.workspace_id === null
            ? null
            : String(args.workspace_id),
          empty: args.empty === true,
        },
      );
      return boardView(board, ctx.model);
    }),
    archive_board: mutation("archive_board", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      ctx.model.setBoardState(board, "archived", actor(ctx));
      return boardView(board, ctx.model);
    }),
    delete_board: mutation("delete_board", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      ctx.model.setBoardState(board, "deleted", actor(ctx));
      return boardView(board, ctx.model);
    }),
    update_board: mutation("update_board", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      ctx.model.updateBoard(board, {
        attribute: String(args.board_attribute),
        value: String(args.new_value),
      }, actor(ctx));
      return JSON.stringify({ success: true, undo_data: null });
    }),
    create_or_get_tag: mutation("create_or_get_tag", (args, ctx) => {
      const name = String(args.tag_name ?? "").trim();
      if (name === "") {
        throw new ModelError(
          "InvalidArgumentException",
          "tag_name cannot be empty",
          { data: { argument: "tag_name" } },
        );
      }
      const tag = ctx.model.tags.find((t) => t.name === name) ??
        ctx.model.addTag(name, "#c4c4c4");
      return tagView(tag);
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

function actor(ctx: ResolverContext): Actor {
  return { userId: ctx.user.id, now: ctx.now };
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
