// Child process for the sync-throughput benchmark: one syncAccount run into
// a SQLite file, in a fresh process so that its peak RSS is its own. A fresh
// file makes a full sync; a file a full sync left makes an incremental one.
// Prints its figures (time, requests, items) through reportAndExit.
// Usage: _sync_child.ts <apiUrl> <token> <database path>

import { MondayClient } from "../graphql/mod.ts";
import { openSqliteTarget, syncAccount } from "../sync/mod.ts";
import { reportAndExit } from "./_lib.ts";

const [apiUrl, token, path] = Deno.args as [string, string, string];
const client = new MondayClient({ token, apiUrl });
const target = await openSqliteTarget(path);
let figures: Record<string, number>;
try {
  const start = performance.now();
  const summary = await syncAccount(client, target);
  const ms = performance.now() - start;
  const { rows } = await target.query("SELECT count(*) FROM items");
  figures = {
    ms,
    requests: summary.requests,
    itemsRead: summary.itemsRead,
    itemsWritten: summary.itemsWritten,
    itemsRemoved: summary.itemsRemoved,
    boards: summary.boards,
    fullBoards: summary.fullBoards,
    incrementalBoards: summary.incrementalBoards,
    itemsInMirror: Number(rows[0]![0]),
  };
} finally {
  await target.close();
}
reportAndExit(figures);
