/**
 * Changes to a board's structure: groups, columns and the board itself, each
 * recording its board-level activity-log event.
 *
 * @module
 */

import {
  COLUMN_KINDS,
  type ColumnKind,
  type ColumnRecord,
  defaultSettings,
  LEGACY_COLUMN_TYPES,
  normalizeCell,
} from "./_column_values.ts";
import { boardEvent } from "./_model_events.ts";
import {
  type Actor,
  basicColumns,
  type BoardRecord,
  type GroupRecord,
  type ItemState,
  MAIN_WORKSPACE_ID,
  type Model,
  ModelError,
  newColumn,
  newGroup,
} from "./_model.ts";

/**
 * Creates a group.
 *
 * @param model The model.
 * @param board The board.
 * @param title Its title.
 * @param options Color, whether it goes first, who and when.
 * @returns The group.
 * @throws {ModelError} `InvalidArgumentException` for an empty title.
 */
export function createGroup(
  model: Model,
  board: BoardRecord,
  title: string,
  options: Actor & { color?: string | null; top?: boolean },
): GroupRecord {
  if (title.trim() === "") {
    throw new ModelError(
      "InvalidArgumentException",
      "A group's name cannot be empty",
      { data: { argument: "group_name" } },
    );
  }
  const group = newGroup(
    `group_mk${model.nextSeq().toString(36).padStart(6, "0")}`,
    title,
    board.groups.length,
  );
  if (options.color) group.color = options.color;
  if (options.top) {
    const first = Math.min(...board.groups.map((g) => Number(g.position)));
    group.position = String(first / 2);
    board.groups.unshift(group);
  } else board.groups.push(group);
  boardEvent(model, board, "create_group", options, {
    group_id: group.id,
    group_title: group.title,
    group_color: group.color,
  }, { groupIds: [group.id] });
  return group;
}

/**
 * Deletes (or archives) a group and the items in it.
 *
 * @param model The model.
 * @param board The board.
 * @param group The group.
 * @param options Archive instead of delete, who and when.
 * @throws {ModelError} `DeleteLastGroupException` for the board's last group.
 */
export function removeGroup(
  model: Model,
  board: BoardRecord,
  group: GroupRecord,
  options: Actor & { archive?: boolean },
): void {
  const visible = board.groups.filter((g) => !g.deleted && !g.archived);
  if (visible.length <= 1) {
    throw new ModelError(
      "DeleteLastGroupException",
      "The board's last group cannot be deleted or archived",
      { statusCode: 409, data: { group_id: group.id } },
    );
  }
  const state: ItemState = options.archive ? "archived" : "deleted";
  for (const item of board.items) {
    if (item.groupId === group.id && model.onBoard(board, item)) {
      model.setItemState(
        item,
        state,
        options.archive ? "archive_group_pulse" : "delete_group_pulse",
        options,
      );
    }
  }
  if (options.archive) group.archived = true;
  else group.deleted = true;
  boardEvent(
    model,
    board,
    options.archive ? "archive_group" : "delete_group",
    options,
    {
      group_id: group.id,
      group_title: group.title,
      group_color: group.color,
    },
    { groupIds: [group.id] },
  );
}

/**
 * Changes a group's title or color.
 *
 * @param model The model.
 * @param board The board.
 * @param group The group.
 * @param change The attribute and new value.
 * @param actor Who and when.
 * @throws {ModelError} `InvalidArgumentException` for an unsupported attribute.
 */
export function updateGroup(
  model: Model,
  board: BoardRecord,
  group: GroupRecord,
  change: { attribute: string; value: string },
  actor: Actor,
): void {
  if (change.attribute === "title") {
    const previous = group.title;
    group.title = change.value;
    boardEvent(model, board, "update_group_name", actor, {
      group_id: group.id,
      group_title: group.title,
      previous_title: previous,
    }, { groupIds: [group.id] });
  } else if (change.attribute === "color") {
    const previous = group.color;
    group.color = change.value;
    boardEvent(model, board, "update_group_color", actor, {
      group_id: group.id,
      group_color: group.color,
      previous_color: previous,
    }, { groupIds: [group.id] });
  } else if (change.attribute === "position") {
    group.position = change.value;
    board.updatedAt = actor.now;
  } else {
    throw new ModelError(
      "InvalidArgumentException",
      `group_attribute '${change.attribute}' is not supported by the emulator`,
      { data: { argument: "group_attribute" } },
    );
  }
}

