/**
 * The emulator's GraphQL mutations: items (create, subitems, values,
 * duplicate, archive, delete, moves, updates), structure (groups, columns,
 * boards), tags and files. Each changes the model, which records monday's
 * activity-log events.
 *
 * @module
 */

import type { ResolverContext } from "./_graphql_context.ts";
import {
  assetView,
  boardView,
  columnView,
  groupView,
  itemView,
  tagView,
  updateView,
} from "./_graphql_views.ts";
import { type Actor, type BoardRecord, ModelError } from "./_model.ts";
import {
  createBoard,
  createColumn,
  createGroup,
  deleteColumn,
  removeGroup,
  setBoardState,
  updateBoard,
  updateColumn,
  updateGroup,
} from "./_model_structure.ts";

type Args = Record<string, unknown>;

/** Wraps a mutation resolver with the scope check and the executed count. */
export type MutationWrapper = <T>(
  name: string,
  fn: (args: Args, ctx: ResolverContext) => T,
) => (args: Args, ctx: ResolverContext) => T;

function tryParse(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function actor(ctx: ResolverContext): Actor {
  return { userId: ctx.user.id, now: ctx.now };
}

/**
 * Builds the Mutation fields.
 *
 * @param mutation Wraps each resolver (scope check, executed count).
 * @returns The fields for the root value.
 */
export function mutationFields(
  mutation: MutationWrapper,
): Record<string, unknown> {
  return {
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
    duplicate_item: mutation("duplicate_item", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      const item = ctx.model.requireItem(args.item_id as string, board);
      const copy = ctx.model.duplicateItem(item, {
        ...actor(ctx),
        withUpdates: args.with_updates === true,
      });
      return itemView(copy, ctx.model);
    }),
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
      const group = createGroup(ctx.model, board, String(args.group_name), {
        ...actor(ctx),
        color: args.group_color as string | null | undefined ?? null,
      });
      return groupView(board, group);
    }),
    delete_group: mutation("delete_group", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      const group = ctx.model.requireGroup(board, String(args.group_id));
      removeGroup(ctx.model, board, group, actor(ctx));
      return groupView(board, group);
    }),
    archive_group: mutation("archive_group", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      const group = ctx.model.requireGroup(board, String(args.group_id));
      removeGroup(ctx.model, board, group, { ...actor(ctx), archive: true });
      return groupView(board, group);
    }),
    update_group: mutation("update_group", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      const group = ctx.model.requireGroup(board, String(args.group_id));
      updateGroup(ctx.model, board, group, {
        attribute: String(args.group_attribute),
        value: String(args.new_value),
      }, actor(ctx));
      return groupView(board, group);
    }),
    create_column: mutation("create_column", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      const defaults = tryParse(args.defaults);
      const column = createColumn(
        ctx.model,
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
      updateColumn(
        ctx.model,
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
      updateColumn(
        ctx.model,
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
      updateColumn(ctx.model, board, column, {
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
      deleteColumn(ctx.model, board, column, actor(ctx));
      return columnView(column);
    }),
    create_board: mutation("create_board", (args, ctx) => {
      ctx.fieldLimit("create_board");
      const board = createBoard(
        ctx.model,
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
      setBoardState(ctx.model, board, "archived", actor(ctx));
      return boardView(board, ctx.model);
    }),
    delete_board: mutation("delete_board", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      setBoardState(ctx.model, board, "deleted", actor(ctx));
      return boardView(board, ctx.model);
    }),
    update_board: mutation("update_board", (args, ctx) => {
      const board = ctx.model.requireBoard(String(args.board_id));
      updateBoard(ctx.model, board, {
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
