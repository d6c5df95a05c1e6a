/**
 * The emulator's GraphQL root: every Query field it serves and the OAuth
 * scope of each root field. Mutations live in `_graphql_mutations.ts`, views
 * in `_graphql_views.ts`, items_page filters in `_graphql_items_query.ts`,
 * cursors in `_graphql_cursors.ts`.
 *
 * @module
 */

import { GraphQLError } from "graphql";
import { AUDIT_EVENT_CATALOGUE } from "./_audit.ts";
import type { AuditSource, ResolverContext } from "./_graphql_context.ts";
import { checkLimit, page } from "./_graphql_items_query.ts";
import { mutationFields } from "./_graphql_mutations.ts";
import {
  accountView,
  boardView,
  itemView,
  pageArgs,
  parseIsoArg,
  tagView,
  teamView,
  updatesList,
  userView,
  workspaceView,
} from "./_graphql_views.ts";
import { ModelError } from "./_model.ts";

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
  duplicate_item: "boards:write",
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
      const hierarchy = args.hierarchy_types as string[] | null | undefined;
      if (hierarchy && !hierarchy.includes("classic")) return [];
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
      // A limit above 100 is served as 100, as the emulator always did.
      const { limit, offset } = pageArgs(
        { ...args, limit: Math.min(100, Number(args.limit ?? 25)) },
        100,
        25,
      );
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

    ...mutationFields(mutation),
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
