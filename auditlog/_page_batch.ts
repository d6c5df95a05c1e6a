/**
 * One page of entries turned into the records to write: the window applied,
 * entries already exported dropped, stable ids added, and the same records
 * as JSON Lines.
 *
 * @module
 */

import { AuditEntryError } from "./audit_entry_error.ts";
import { restRecordDraft } from "./_canonical.ts";
import { sha256Hex } from "./_sha256.ts";
import { entryCanonicalText } from "./entry_id.ts";
import type { AuditLogEntry, AuditLogRecord } from "./types.ts";

/** Which entries of a page belong in the run, and which were already exported. */
export interface RecordWindow {
  /** The page's number, for errors. */
  page: number;
  startMs: number | undefined;
  endMs: number;
  checkpointMs: number | undefined;
  skip: Map<string, number>;
}

interface Row {
  entry: AuditLogEntry;
  ms: number;
}

/**
 * The entries of one page (newest first) that belong in the window, oldest
 * first, with their times.
 */
function selectRows(
  entries: readonly AuditLogEntry[],
  window: RecordWindow,
): Row[] {
  const rows: Row[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    const ms = typeof entry?.timestamp === "string"
      ? Date.parse(entry.timestamp)
      : Number.NaN;
    if (Number.isNaN(ms)) {
      throw new AuditEntryError(
        `Cannot export audit-log entry on page ${window.page}: unreadable timestamp '${
          String(entry?.timestamp).slice(0, 64)
        }'`,
        { timestamp: entry?.timestamp, page: window.page },
      );
    }
    if (window.startMs !== undefined && ms < window.startMs) continue;
    if (ms > window.endMs) continue;
    rows.push({ entry, ms });
  }
  // The API sorts newest first; keep equal timestamps in their reversed order.
  for (let i = 1; i < rows.length; i++) {
    if (rows[i]!.ms < rows[i - 1]!.ms) {
      rows.sort((a, b) => a.ms - b.ms);
      break;
    }
  }
  return rows;
}

/** The records of one page, and the same as JSON Lines. */
export interface Batch {
  records: AuditLogRecord[];
  jsonLines: string[];
  /** The newest record's time (the last record's: they are oldest first). */
  lastMs: number;
  /** The ids of the records at `lastMs`, in order. */
  idsAtLast: string[];
}

/**
 * Adds the ids, drops entries at the checkpoint's timestamp that the
 * checkpoint lists (each listed id once), and makes the records and their
 * JSON Lines: `{"id":…,` followed by the canonical JSON's members, so a line
 * without its id is exactly the text the id hashes.
 */
function toBatch(
  rows: readonly Row[],
  ids: readonly string[],
  texts: readonly string[],
  drafts: readonly (Record<string, unknown> | undefined)[],
  window: RecordWindow,
): Batch {
  const records: AuditLogRecord[] = [];
  const jsonLines: string[] = [];
  let lastMs = Number.NEGATIVE_INFINITY;
  let idsAtLast: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const { entry, ms } = rows[i]!;
    const id = ids[i]!;
    if (ms === window.checkpointMs) {
      const left = window.skip.get(id) ?? 0;
      if (left > 0) {
        window.skip.set(id, left - 1);
        continue;
      }
    }
    const draft = drafts[i];
    if (draft) {
      draft.id = id;
      records.push(draft as AuditLogRecord);
    } else if (Object.hasOwn(entry, "id")) {
      const { id: _drop, ...rest } = entry as AuditLogEntry & { id?: unknown };
      records.push({ id, ...rest } as AuditLogRecord);
    } else {
      records.push({ id, ...entry } as AuditLogRecord);
    }
    if (ms > lastMs) {
      lastMs = ms;
      idsAtLast = [id];
    } else {
      idsAtLast.push(id);
    }
    const text = texts[i]!;
    jsonLines.push(
      text.length > 2 ? `{"id":"${id}",${text.slice(1)}\n` : `{"id":"${id}"}\n`,
    );
  }
  return { records, jsonLines, lastMs, idsAtLast };
}

/** The entry's canonical text, or an error naming the entry. */
function textOf(entry: AuditLogEntry, page: number): string {
  try {
    return entryCanonicalText(entry);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AuditEntryError(
      `Cannot export audit-log entry at '${
        String(entry.timestamp).slice(0, 64)
      }' on page ${page}: ${reason}`,
      { timestamp: entry.timestamp, page, cause: error },
    );
  }
}

/**
 * Turns one page (newest first) into the records to write (oldest first):
 * reversed, entries outside the window dropped, entries at the checkpoint's
 * timestamp dropped when the checkpoint lists their id, ids added. Hashes
 * synchronously.
 *
 * @throws {AuditEntryError} When an entry's timestamp cannot be read or the
 * entry cannot be written as canonical JSON (say, nested too deeply).
 */
export function buildBatch(
  entries: readonly AuditLogEntry[],
  window: RecordWindow,
): Batch {
  const rows = selectRows(entries, window);
  const ids = new Array<string>(rows.length);
  const texts = new Array<string>(rows.length);
  const drafts = new Array<Record<string, unknown> | undefined>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const entry = rows[i]!.entry;
    const draft = restRecordDraft(entry);
    const text = draft ? draft.text : textOf(entry, window.page);
    texts[i] = text;
    ids[i] = sha256Hex(text);
    drafts[i] = draft?.record;
  }
  return toBatch(rows, ids, texts, drafts, window);
}
