// Child process for benchmarks 3 and 4: exports a whole audit log one way and
// reports the time, the count and (through reportAndExit) its own peak RSS.
// Usage: _audit_child.ts <mondaykit|bare> <domain> <auditToken> <out> [perPage] [requests/windowMs]

import {
  AuditLogClient,
  exportAuditLogs,
  FileCheckpointStore,
  FileSink,
} from "../auditlog/mod.ts";
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
let requests = 0;
if (mode === "mondaykit") {
  const [requestsPerWindow, windowMs] = limitArg
    ? limitArg.split("/").map(Number)
    : [];
  const client = new AuditLogClient({
    token,
    domain,
    perPage,
    rateLimit: requestsPerWindow
      ? { requests: requestsPerWindow, windowMs: windowMs! }
      : false,
  });
  const sink = new FileSink(out);
  const result = await exportAuditLogs({
    source: client,
    sink,
    checkpoint: new FileCheckpointStore(out + ".checkpoint"),
    perPage,
  });
  entries = result.entries;
  requests = result.requests;
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
    requests++;
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
reportAndExit({ ms: performance.now() - start, entries, requests });
