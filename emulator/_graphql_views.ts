/**
 * The emulator's GraphQL views: how each model record looks as a GraphQL
 * object (users, account, teams, tags, workspaces, boards, groups, columns,
 * items, column values, updates, assets, activity logs). Nested lists are
 * functions, so that only what a query selects is computed.
 *
 * @module
 */

import type { ActivityLogEntry } from "./_activity_log.ts";
import { dropdownLabels, labelOf, STATUS_COLORS } from "./_column_values.ts";
import type { ResolverContext } from "./_graphql_context.ts";
import {
  itemsPage,
  type ItemsPageArgs,
  type ItemsPageRecords,
} from "./_graphql_items_query.ts";
import {
  ACCOUNT_ID,
  type AssetRecord,
  type BoardRecord,
  type ColumnRecord,
  type GroupRecord,
  type ItemRecord,
  type Model,
  ModelError,
  type TagRecord,
  type TeamRecord,
  textBody,
  type UpdateRecord,
  type UserRecord,
  type WorkspaceRecord,
} from "./_model.ts";

const isoCache = new Map<number, string>();

/**
 * ISO 8601 at second precision, cached (many items share a time).
 *
 * @param ms Milliseconds since the epoch.
 * @returns `YYYY-MM-DDTHH:MM:SSZ`.
 */
export function iso(ms: number): string {
  let out = isoCache.get(ms);
  if (out === undefined) {
    out = new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
    if (isoCache.size > 100_000) isoCache.clear();
    isoCache.set(ms, out);
  }
  return out;
}

type View = Record<string, unknown>;
type Ids = (string | null)[] | null | undefined;

/**
 * Reads a page argument pair.
 *
 * @param args The field's arguments.
 * @param max The largest page size.
 * @param fallback The default page size.
 * @returns The limit and the offset.
 * @throws {ModelError} `InvalidArgumentException` out of range.
 */
export function pageArgs(
  args: { limit?: unknown; page?: unknown },
  max: number,
  fallback: number,
): { limit: number; offset: number } {
  const limit = Number(args.limit ?? fallback);
  const page = Number(args.page ?? 1);
  if (
    !Number.isInteger(limit) || limit < 1 || limit > max ||
    !Number.isInteger(page) || page < 1
  ) {
    throw new ModelError(
      "InvalidArgumentException",
      `limit must be between 1 and ${max} and page at least 1, got limit ${limit} and page ${page}`,
      { data: { argument: "limit", value: limit } },
    );
  }
  return { limit, offset: (page - 1) * limit };
}

/**
 * Parses an optional ISO 8601 argument.
 *
 * @param name The argument's name (for the error).
 * @param value Its value.
 * @returns Milliseconds, or undefined when absent.
 * @throws {ModelError} `InvalidArgumentException` when it is not a date.
 */
export function parseIsoArg(name: string, value: unknown): number | undefined {
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

/**
 * A user.
 *
 * @param user The record.
 * @param model The model.
 * @returns The view.
 */
export function userView(user: UserRecord, model: Model): View {
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
    teams: () =>
      model.teams.filter((t) => t.userIds.includes(user.id)).map((t) =>
        teamView(t, model)
      ),
  };
}

function userById(id: string, model: Model): View | null {
  const user = model.user(id);
  return user ? userView(user, model) : null;
}

/**
 * The account.
 *
 * @param model The model.
 * @returns The view.
 */
