// A sync run in its own process, for the kill test: syncs the account at
// `apiUrl` into the SQLite file, printing "ready" once loaded.
// Usage: _sync_child.ts <apiUrl> <token> <file> [full]
import { MondayClient } from "../../graphql/mod.ts";
import { openSqliteTarget, syncAccount } from "../../sync/mod.ts";

const [apiUrl, token, file, mode] = Deno.args;
const client = new MondayClient({ token: token!, apiUrl: apiUrl! });
await using target = await openSqliteTarget(file!);
console.log("ready");
await syncAccount(client, target, {
  full: mode === "full",
  // Small pages: more requests, so a kill lands inside a board's read.
  concurrency: 2,
});
console.log("done");
