/**
 * The emulator handle's `ui`: changes a test makes as a user in monday's web
 * UI would, including those the API cannot make (restoring an item,
 * retyping a column). Every change records the same activity-log events and
 * moves the same `updated_at` stamps as the matching GraphQL mutation.
 *
 * @module
 */

import type { ColumnKind, Model } from "./_model.ts";
import {
  changeColumnType,
  createColumn,
  createGroup,
  deleteColumn,
  removeGroup,
  setBoardState,
  updateBoard,
  updateColumn,
  updateGroup,
} from "./_model_structure.ts";

/** Who acts: a user id of the emulated account (default: the admin). */
export interface UiActor {
  /**
   * The acting user's id.
   *
   * @default {the admin (the first user)}
   */
  userId?: string;
}

/**
 * Changes made as a user in monday's web UI would make them. Each method
 * acts at the emulator clock's now and throws an `Error` with monday's code
 * in `code` (e.g. `InvalidItemIdException`) on an unknown id or a bad value.
 */
export interface EmulatorUi {
  /**
   * Creates an item.
   *
   * @returns The new item's id.
   */
  createItem(
    boardId: string,
    name: string,
    options?: UiActor & {
      groupId?: string;
      columnValues?: Record<string, unknown>;
    },
  ): string;
  /**
   * Creates a subitem (and the board's subitems board on the first).
   *
   * @returns The new subitem's id.
   */
  createSubitem(
    parentItemId: string,
    name: string,
    options?: UiActor & { columnValues?: Record<string, unknown> },
  ): string;
  /** Sets column values as monday's mutations accept them; `name` renames. */
  setValues(
    itemId: string,
    columnValues: Record<string, unknown>,
    options?: UiActor,
  ): void;
  /** Archives an item (and its subitems). */
  archiveItem(itemId: string, options?: UiActor): void;
  /** Deletes an item (and its subitems). */
  deleteItem(itemId: string, options?: UiActor): void;
  /** Restores an archived or deleted item: only the UI can. */
  restoreItem(itemId: string, options?: UiActor): void;
  /** Moves an item to another group of its board. */
  moveItemToGroup(itemId: string, groupId: string, options?: UiActor): void;
  /** Moves an item to another board; values of same-id columns carry over. */
  moveItemToBoard(
    itemId: string,
    boardId: string,
    groupId: string,
    options?: UiActor,
  ): void;
  /**
   * Writes an update on an item.
   *
   * @returns The update's id.
   */
  createUpdate(itemId: string, body: string, options?: UiActor): string;
  /**
   * Creates a group.
   *
   * @returns The group's id.
   */
  createGroup(boardId: string, title: string, options?: UiActor): string;
  /** Renames a group. */
  renameGroup(
    boardId: string,
    groupId: string,
    title: string,
    options?: UiActor,
  ): void;
  /** Deletes a group and its items. */
  deleteGroup(boardId: string, groupId: string, options?: UiActor): void;
  /**
   * Creates a column.
   *
   * @returns The column's id.
   */
  createColumn(
    boardId: string,
    title: string,
    type: ColumnKind,
    options?: UiActor & { id?: string },
  ): string;
  /** Renames a column. */
  renameColumn(
    boardId: string,
    columnId: string,
    title: string,
    options?: UiActor,
  ): void;
  /** Changes a column's type: only the UI can; unreadable values are dropped. */
  changeColumnType(
    boardId: string,
    columnId: string,
    type: ColumnKind,
    options?: UiActor,
  ): void;
  /** Deletes a column. */
  deleteColumn(boardId: string, columnId: string, options?: UiActor): void;
  /** Renames a board. */
  renameBoard(boardId: string, name: string, options?: UiActor): void;
  /** Archives, deletes or restores a board (and its subitems board). */
  setBoardState(
    boardId: string,
    state: "active" | "archived" | "deleted",
    options?: UiActor,
  ): void;
}

/**
 * Builds the `ui` of an emulator handle over its model and clock.
 *
 * @param model The model.
 * @param clock The emulator clock.
 * @returns The UI actions.
 */
export function createUi(
  model: Model,
  clock: { now(): number },
): EmulatorUi {
  const who = (options?: UiActor) => {
    const userId = options?.userId ?? model.users[0]!.id;
    if (!model.user(userId)) {
      throw new TypeError(`Unknown user id '${userId}'`);
    }
    const now = clock.now();
    model.tick(now);
    return { userId, now };
  };
  const anyItem = (id: string) => {
    const item = model.anyItem(id);
    if (!item) return model.requireItem(id);
    return item;
  };
  const board = (id: string) => model.requireBoard(id);
  return {
    createItem(boardId, name, options) {
      return model.createItem(board(boardId), name, {
        ...who(options),
        groupId: options?.groupId ?? null,
        columnValues: options?.columnValues,
      }).id;
    },
    createSubitem(parentItemId, name, options) {
      return model.createSubitem(model.requireItem(parentItemId), name, {
        ...who(options),
        columnValues: options?.columnValues,
      }).id;
    },
    setValues(itemId, columnValues, options) {
      const item = model.requireItem(itemId);
      const actor = who(options);
      model.setValues(
        board(item.boardId),
        item,
        columnValues,
        actor.now,
        actor.userId,
      );
    },
    archiveItem(itemId, options) {
      model.archiveItem(model.requireItem(itemId), who(options));
    },
    deleteItem(itemId, options) {
      const item = anyItem(itemId);
      const actor = who(options);
      model.deleteItem(item, actor.now, actor.userId);
    },
    restoreItem(itemId, options) {
      model.restoreItem(anyItem(itemId), who(options));
    },
    moveItemToGroup(itemId, groupId, options) {
      model.moveToGroup(model.requireItem(itemId), groupId, who(options));
    },
    moveItemToBoard(itemId, boardId, groupId, options) {
      model.moveToBoard(
        model.requireItem(itemId),
        board(boardId),
        groupId,
        who(options),
      );
    },
    createUpdate(itemId, body, options) {
      return model.createUpdate(model.requireItem(itemId), body, who(options))
        .id;
    },
    createGroup(boardId, title, options) {
      return createGroup(model, board(boardId), title, who(options)).id;
    },
    renameGroup(boardId, groupId, title, options) {
      const b = board(boardId);
      updateGroup(model, b, model.requireGroup(b, groupId), {
        attribute: "title",
        value: title,
      }, who(options));
    },
    deleteGroup(boardId, groupId, options) {
      const b = board(boardId);
      removeGroup(model, b, model.requireGroup(b, groupId), who(options));
    },
    createColumn(boardId, title, type, options) {
      return createColumn(model, board(boardId), title, type, {
        ...who(options),
        id: options?.id ?? null,
      }).id;
    },
    renameColumn(boardId, columnId, title, options) {
      const b = board(boardId);
      updateColumn(
        model,
        b,
        model.requireColumn(b, columnId),
        { title },
        who(options),
      );
    },
    changeColumnType(boardId, columnId, type, options) {
      const b = board(boardId);
      changeColumnType(
        model,
        b,
        model.requireColumn(b, columnId),
        type,
        who(options),
      );
    },
    deleteColumn(boardId, columnId, options) {
      const b = board(boardId);
      deleteColumn(model, b, model.requireColumn(b, columnId), who(options));
    },
    renameBoard(boardId, name, options) {
      updateBoard(
        model,
        board(boardId),
        { attribute: "name", value: name },
        who(options),
      );
    },
    setBoardState(boardId, state, options) {
      const b = model.anyBoard(boardId) ?? model.requireBoard(boardId);
      setBoardState(model, b, state, who(options));
    },
  };
}
