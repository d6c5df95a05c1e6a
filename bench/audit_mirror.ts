// The audit log into the mirror's `audit_logs` table (syncAccount with an
// audit source, SQLite): how much of monday's 50-requests-a-minute limit it
// uses, measured as the file export's is (audit_export.ts, limitUse).

import { RUNS, size } from "./_lib.ts";
import { limitUse } from "./audit_export.ts";

/** Runs the audit mirror's rate-limit benchmark and returns its section. */
export async function auditMirror(): Promise<string> {
  const windowMs = size(5000, 1000);
  // The sync exports at the exporter's default, 1,000 entries per page:
  // 100,000 entries are 100 pages and about ten probes (the first run has no
  // start time to estimate the last page from): two full windows and a few
  // requests in a third.
  const perPage = 1000;
  const entries = size(100_000, 51_000);
  const { table, target } = await limitUse({
    mode: "mirror",
    entries,
    perPage,
    windowMs,
  });
  return [
    "## Audit mirror",
    "",
    `\`syncAccount(client, target, { tables: ["audit_logs"], audit })\` into a SQLite file, the audit source an AuditLogClient whose limiter is set to the emulator's audit limit of 50 requests per ${
      windowMs / 1000
    } s (monday's 50 per minute, scaled down ${60_000 / windowMs}x in time); ${
      entries.toLocaleString("en")
    } entries at ${perPage} per page (the exporter's default), ${RUNS} runs against one emulator, a window apart, each into a new database in a fresh process. Columns and utilisation as in the file export's rate-limit section.`,
    "",
    table,
    "",
    target,
  ].join("\n");
}
