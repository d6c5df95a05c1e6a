/**
 * Reading a board's activity logs: which items to re-read, and whether the
 * logs can be trusted to cover the gap at all. Anything it cannot interpret
 * asks for a whole re-read of the board: slower, never wrong.
 *
 * @module
 */

/** One activity log entry as monday returns it. */
export interface ActivityLog {
  id: string;
  event: string;
  entity: string;
  created_at: string;
  data: string;
}

/** What a board's logs ask for. */
export interface LogVerdict {
  /** Items to re-read. */
  itemIds: Set<string>;
  /** Why the board must be read whole, or `undefined`. */
  fullReason: string | undefined;
  /** The newest `created_at` seen (17-digit string), or `undefined`. */
  newest: string | undefined;
}

/** Events about items: the items they name are re-read. */
const ITEM_EVENTS = new Set([
  "create_pulse",
  "update_name",
  "update_column_value",
  "archive_pulse",
  "delete_pulse",
  "restore_pulse",
  "move_pulse_into_group",
  "move_pulse_from_group",
  "move_pulse_into_board",
  "move_pulse_from_board",
  "move_subitem",
  "create_subitem",
  "batch_create_pulses",
  "batch_delete_pulses",
  "batch_archive_pulses",
  "batch_duplicate_pulses",
  "batch_change_pulses_column_value",
  "batch_move_pulses_into_group",
  "batch_move_pulses_from_group",
  "batch_move_pulses_into_board",
  "batch_move_pulses_from_board",
  "duplicate_pulse",
  "add_file",
  "delete_file",
  "create_update",
  "edit_update",
  "delete_update",
  "create_reply",
  "edit_reply",
  "delete_reply",
]);

/**
 * Events whose change the sync sees without the logs: the board row, groups
 * and columns are re-read on every run.
 */
const SEEN_ANYWAY = new Set([
  "create_group",
  "update_group_name",
  "update_group_color",
  "update_board_name",
  "update_board_nickname",
  "update_board_description",
  "board_state_changed",
  "board_archived",
  "board_deleted",
  "board_restored",
  "board_workspace_id_changed",
  "board_disconnect",
  "add_owner",
  "remove_owner",
  "subscribe",
  "unsubscribe",
  "set_entity_board_role",
  "update_board_permissions",
  "update_board_granular_permissions",
]);

const ID_KEYS = new Set([
  "pulse_id",
  "item_id",
  "pulse_ids",
  "item_ids",
  "duplicated_pulse_ids",
  "subitem_id",
  "subitem",
  "parent_item_id",
  "parent_pulse_id",
  "source_pulse_id",
]);

function collectIds(value: unknown, out: Set<string>, depth: number): void {
  if (depth > 6 || value === null || typeof value !== "object") return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (ID_KEYS.has(key)) addIds(child, out, depth + 1);
    else if (typeof child === "object") collectIds(child, out, depth + 1);
  }
}

function addIds(value: unknown, out: Set<string>, depth: number): void {
  if (typeof value === "number" && Number.isSafeInteger(value)) {
    out.add(String(value));
  } else if (typeof value === "string" && /^\d+$/.test(value)) out.add(value);
  else if (Array.isArray(value)) {
    for (const v of value) addIds(v, out, depth + 1);
  } else if (value !== null && typeof value === "object" && depth < 6) {
    const record = value as Record<string, unknown>;
    if ("id" in record) addIds(record.id, out, depth + 1);
    collectIds(record, out, depth + 1);
  }
}

function isEvent(event: string, prefix: string): boolean {
  return event === prefix || event.startsWith(`${prefix}_`);
}

/**
 * Reads logs (any order) into items to re-read, or a reason to read the
 * board whole.
 */
export function interpretLogs(logs: ActivityLog[]): LogVerdict {
  const itemIds = new Set<string>();
  let fullReason: string | undefined;
  let newest: string | undefined;
  for (const log of logs) {
    if (
      typeof log.created_at === "string" && /^\d+$/.test(log.created_at) &&
      (newest === undefined || compareMarks(log.created_at, newest) > 0)
    ) newest = log.created_at;
    const event = String(log.event);
    if (SEEN_ANYWAY.has(event) || isEvent(event, "board_view")) continue;
    if (!ITEM_EVENTS.has(event)) {
      fullReason ??= `activity log event '${event}'`;
      continue;
    }
    let data: unknown;
    try {
      data = JSON.parse(log.data);
    } catch {
      fullReason ??= `unreadable data of event '${event}'`;
      continue;
    }
    // Ids are kept even when the board will be read whole: items elsewhere
    // that link to them are re-read.
    if (!hasAnyId(data)) fullReason ??= `event '${event}' names no item`;
    collectIds(data, itemIds, 0);
  }
  return { itemIds, fullReason, newest };
}

function hasAnyId(data: unknown): boolean {
  const probe = new Set<string>();
  collectIds(data, probe, 0);
  return probe.size > 0;
}

/** Compares two 17-digit activity-log times. */
export function compareMarks(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An activity-log time (100 ns units) as an ISO 8601 instant. */
export function markToIso(mark: string): string {
  return new Date(Number(BigInt(mark) / 10_000n)).toISOString();
}