export function accountView(model: Model): View {
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

/**
 * A team.
 *
 * @param team The record.
 * @param model The model.
 * @returns The view.
 */
export function teamView(team: TeamRecord, model: Model): View {
  const members = (ids: string[]) =>
    ids.flatMap((id) => {
      const user = userById(id, model);
      return user ? [user] : [];
    });
  return {
    id: team.id,
    name: team.name,
    picture_url: null,
    is_guest: false,
    created_at: iso(team.createdAt),
    owners: (args: { ids?: Ids }) =>
      members(team.ownerIds.filter((id) => !args.ids || args.ids.includes(id))),
    users: (
      args: { ids?: Ids; limit?: number | null; page?: number | null },
    ) => {
      const list = team.userIds.filter((id) =>
        !args.ids || args.ids.includes(id)
      );
      const { limit, offset } = pageArgs(args, 1000, 1000);
      return members(list.slice(offset, offset + limit));
    },
  };
}

/**
 * A tag.
 *
 * @param tag The record.
 * @returns The view.
 */
export function tagView(tag: TagRecord): View {
  return { id: tag.id, name: tag.name, color: tag.color };
}

/**
 * A workspace.
 *
 * @param workspace The record.
 * @returns The view.
 */
export function workspaceView(workspace: WorkspaceRecord): View {
  return {
    id: workspace.id,
    name: workspace.name,
    kind: workspace.kind,
    state: workspace.state,
    description: workspace.description,
    created_at: iso(workspace.createdAt),
    is_default_workspace: workspace.id === "1000001",
  };
}

/**
 * A column.
 *
 * @param column The record.
 * @returns The view.
 */
export function columnView(column: ColumnRecord): View {
  return {
    id: column.id,
    title: column.title,
    type: column.type,
    description: column.description,
    width: column.width,
    archived: false,
    settings_str: JSON.stringify(column.settings),
    settings: JSON.stringify(column.settings),
    revision: String(column.revision),
  };
}

/**
 * An asset.
 *
 * @param asset The record.
 * @param model The model.
 * @returns The view.
 */
export function assetView(asset: AssetRecord, model: Model): View {
  const url = model.assetUrl(asset.id);
  return {
    id: asset.id,
    name: asset.name,
    url,
    public_url: `${url}?expires=3600`,
    file_extension: asset.extension,
    file_size: asset.size,
    created_at: iso(asset.createdAt),
    uploaded_by: () => userById(asset.uploadedBy, model),
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
  dropdown: "DropdownValue",
  timeline: "TimelineValue",
  link: "LinkValue",
  tags: "TagsValue",
  board_relation: "BoardRelationValue",
  mirror: "MirrorValue",
  formula: "FormulaValue",
  subtasks: "SubtasksValue",
};

/**
 * One column value of an item, typed by its column (`StatusValue`, ...).
 *
 * @param model The model.
 * @param item The item.
 * @param column The column.
 * @returns The view.
 */
export function columnValueView(
  model: Model,
  item: ItemRecord,
  column: ColumnRecord,
): View {
  const cell = model.cell(item, column);
  const view: View = {
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
  const changedAt = parsed?.changed_at
    ? iso(Date.parse(String(parsed.changed_at)))
    : null;
  switch (column.type) {
    case "status": {
      const index = parsed ? Number(parsed.index) : 5;
      view.index = index;
      view.label = labelOf(column, String(index)) ?? "";
      view.is_done = index === 1;
      view.updated_at = changedAt;
      view.label_style = {
        color: STATUS_COLORS[String(index)] ?? "#c4c4c4",
        border: STATUS_COLORS[String(index)] ?? "#c4c4c4",
      };
      break;
    }
    case "numbers":
      view.number = cell.text === "" || cell.text === null
        ? null
        : Number(cell.text);
      break;
    case "date":
      view.date = parsed ? parsed.date ?? null : null;
      view.time = parsed ? parsed.time ?? null : null;
      break;
    case "people":
      view.persons_and_teams = parsed
        ? (parsed.personsAndTeams as { id: number; kind: string }[]).map((
          p,
        ) => ({ id: String(p.id), kind: p.kind }))
        : [];
      break;
    case "checkbox":
      view.checked = parsed ? parsed.checked === true : false;
      break;
    case "email":
      view.email = parsed ? parsed.email ?? null : null;
      view.label = parsed ? parsed.text ?? null : null;
      break;
    case "dropdown": {
      const labels = dropdownLabels(column);
      view.values = ((parsed?.ids ?? []) as number[]).flatMap((id) => {
        const label = labels.find((l) => l.id === id);
        return label ? [{ id: String(label.id), label: label.name }] : [];
      });
      break;
    }
    case "timeline":
      view.from = parsed?.from ?? null;
      view.to = parsed?.to ?? null;
      view.visualization_type = null;
      view.updated_at = changedAt;
      break;
    case "link":
      view.url = parsed?.url ?? null;
      view.url_text = parsed?.text ?? null;
      view.updated_at = changedAt;
      break;
    case "tags": {
      const ids = (parsed?.tag_ids ?? []) as number[];
      view.tag_ids = ids;
      view.tags = () =>
        ids.flatMap((id) => {
          const tag = model.tag(String(id));
          return tag ? [tagView(tag)] : [];
        });
      break;
    }
    case "board_relation":
      view.updated_at = changedAt;
      view.linked_item_ids = () =>
        model.linkedItems(item, column).map((i) => i.id);
      view.linked_items = () =>
        model.linkedItems(item, column).map((i) => itemView(i, model));
      view.display_value = () => model.displayValue(item, column);
      break;
    case "mirror":
      view.display_value = () => model.displayValue(item, column);
      view.mirrored_items = () => {
        const relationId = Object.keys(
          (column.settings.relation_column ?? {}) as Record<string, unknown>,
        )[0];
        const board = model.board(item.boardId);
        const relation = board?.columns.find((c) => c.id === relationId);
        if (!relation) return [];
        return model.linkedItems(item, relation).map((linked) => ({
          linked_board_id: linked.boardId,
          linked_board: () => {
            const b = model.board(linked.boardId);
            return b ? boardView(b, model) : null;
          },
          linked_item: itemView(linked, model),
        }));
      };
      break;
    case "formula":
      view.display_value = () => model.displayValue(item, column);
      break;
    case "subtasks":
      view.display_value = () => model.displayValue(item, column);
      view.subitems_ids = () => model.subitems(item).map((s) => s.id);
      view.subitems = () => model.subitems(item).map((s) => itemView(s, model));
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

/**
 * Updates, newest first, with the common filters.
 *
 * @param model The model.
 * @param keep Which updates.
 * @param args `limit`, `page`, `ids`, `from_date`, `to_date`.
 * @returns The page of views.
 * @throws {ModelError} On a bad page or date argument.
 */
export function updatesList(
  model: Model,
  keep: (update: UpdateRecord) => boolean,
  args: Record<string, unknown>,
): View[] {
  const { limit, offset } = pageArgs(args, 100, 25);
  const ids = args.ids as string[] | null | undefined;
  const from = parseIsoArg("from_date", args.from_date);
  const to = parseIsoArg("to_date", args.to_date);
  return model.updates
    .filter((u) =>
      !u.deleted && keep(u) && (!ids || ids.includes(u.id)) &&
      (from === undefined || u.createdAt >= from) &&
      (to === undefined || u.createdAt <= to)
    )
    .sort((a, b) => b.createdAt - a.createdAt || Number(b.id) - Number(a.id))
    .slice(offset, offset + limit)
    .map((u) => updateView(u, model));
}

/**
 * An update.
 *
 * @param update The record.
 * @param model The model.
 * @returns The view.
 */
export function updateView(update: UpdateRecord, model: Model): View {
  return {
    id: update.id,
    body: update.body,
    text_body: textBody(update.body),
    creator_id: update.creatorId,
    creator: () => userById(update.creatorId, model),
    created_at: iso(update.createdAt),
    updated_at: iso(update.updatedAt),
    edited_at: iso(update.updatedAt),
    item_id: update.itemId,
    item: () => {
      const item = model.anyItem(update.itemId);
      return item ? itemView(item, model) : null;
    },
  };
}

/**
 * An item. `state` is its own: `active`, `archived` or `deleted`.
 *
 * @param item The record.
 * @param model The model.
 * @returns The view.
 */
export function itemView(item: ItemRecord, model: Model): View {
  return {
    id: item.id,
    name: item.name,
    state: item.state,
    url: `https://emulated.monday.com/boards/${item.boardId}/pulses/${item.id}`,
    relative_link: `/boards/${item.boardId}/pulses/${item.id}`,
    created_at: iso(item.createdAt),
    updated_at: iso(item.updatedAt),
    creator_id: item.creatorId,
    creator: () => userById(item.creatorId, model),
    board: () => {
      const board = model.anyBoard(item.boardId);
      return board && board.state !== "deleted"
        ? boardView(board, model)
        : null;
    },
    group: () => {
      const board = model.anyBoard(item.boardId);
      const group = board?.groups.find((g) => g.id === item.groupId);
      return board && group ? groupView(board, group) : null;
    },
    parent_item: () => {
      const parent = item.parentId ? model.anyItem(item.parentId) : undefined;
      return parent ? itemView(parent, model) : null;
    },
    subitems: () => model.subitems(item).map((s) => itemView(s, model)),
    updates: (args: Record<string, unknown>) =>
      updatesList(model, (u) => u.itemId === item.id, args),
    column_values: (
      args: { ids?: string[] | null; types?: string[] | null },
    ) => {
      const board = model.anyBoard(item.boardId);
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
          const board = model.anyBoard(item.boardId);
          return (board?.columns ?? []).some((c) =>
            args.column_ids!.includes(c.id) &&
            (model.cell(item, c).value ?? "").includes(`"assetId":${a.id}`)
          );
        })
        .map((a) => assetView(a, model)),
  };
}

/**
 * A group.
 *
 * @param board Its board.
 * @param group The record.
 * @returns The view.
 */
export function groupView(board: BoardRecord, group: GroupRecord): View {
  return {
    id: group.id,
    title: group.title,
    color: group.color,
    position: group.position,
    archived: group.archived,
    deleted: group.deleted,
    items_page: (args: ItemsPageArgs, ctx: ResolverContext) =>
      pageView(itemsPage(board, group, args, ctx), ctx),
  };
}

/**
 * An activity-log entry.
 *
 * @param entry The entry.
 * @returns The view.
 */
export function activityLogView(entry: ActivityLogEntry): View {
  return {
    id: entry.id,
    event: entry.event,
    entity: entry.entity,
    data: entry.data,
    user_id: entry.userId,
    account_id: ACCOUNT_ID,
    created_at: entry.createdAt,
  };
}

/**
 * A board.
 *
 * @param board The record.
 * @param model The model.
 * @returns The view.
 */
export function boardView(board: BoardRecord, model: Model): View {
  const owner = () =>
    userView(model.user(board.ownerId) ?? model.users[0]!, model);
  return {
    id: board.id,
    name: board.name,
    description: board.description,
    board_kind: board.kind,
    type: board.type,
    hierarchy_type: "classic",
    state: board.state,
    permissions: "everyone",
    url: `https://emulated.monday.com/boards/${board.id}`,
    workspace_id: board.workspaceId,
    workspace: () => {
      const ws = model.workspaces.find((w) => w.id === board.workspaceId);
      return ws ? workspaceView(ws) : null;
    },
    items_count: () =>
      board.items.reduce((n, i) => n + (model.onBoard(board, i) ? 1 : 0), 0),
    created_at: iso(board.createdAt),
    updated_at: iso(board.updatedAt),
    owner,
    owners: () => [owner()],
    creator: owner,
    tags: () => model.tags.map(tagView),
    columns: (
      args: { ids?: Ids; types?: string[] | null },
    ) =>
      board.columns
        .filter((c) =>
          (!args.ids || args.ids.includes(c.id)) &&
          (!args.types || args.types.includes(c.type))
        )
        .map(columnView),
    groups: (args: { ids?: Ids }) =>
      board.groups
        .filter((g) =>
          !g.deleted && !g.archived && (!args.ids || args.ids.includes(g.id))
        )
        .map((g) => groupView(board, g)),
    top_group: () =>
      groupView(
        board,
        board.groups.find((g) => !g.deleted && !g.archived) ?? board.groups[0]!,
      ),
    items_page: (args: ItemsPageArgs, ctx: ResolverContext) =>
      pageView(itemsPage(board, undefined, args, ctx), ctx),
    updates: (args: Record<string, unknown>) =>
      // An item's updates go with it when it moves to another board.
      updatesList(
        model,
        (u) => (model.anyItem(u.itemId)?.boardId ?? u.boardId) === board.id,
        args,
      ),
    activity_logs: (args: Record<string, unknown>) => {
      const { limit } = pageArgs(args, 1000, 25);
      const page = Number(args.page ?? 1);
      const filters: Parameters<Model["log"]["query"]>[1] = {};
      const from = parseIsoArg("from", args.from);
      const to = parseIsoArg("to", args.to);
      if (from !== undefined) filters.from = from;
      if (to !== undefined) filters.to = to;
      const list = (name: string) =>
        (args[name] as (string | null)[] | null | undefined)?.flatMap((v) =>
          v === null ? [] : [String(v)]
        );
      const itemIds = list("item_ids");
      const groupIds = list("group_ids");
      const columnIds = list("column_ids");
      const userIds = list("user_ids");
      if (itemIds) filters.itemIds = itemIds;
      if (groupIds) filters.groupIds = groupIds;
      if (columnIds) filters.columnIds = columnIds;
      if (userIds) filters.userIds = userIds;
      return model.log.query(board.id, filters, limit, page).map(
        activityLogView,
      );
    },
  };
}

/**
 * The GraphQL view of a page of items.
 *
 * @param records The page's records and cursor.
 * @param ctx The request context.
 * @returns `{cursor, items}` with item views.
 */
export function pageView(
  records: ItemsPageRecords,
  ctx: ResolverContext,
): Record<string, unknown> {
  return {
    cursor: records.cursor,
    items: records.items.map((item) => itemView(item, ctx.model)),
  };
}
