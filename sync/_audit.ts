/**
 * The audit log into the mirror: the audit export's entries (with their ids)
 * appended to `audit_logs`, its checkpoint kept in the target beside them.
 *
 * @module
 */

import {
  type AuditCheckpoint,
  type AuditLogRecord,
  type AuditLogSource,
  type AuditSink,
  type CheckpointStore,
  exportAuditLogs,
  parseCheckpoint,
} from "../auditlog/mod.ts";
import type { Cell, SyncTarget } from "./target.ts";

const KEY = "audit_checkpoint";

function auditRow(record: AuditLogRecord, seq: number): Cell[] {
  const text = (
    v: unknown,
  ) => (v === null || v === undefined ? null : String(v));
  return [
    seq,
    record.id,
    record.timestamp,
    text(record.account_id),
    text(record.user_id),
    text(record.event),
    text(record.slug),
    text(record.ip_address),
    text(record.user_agent),
    text(record.client_name),
    text(record.client_version),
    text(record.os_name),
    text(record.os_version),
    text(record.device_name),
    text(record.device_type),
    record.activity_metadata === null || record.activity_metadata === undefined
      ? null
      : JSON.stringify(record.activity_metadata),
  ];
}

/**
 * Exports the audit log entries newer than the target's checkpoint into
 * `audit_logs`, numbered in order (`seq`). Each page's rows are committed as
 * they come; the checkpoint that covers them follows at most once a second
 * (the exporter's `checkpointIntervalMs`) and at the end, in its own
 * transaction. A crash in between leaves rows past the checkpoint, which the
 * next run removes before it exports them again: nothing is lost or
 * repeated.
 */
export async function syncAuditLogs(
  source: AuditLogSource,
  target: SyncTarget,
  signal: AbortSignal | undefined,
): Promise<number> {
  // Rows are numbered in export order; the sink's state is the last number
  // acknowledged, so a run after a crash first removes what was written but
  // never acknowledged by a checkpoint, then writes it again: every entry
  // once, identical entries as often as they happened.
  let seq = 0;
  const sink: AuditSink = {
    async open(state) {
      const last = typeof state?.seq === "number" ? state.seq : 0;
      seq = await target.trimRows("audit_logs", "seq", last);
      return { seq };
    },
    async write(records) {
      const rows = records.map((r) => auditRow(r, ++seq));
      await target.appendRows("audit_logs", rows);
      return { seq };
    },
    // Each write is already committed. Having flush() lets the exporter
    // checkpoint once a second (checkpointIntervalMs) instead of after every
    // page: one transaction per page instead of two, off the pages' path. A
    // crash leaves rows past the checkpoint, which open() trims.
    flush() {
      return Promise.resolve({ seq });
    },
  };
  const checkpoint: CheckpointStore = {
    location: `${target.label} (${KEY})`,
    async load() {
      const text = await target.readSetting(KEY);
      return text === undefined
        ? undefined
        : parseCheckpoint(JSON.parse(text), `${target.label} (${KEY})`);
    },
    async save(value: AuditCheckpoint) {
      await target.appendRows("audit_logs", [], {
        key: KEY,
        value: JSON.stringify(value),
      });
    },
    async delete() {
      await target.appendRows("audit_logs", [], { key: KEY, value: null });
    },
  };
  const result = await exportAuditLogs({
    source,
    sink,
    checkpoint,
    ...(signal ? { signal } : {}),
  });
  return result.entries;
}