/**
 * Creates a column.
 *
 * @param model The model.
 * @param board The board.
 * @param title Its title.
 * @param type Its kind.
 * @param options Id, description, settings (`defaults`), position, who and when.
 * @returns The column.
 * @throws {ModelError} On a taken id or a kind the emulator cannot create.
 */
export function createColumn(
  model: Model,
  board: BoardRecord,
  title: string,
  type: string,
  options: Actor & {
    id?: string | null;
    description?: string | null;
    settings?: Record<string, unknown> | null;
    afterColumnId?: string | null;
  },
): ColumnRecord {
  if (type === "name" || type === "subtasks" || !isKind(type)) {
    throw new ModelError(
      "InvalidArgumentException",
      `The emulator cannot create a column of type '${type}'`,
      { data: { argument: "column_type", value: type } },
    );
  }
  const id = options.id ??
    `${type}_mk${model.nextSeq().toString(36).padStart(5, "0")}`;
  if (!/^[a-z][a-z0-9_]{0,19}$/.test(id)) {
    throw new ModelError(
      "InvalidArgumentException",
      `Column id '${id}' must be 1-20 lowercase letters, digits or underscores, starting with a letter`,
      { data: { argument: "id", value: id } },
    );
  }
  if (board.columns.some((c) => c.id === id)) {
    throw new ModelError(
      "InvalidArgumentException",
      `Column id '${id}' already exists on the board`,
      { data: { argument: "id", value: id } },
    );
  }
  const column = newColumn(id, title, type as ColumnKind, {
    ...defaultSettings(type as ColumnKind),
    ...options.settings,
  });
  column.description = options.description ?? null;
  const after = options.afterColumnId
    ? board.columns.findIndex((c) => c.id === options.afterColumnId)
    : -1;
  if (after >= 0) board.columns.splice(after + 1, 0, column);
  else board.columns.push(column);
  boardEvent(model, board, "create_column", options, {
    column_id: column.id,
    column_title: column.title,
    column_type: LEGACY_COLUMN_TYPES[column.type],
  }, { columnId: column.id });
  return column;
}

/**
 * Changes a column's title, description or settings.
 *
 * @param model The model.
 * @param board The board.
 * @param column The column.
 * @param change What changes.
 * @param actor Who and when.
 */
export function updateColumn(
  model: Model,
  board: BoardRecord,
  column: ColumnRecord,
  change: {
    title?: string | null;
    description?: string | null;
    settings?: Record<string, unknown> | null;
    width?: number | null;
  },
  actor: Actor,
): void {
  if (
    change.title !== undefined && change.title !== null &&
    change.title !== column.title
  ) {
    const previous = column.title;
    column.title = change.title;
    column.revision++;
    boardEvent(model, board, "update_column_name", actor, {
      column_id: column.id,
      column_title: column.title,
      previous_title: previous,
      column_type: LEGACY_COLUMN_TYPES[column.type],
    }, { columnId: column.id });
  }
  if (change.description !== undefined) {
    column.description = change.description;
    column.revision++;
    board.updatedAt = actor.now;
  }
  if (change.width !== undefined && change.width !== null) {
    column.width = change.width;
  }
  if (change.settings) {
    column.settings = { ...column.settings, ...change.settings };
    column.revision++;
    boardEvent(model, board, "change_column_settings", actor, {
      column_id: column.id,
      column_title: column.title,
      column_type: LEGACY_COLUMN_TYPES[column.type],
    }, { columnId: column.id });
  }
}

/**
 * Changes a column's type (a UI-only change: monday's API cannot retype a
 * column). Stored values that the new type cannot read are dropped.
 *
 * @param model The model.
 * @param board The board.
 * @param column The column.
 * @param type The new kind.
 * @param actor Who and when.
 * @throws {ModelError} `InvalidArgumentException` for a kind the emulator cannot create.
 */
export function changeColumnType(
  model: Model,
  board: BoardRecord,
  column: ColumnRecord,
  type: ColumnKind,
  actor: Actor,
): void {
  if (
    type === "name" || type === "subtasks" || column.type === "name" ||
    column.type === "subtasks" || !isKind(type)
  ) {
    throw new ModelError(
      "InvalidArgumentException",
      `Column '${column.id}' cannot be changed to type '${type}'`,
      { data: { column_id: column.id, column_type: type } },
    );
  }
  const previous = column.type;
  for (const item of board.items) {
    if (item.boardId !== board.id) continue;
    const text = model.cell(item, column).text;
    let value: string | null = null;
    column.type = type;
    try {
      value = text ? normalizeCell(column, text, model.lookups) : null;
    } catch {
      value = null;
    }
    column.type = previous;
    (item.values ??= new Map()).set(column.id, value);
  }
  column.type = type;
  column.settings = defaultSettings(type);
  column.revision++;
  boardEvent(model, board, "change_column_settings", actor, {
    column_id: column.id,
    column_title: column.title,
    column_type: LEGACY_COLUMN_TYPES[type],
    previous_column_type: LEGACY_COLUMN_TYPES[previous],
  }, { columnId: column.id });
}

