/**
 * `mondaykit sync`: mirror the account into SQLite or PostgreSQL.
 *
 * @module
 */

import { redact } from "../../_http/mod.ts";
import type { CommandContext } from "../context.ts";
import { CommandError, EXIT, UsageError } from "../errors.ts";
import { graphqlClient, resolveConnection } from "../resolve_connection.ts";
import {
  maskPostgresUrl,
  openTarget,
  syncAccount,
  type SyncAccountOptions,
  type SyncProgress,
  type SyncSummary,
} from "../../sync/mod.ts";

/** The default database: `monday.db` in the current directory. */
export const DEFAULT_DATABASE = "monday.db";

const UNITS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses a duration such as `12h`, `7d`, `30m`, `1w` or plain seconds.
 *
 * @param text The duration.
 * @param flag The flag's name, for the error.
 * @param command The command, for the error.
 * @returns Milliseconds.
 * @throws {UsageError} When it is not a positive duration.
 */
export function parseDuration(
  text: string,
  flag: string,
  command: string,
): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$/i.exec(text);
  const value = match
    ? Number(match[1]) * UNITS[match[2]!.toLowerCase() || "s"]!
    : NaN;
  if (!(value > 0)) {
    throw new UsageError(
      `Invalid value '${text}' for flag '--${flag}': expected a duration such as 30m, 12h, 7d or 1w`,
      command,
    );
  }
  return value;
}

/**
 * Splits a comma-separated flag value (repeatable) into its entries.
 *
 * @param values The flag's values.
 * @returns The entries, trimmed, empty ones dropped.
 */
export function commaList(values: string[]): string[] {
  return values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) =>
    v !== ""
  );
}

/**
 * Hides a database location's password in a message.
 *
 * @param text The message.
 * @param location The `--to`/`--db` value.
 * @returns The message without the password.
 */
export function maskLocation(text: string, location: string): string {
  let password: string;
  try {
    password = new URL(location).password;
  } catch {
    return text; // not a URL: a file path holds no secret
  }
  if (!password) return text;
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // a malformed escape: the raw form is the secret
  }
  return redact(text.replaceAll(location, maskPostgresUrl(location)), [
    password,
    decoded,
  ]);
}

function eta(progress: SyncProgress): string {
  const { boardsDone, boardsTotal, elapsedMs } = progress;
  if (boardsDone === 0 || boardsDone >= boardsTotal) return "";
  const rest = (elapsedMs / boardsDone) * (boardsTotal - boardsDone);
  return ` · ETA ${Math.ceil(rest / 1000)}s`;
}

/**
 * One line about a finished sync.
 *
 * @param summary What the sync did.
 * @param label Where it wrote (password masked).
 * @returns The line.
 */
export function summaryLine(summary: SyncSummary, label: string): string {
  return `Synced ${summary.boards} boards to ${label} (${summary.fullBoards} read whole, ${summary.incrementalBoards} incremental, ${summary.inactiveBoards} archived/deleted): ${summary.itemsWritten} items written, ${summary.itemsRemoved} removed${
    summary.auditEntries ? `, ${summary.auditEntries} audit log entries` : ""
  }, ${summary.requests} requests in ${
    (summary.durationMs / 1000).toFixed(1)
  }s`;
}

/**
 * Runs a sync for a command (also used by `sql --refresh`).
 *
 * @param context The invocation.
 * @param location The SQLite path or PostgreSQL URL.
 * @param options The sync's options.
 * @returns What the sync did and where.
 */
export async function runSyncTo(
  context: CommandContext,
  location: string,
  syncOptions: SyncAccountOptions,
): Promise<{ summary: SyncSummary; label: string }> {
  let options = syncOptions;
  const connection = resolveConnection(context, "graphql");
  // `--concurrency` above the client's default cap (40) raises that cap too;
  // the scheduler still keeps to what the plan announces.
  const concurrency = syncOptions.concurrency;
  const client = graphqlClient(
    context,
    connection,
    concurrency !== undefined && concurrency > 40
      ? { graphql: { maxConcurrency: concurrency } }
      : {},
  );
  let target;
  try {
    target = await openTarget(location);
  } catch (error) {
    throw new CommandError(
      maskLocation(
        `Cannot open '${location}': ${
          error instanceof Error ? error.message : String(error)
        }`,
        location,
      ),
      { code: "database" },
    );
  }
  const out = context.out;
  // With an audit token, audit_logs fills from the Audit Log API.
  const auditToken = context.flags.string("audit-token") ??
    context.io.env("MONDAY_AUDIT_TOKEN");
  if (auditToken !== undefined && options.audit === undefined) {
    const { source } = await import("./auditlog_export.ts");
    options = { ...options, audit: source(context, "rest") };
  }
  let last = 0;
  try {
    const summary = await syncAccount(client, target, {
      ...options,
      signal: context.signal,
      progress: (p) => {
        const now = Date.now();
        if (now - last < 100 && p.boardsDone < p.boardsTotal) return;
        last = now;
        void out.progress(
          `boards ${p.boardsDone}/${p.boardsTotal} · ${p.itemsRead} items read · ${p.requests} requests${
            eta(p)
          }`,
        );
      },
    });
    await out.clearProgress();
    return { summary, label: target.label };
  } catch (error) {
    await out.clearProgress();
    if (error instanceof Error) {
      error.message = maskLocation(error.message, location);
    }
    throw error;
  } finally {
    await target.close();
  }
}

/**
 * Runs `mondaykit sync`.
 *
 * @param context The invocation.
 * @returns The exit code.
 */
export async function runSync(context: CommandContext): Promise<number> {
  const { flags, spec } = context;
  const location = flags.string("to") ?? DEFAULT_DATABASE;
  const options: SyncAccountOptions = {};
  const boards = commaList(flags.list("boards"));
  const workspaces = commaList(flags.list("workspaces"));
  const tables = commaList(flags.list("tables"));
  for (const id of [...boards, ...workspaces]) {
    if (!/^\d+$/.test(id)) {
      throw new UsageError(
        `Invalid id '${id}': expected numeric ids separated by commas`,
        spec.name,
      );
    }
  }
  if (boards.length) options.boards = boards;
  if (workspaces.length) options.workspaces = workspaces;
  if (tables.length) options.tables = tables;
  if (flags.boolean("full")) options.full = true;
  const concurrency = flags.integer("concurrency", { min: 1, max: 1000 });
  if (concurrency !== undefined) options.concurrency = concurrency;
  const every = flags.string("full-every");
  if (every !== undefined) {
    options.fullEvery = parseDuration(every, "full-every", spec.name);
  }
  const { summary, label } = await runSyncTo(context, location, options);
  for (const warning of summary.warnings) await context.out.warn(warning);
  await context.out.result(
    { ...summary, database: label },
    summaryLine(summary, label),
  );
  return EXIT.ok;
}
