/**
 * `mondaykit auditlog export`: audit log entries into a file or stdout, resumable by checkpoint.
 *
 * @module
 */

import type { CommandContext } from "../context.ts";
import { fileMode } from "../file_mode.ts";
import { classifyError, EXIT, UsageError } from "../errors.ts";
import {
  auditClient,
  graphqlClient,
  resolveConnection,
} from "../resolve_connection.ts";
import {
  type AuditLogSource,
  type AuditSink,
  exportAuditLogs,
  type ExportAuditLogsOptions,
  type ExportFilters,
  FileCheckpointStore,
  FileSink,
  formatProgress,
  GraphQLAuditLogSource,
  normalizeAuditLogFilters,
  StdoutSink,
} from "../../auditlog/mod.ts";

/**
 * The audit log source a command uses: the Audit Log API with the audit
 * token, or GraphQL `audit_logs` with the API token.
 *
 * @param context The invocation.
 * @param kind Which API.
 * @returns The source.
 */
export function source(
  context: CommandContext,
  kind: "rest" | "graphql",
): AuditLogSource {
  if (kind === "graphql") {
    return new GraphQLAuditLogSource(
      graphqlClient(context, resolveConnection(context, "graphql")),
    );
  }
  const connection = resolveConnection(context, "audit");
  if (connection.domain === undefined) {
    throw new UsageError(
      "No account domain for the audit API: pass --domain https://<account>.monday.com, set MONDAY_DOMAIN, or Domain=… in the connection string",
      context.spec.name,
    );
  }
  return auditClient(context, connection);
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}

/**
 * Runs `mondaykit auditlog export`.
 *
 * @param context The invocation.
 * @returns The exit code.
 */
export async function runAuditlogExport(
  context: CommandContext,
): Promise<number> {
  const { flags, out, signal } = context;
  const format = flags.choice("format", ["jsonl", "csv"] as const) ?? "jsonl";
  const kind = flags.choice("source", ["rest", "graphql"] as const) ?? "rest";
  const interval = flags.seconds("interval");
  const follow = flags.boolean("follow") ?? false;
  if (interval !== undefined && !follow) {
    throw new UsageError(
      "Flag '--interval' only applies with '--follow'",
      context.spec.name,
    );
  }
  const since = flags.string("since");
  const until = flags.string("until");
  const filters: ExportFilters = {};
  const user = flags.string("user");
  const events = flags.list("event");
  const ip = flags.string("ip");
  if (user !== undefined) filters.userId = user;
  if (events.length > 0) filters.events = events;
  if (ip !== undefined) filters.ipAddress = ip;
  try {
    normalizeAuditLogFilters({
      ...filters,
      ...(since === undefined ? {} : { startTime: since }),
      ...(until === undefined ? {} : { endTime: until }),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(
      `Invalid filter flags (--since, --until, --user, --event, --ip): ${message}`,
      context.spec.name,
    );
  }

  const path = flags.string("out");
  const checkpointPath = flags.string("checkpoint");
  const mode = fileMode(context);
  const formulaEscape = !(flags.boolean("csv-raw") ?? false);
  const sink: AuditSink = path === undefined
    ? new StdoutSink({ format, writer: context.io.stdout, formulaEscape })
    : new FileSink(path, { format, mode, formulaEscape });
  // Its own controller, so follow mode can also stop on an error no retry can fix.
  const stop = new AbortController();
  const forward = () => stop.abort(signal.reason);
  signal.addEventListener("abort", forward, { once: true });
  let fatal: unknown;
  const options: ExportAuditLogsOptions = {
    source: source(context, kind),
    sink,
    filters,
    follow,
    signal: stop.signal,
  };
  if (checkpointPath !== undefined) {
    options.checkpoint = new FileCheckpointStore(checkpointPath, { mode });
  }
  if (since !== undefined) options.since = since;
  if (until !== undefined) options.until = until;
  if (interval !== undefined) options.intervalMs = interval * 1000;
  if (out.showsProgress) {
    let last = 0;
    options.onProgress = (progress) => {
      const now = Date.now();
      if (progress.phase !== "done" && now - last < 150) return;
      last = now;
      void out.progress(formatProgress(progress));
    };
  }
  if (follow) {
    options.onError = (error) => {
      // Transient failures wait for the next interval; refused credentials would fail every time.
      if (classifyError(error).exitCode === EXIT.auth) {
        fatal = error;
        stop.abort(error);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      void out.warn(
        `Audit export run failed, retrying at the next interval: ${message}`,
      );
    };
  }
  let result;
  try {
    result = await exportAuditLogs(options);
  } finally {
    signal.removeEventListener("abort", forward);
  }
  if (fatal !== undefined) throw fatal;
  await out.clearProgress();
  const summary = {
    entries: result.entries,
    pages: result.pages,
    requests: result.requests,
    runs: result.runs,
    windowStart: result.windowStart,
    windowEnd: result.windowEnd,
    checkpoint: result.checkpoint.timestamp,
    ...(path === undefined ? {} : { out: path }),
    ...(checkpointPath === undefined ? {} : { checkpointFile: checkpointPath }),
  };
  // With --json and no --out, stdout holds the entries: no summary to mix in.
  if (!(out.options.json && path === undefined)) {
    await out.summary(
      summary,
      `Exported ${result.entries} audit log ${
        plural(result.entries, "entry", "entries")
      } (${result.pages} ${
        plural(result.pages, "page", "pages")
      }, ${result.requests} ${plural(result.requests, "request", "requests")}${
        result.runs > 1 ? `, ${result.runs} runs` : ""
      })${path === undefined ? "" : ` to ${path}`}; ${
        result.checkpoint.timestamp === null
          ? "nothing exported yet"
          : `up to ${result.checkpoint.timestamp}`
      }${
        checkpointPath === undefined ? "" : ` (checkpoint ${checkpointPath})`
      }`,
    );
  }
  return signal.aborted ? EXIT.interrupted : EXIT.ok;
}