/**
 * Deletes a column.
 *
 * @param model The model.
 * @param board The board.
 * @param column The column.
 * @param actor Who and when.
 * @throws {ModelError} `InvalidArgumentException` for the name column.
 */
export function deleteColumn(
  model: Model,
  board: BoardRecord,
  column: ColumnRecord,
  actor: Actor,
): void {
  if (column.type === "name") {
    throw new ModelError(
      "InvalidArgumentException",
      "The name column cannot be deleted",
      { data: { column_id: column.id } },
    );
  }
  board.columns = board.columns.filter((c) => c !== column);
  boardEvent(model, board, "delete_column", actor, {
    column_id: column.id,
    column_title: column.title,
    column_type: LEGACY_COLUMN_TYPES[column.type],
  }, { columnId: column.id });
}

/**
 * Creates a board with the default columns and one group.
 *
 * @param model The model.
 * @param name The board name.
 * @param kind Public, private or share.
 * @param options Description, owner, workspace and time.
 * @returns The board.
 * @throws {ModelError} `CreateBoardException` on an empty name.
 */
export function createBoard(
  model: Model,
  name: string,
  kind: BoardRecord["kind"],
  options: {
    description?: string | null;
    ownerId: string;
    now: number;
    workspaceId?: string | null;
    empty?: boolean;
  },
): BoardRecord {
  if (name.trim() === "") {
    throw new ModelError(
      "CreateBoardException",
      "Board name can't be blank",
    );
  }
  const board = model.addBoard({
    name,
    kind,
    ownerId: options.ownerId,
    createdAt: options.now,
    workspaceId: options.workspaceId ?? MAIN_WORKSPACE_ID,
    description: options.description ?? null,
    columns: options.empty
      ? [newColumn("name", "Name", "name")]
      : basicColumns(),
    groups: [newGroup("topics", "Group Title", 0)],
  });
  boardEvent(model, board, "create_board", {
    userId: options.ownerId,
    now: options.now,
  }, { board_name: name });
  return board;
}

/**
 * Archives or deletes a board (and its subitems board).
 *
 * @param model The model.
 * @param board The board.
 * @param state `archived` or `deleted`.
 * @param actor Who and when.
 */
export function setBoardState(
  model: Model,
  board: BoardRecord,
  state: "archived" | "deleted" | "active",
  actor: Actor,
): void {
  if (board.state === state) return;
  board.state = state;
  board.updatedAt = actor.now;
  const event = state === "archived"
    ? "board_archived"
    : state === "deleted"
    ? "board_deleted"
    : "board_state_changed";
  boardEvent(model, board, event, actor, { board_name: board.name, state });
  const sub = model.subitemsBoard(board);
  if (sub) setBoardState(model, sub, state, actor);
}

/**
 * Renames a board or changes its description.
 *
 * @param model The model.
 * @param board The board.
 * @param change The attribute (`name`, `description`) and value.
 * @param actor Who and when.
 * @throws {ModelError} `InvalidArgumentException` for another attribute.
 */
export function updateBoard(
  model: Model,
  board: BoardRecord,
  change: { attribute: string; value: string },
  actor: Actor,
): void {
  if (change.attribute === "name") {
    const previous = board.name;
    board.name = change.value;
    board.updatedAt = actor.now;
    boardEvent(model, board, "update_board_name", actor, {
      board_name: board.name,
      previous_name: previous,
    });
  } else if (change.attribute === "description") {
    board.description = change.value;
    board.updatedAt = actor.now;
  } else {
    throw new ModelError(
      "InvalidArgumentException",
      `board_attribute '${change.attribute}' is not supported by the emulator`,
      { data: { argument: "board_attribute" } },
    );
  }
}

const KINDS: ReadonlySet<string> = new Set(COLUMN_KINDS);

function isKind(type: string): type is ColumnKind {
  return KINDS.has(type);
}
