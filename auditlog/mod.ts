/**
 * monday.com's audit log: a REST client ({@linkcode AuditLogClient}) and a
 * GraphQL source ({@linkcode GraphQLAuditLogSource}) with one interface, and
 * an exporter ({@linkcode exportAuditLogs}) that copies entries oldest first
 * into a sink (stdout, a file as JSON Lines or CSV, an HTTP endpoint, your
 * own) with a stable `id` on each entry and a checkpoint (file or Deno KV),
 * so that every entry arrives exactly once, across runs and crashes.
 *
 * Permissions: `--allow-net` for the account's host; `--allow-read
 * --allow-write` for file sinks and checkpoints; `--unstable-kv` for KV
 * checkpoints outside Deno Deploy.
 *
 * @example Export new entries to a JSON Lines file, resumably
 * ```ts
 * import assert from "node:assert/strict";
 * import { startEmulator } from "../emulator/mod.ts";
 * import {
 *   AuditLogClient,
 *   exportAuditLogs,
 *   FileCheckpointStore,
  type FileCheckpointStoreOptions,
 *   FileSink,
 * } from "./mod.ts";
 *
 * await using emulator = await startEmulator({ auditEntries: 50 });
 * const dir = await Deno.makeTempDir();
 * const client = new AuditLogClient({
 *   token: emulator.credentials.auditToken,
 *   domain: emulator.domain,
 * });
 * const result = await exportAuditLogs({
 *   source: client,
 *   sink: new FileSink(`${dir}/audit.jsonl`),
 *   checkpoint: new FileCheckpointStore(`${dir}/audit.checkpoint.json`),
 *   clock: { now: () => emulator.now() + 60_000, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
 * });
 * assert.equal(result.entries, 50);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

export type {
  AuditLogEntry,
  AuditLogFilters,
  AuditLogPage,
  AuditLogRecord,
  AuditLogSource,
  GetLogsOptions,
  LogsOptions,
} from "./types.ts";
export {
  AuditLogApiError,
  AuditLogClient,
  type AuditLogClientOptions,
  type AuditRateLimit,
} from "./client.ts";
export {
  AUDIT_LOGS_QUERY,
  fromGraphQLEntry,
  GraphQLAuditLogSource,
  type GraphQLAuditLogSourceOptions,
  type GraphQLRequester,
  type RequesterOptions,
  type Variables,
} from "./graphql_source.ts";
export {
  isIpAddress,
  normalizeAuditLogFilters,
  parseAuditTime,
  type WireAuditLogFilters,
} from "./filters.ts";
export { canonicalJson, entryId, withEntryId } from "./entry_id.ts";
export {
  AuditEntryError,
  type AuditEntryErrorOptions,
} from "./audit_entry_error.ts";
export {
  type AuditOutputFormat,
  type AuditSink,
  type ByteWriter,
  CSV_COLUMNS,
  csvField,
  type CsvFieldOptions,
  csvHeader,
  encodeRecord,
  FileSink,
  type FileSinkOptions,
  HttpSink,
  HttpSinkError,
  type HttpSinkOptions,
  MemorySink,
  type SinkOperationOptions,
  type SinkState,
  type SinkWriteOptions,
  StdoutSink,
  type StdoutSinkOptions,
} from "./sinks.ts";
export {
  type AuditCheckpoint,
  type CheckpointOperationOptions,
  type CheckpointStore,
  FileCheckpointStore,
  type FileCheckpointStoreOptions,
  KvCheckpointStore,
  type KvCheckpointStoreOptions,
  MemoryCheckpointStore,
  parseCheckpoint,
} from "./checkpoint.ts";
export {
  exportAuditLogs,
  type ExportAuditLogsOptions,
  type ExportFilters,
  type ExportProgress,
  type ExportResult,
} from "./export.ts";
export {
  createProgressRenderer,
  formatDuration,
  formatProgress,
  type ProgressRendererOptions,
  type SyncWriter,
} from "./progress.ts";
export type { Clock, HttpEvent, RetryPolicy } from "../_http/mod.ts";
export {
  NetworkError,
  RedirectError,
  RequestTimeoutError,
  type RequestTimeoutErrorOptions,
  ResponseTooLargeError,
} from "../_http/mod.ts";
