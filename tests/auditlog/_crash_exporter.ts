/**
 * The exporter as a separate process, for the crash test: exports into a
 * JSON Lines file with a file checkpoint, following new entries until it is
 * killed (or, with `follow: false`, once).
 *
 * Usage: deno run --allow-net=127.0.0.1 --allow-read --allow-write _crash_exporter.ts '<json config>'
 *
 * @module
 */

import {
  AuditLogClient,
  exportAuditLogs,
  FileCheckpointStore,
  FileSink,
} from "../../auditlog/mod.ts";

interface Config {
  domain: string;
  token: string;
  output: string;
  checkpoint: string;
  perPage: number;
  lagMs: number;
  follow: boolean;
  checkpointIntervalMs?: number;
}

const config = JSON.parse(Deno.args[0]!) as Config;
const client = new AuditLogClient({
  token: config.token,
  domain: config.domain,
  rateLimit: false,
});
// Tell the parent the process is up (so its kills land in the export, not
// in the runtime's start-up).
await Deno.stdout.write(new TextEncoder().encode("ready\n"));
const result = await exportAuditLogs({
  source: client,
  sink: new FileSink(config.output),
  checkpoint: new FileCheckpointStore(config.checkpoint),
  perPage: config.perPage,
  lagMs: config.lagMs,
  follow: config.follow,
  intervalMs: 15,
  ...(config.checkpointIntervalMs !== undefined
    ? { checkpointIntervalMs: config.checkpointIntervalMs }
    : {}),
});
console.log(JSON.stringify({ entries: result.entries, runs: result.runs }));
