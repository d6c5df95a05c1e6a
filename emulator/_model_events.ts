/**
 * How the model's changes are written to the activity log: the common
 * `data` of item (`pulse`) and board events, and values as the log shows
 * them.
 *
 * @module
 */

import {
  type CellValue,
  type ColumnRecord,
  labelOf,
  STATUS_COLORS,
} from "./_column_values.ts";
import type { Actor, BoardRecord, ItemRecord, Model } from "./_model.ts";

/**
 * Records an item event with the `data` every item event carries.
 *
 * @param model The model.
 * @param board The board whose log gets it.
 * @param item The item.
 * @param event The event name.
 * @param actor Who and when.
 * @param extra More `data` keys.
 * @param columnId The column it is about (filters `column_ids`).
 * @param groupIds The groups it touches (filters `group_ids`).
 */
export function pulseEvent(
  model: Model,
  board: BoardRecord,
  item: ItemRecord,
  event: string,
  actor: Actor,
  extra: Record<string, unknown>,
  columnId?: string,
  groupIds: string[] = [item.groupId],
): void {
  const top = board.groups.find((g) => !g.deleted && !g.archived);
  model.log.record({
    event,
    entity: "pulse",
    at: actor.now,
    boardId: board.id,
    userId: actor.userId,
    itemId: item.id,
    groupIds,
    ...(columnId === undefined ? {} : { columnId }),
    data: {
      board_id: Number(board.id),
      group_id: item.groupId,
      is_top_group: top?.id === item.groupId,
      pulse_id: Number(item.id),
      pulse_name: item.name,
      ...(item.parentId ? { parent_item_id: Number(item.parentId) } : {}),
      ...extra,
    },
  });
}

/**
 * Records a board event (groups, columns, the board) and moves the board's
 * `updated_at`.
 *
 * @param model The model.
 * @param board The board.
 * @param event The event name.
 * @param actor Who and when.
 * @param extra More `data` keys.
 * @param filters The groups or column it is about.
 */
export function boardEvent(
  model: Model,
  board: BoardRecord,
  event: string,
  actor: Actor,
  extra: Record<string, unknown>,
  filters: { groupIds?: string[]; columnId?: string } = {},
): void {
  board.updatedAt = actor.now;
  model.log.record({
    event,
    entity: "board",
    at: actor.now,
    boardId: board.id,
    userId: actor.userId,
    groupIds: filters.groupIds ?? [],
    ...(filters.columnId === undefined ? {} : { columnId: filters.columnId }),
    data: { board_id: Number(board.id), ...extra },
  });
}

/**
 * A value as the activity log writes it: status as `{label, post_id}`,
 * others as the parsed raw value without `changed_at`.
 *
 * @param column The column.
 * @param cell The cell.
 * @returns The logged value, or null for an empty cell.
 */
export function logValue(column: ColumnRecord, cell: CellValue): unknown {
  if (cell.value === null) return null;
  const data = { ...(cell.data as Record<string, unknown>) };
  if (column.type === "status") {
    const index = String(data.index);
    return {
      label: {
        index: Number(index),
        text: labelOf(column, index) ?? "",
        style: { color: STATUS_COLORS[index] ?? "#c4c4c4" },
        is_done: index === "1",
      },
      post_id: null,
    };
  }
  if (typeof cell.data !== "object" || cell.data === null) {
    return { value: cell.data };
  }
  delete data.changed_at;
  return data;
}
