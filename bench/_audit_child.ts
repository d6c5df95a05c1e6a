// Child process for the audit benchmarks: exports a whole audit log one way
// and reports the time, the count and (through reportAndExit) its own peak
// RSS. "mondaykit" is exportAuditLogs into a JSONL file, "bare" a hand-written
// fetch-and-append loop, "mirror" syncAccount's audit_logs table in a SQLite
// file at <out> (only that table: no GraphQL request is made).
// Usage: _audit_child.ts <mondaykit|bare|mirror> <domain> <auditToken> <out> [perPage] [requests/windowMs]

import {
  AuditLogClient,
  exportAuditLogs,
  FileCheckpointStore,
  FileSink,
} from "../auditlog/mod.ts";
import { openSqliteTarget, syncAccount } from "../sync/mod.ts";
import { reportAndExit } from "./_lib.ts";

const [mode, domain, token, out, perPageArg, limitArg] = Deno.args as [
  string,
  string,
  string,
  string,
  string | undefined,
  string | undefined,
];
const perPage = Number(perPageArg ?? 1000);
const start = performance.now();
let entries = 0;
const [requestsPerWindow, windowMs] = limitArg
  ? limitArg.split("/").map(Number)
  : [];
// When each HTTP request left (retries included): how densely the requests
// filled the rate limit.
const sent: number[] = [];
const countingFetch: typeof fetch = (input, init) => {
  sent.push(performance.now());
  return fetch(input, init);
};
const client = new AuditLogClient({
  token,
  domain,
  perPage,
  fetch: countingFetch,
  rateLimit: requestsPerWindow
    ? { requests: requestsPerWindow, windowMs: windowMs! }
    : false,
});
if (mode === "mirror") {
  // Only audit_logs: a GraphQL client that is never called.
  const graphql = {
    request(): Promise<never> {
      throw new Error("The audit mirror made a GraphQL request");
    },
  };
  await using target = await openSqliteTarget(out);
  const summary = await syncAccount(graphql, target, {
    tables: ["audit_logs"],
    audit: client,
  });
  entries = summary.auditEntries;
} else if (mode === "mondaykit") {
  const sink = new FileSink(out);
  const result = await exportAuditLogs({
    source: client,
    sink,
    checkpoint: new FileCheckpointStore(out + ".checkpoint"),
    perPage,
  });
  entries = result.entries;
} else {
  // The floor: fetch every page newest first and append the raw entries, no
  // ids, no ordering, no checkpoint, no fsync.
  const file = await Deno.open(out, {
    create: true,
    write: true,
    truncate: true,
  });
  const encoder = new TextEncoder();
  for (let page = 1;; page++) {
    const url = new URL("/audit-api/get-logs", domain);
    url.searchParams.set("page", String(page));
    url.searchParams.set("per_page", String(perPage));
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}` },
    });
    sent.push(performance.now());
    const body = JSON.parse(await response.text());
    if (!response.ok) throw new Error(JSON.stringify(body));
    let text = "";
    for (const entry of body.data) text += JSON.stringify(entry) + "\n";
    const bytes = encoder.encode(text);
    for (let done = 0; done < bytes.length;) {
      done += await file.write(bytes.subarray(done));
    }
    entries += body.data.length;
    if (body.next_page === null) break;
  }
  file.close();
}
const ms = performance.now() - start;
const requests = sent.length;
// With a limit of N per window: the requests before the last window's first
// one fill whole windows, `rounds` of them, in `roundsMs`.
const rounds = requestsPerWindow
  ? Math.floor((requests - 1) / requestsPerWindow)
  : 0;
reportAndExit({
  ms,
  entries,
  requests,
  spanMs: sent.at(-1)! - sent[0]!,
  rounds,
  roundsMs: sent[rounds * (requestsPerWindow ?? 0)]! - sent[0]!,
  // How long ago the last window opened (the next run waits out the rest).
  lastWindowAgoMs: performance.now() -
    sent[rounds * (requestsPerWindow ?? 0)]!,
});
