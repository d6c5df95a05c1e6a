/**
 * `deno task demo`: mondaykit end to end, offline, against the embedded emulator.
 *
 * Starts the emulator, logs in with OAuth through the desktop flow (the
 * emulator consents at once; a stand-in "browser" follows the authorization
 * URL with fetch), keeps the tokens in an encrypted settings file in a
 * temporary directory, runs a query, exports a board's items and the audit
 * log with a checkpoint, runs the audit export again to show that nothing is
 * repeated, mirrors the account into SQLite (`sync`), syncs a change made in
 * the UI incrementally, queries a board's table (`sql`), and prints where
 * everything is.
 *
 * Every step is the `mondaykit` CLI, called in-process with its own output
 * shown. Permissions: `--allow-net=127.0.0.1 --allow-read --allow-write`.
 *
 * @module
 */

import { main } from "../cli.ts";
import { formatConnectionString } from "../connection.ts";
import { startEmulator } from "../emulator/mod.ts";

const started = performance.now();
const color = Deno.stdout.isTerminal();
const bold = (text: string) => (color ? `\x1b[1m${text}\x1b[0m` : text);
const dim = (text: string) => (color ? `\x1b[2m${text}\x1b[0m` : text);

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

const dir = await Deno.makeTempDir({ prefix: "mondaykit-demo-" });
// The CLI reads this environment instead of the real one: the key file and settings stay in `dir`.
const env: Record<string, string> = {
  HOME: dir,
  XDG_CONFIG_HOME: dir,
  APPDATA: dir,
};

const callbackUrl = `http://127.0.0.1:${freePort()}/callback`;
await using emulator = await startEmulator({
  startTime: Date.now() - 10 * 60_000,
  items: 500,
  auditEntries: 2000,
  oauthRedirectUris: [callbackUrl],
});
const { oauth, auditToken } = emulator.credentials;

const settings = `${dir}/OAuthSettings.txt`;
const connection = {
  authScheme: "OAuth" as const,
  oauthClientId: oauth.clientId,
  oauthClientSecret: oauth.clientSecret,
  callbackUrl,
  scope: "me:read boards:read users:read workspaces:read teams:read tags:read",
  apiUrl: emulator.apiUrl,
  authUrl: emulator.authUrl,
  oauthSettingsLocation: settings,
};
const auditConnection = {
  schema: "AuditLog" as const,
  apiToken: auditToken,
  domain: emulator.domain,
};

let pendingCallback: Promise<void> | undefined;
/** The stand-in browser: follows the authorization URL; the emulator consents and redirects to the CLI. */
async function browser(url: string): Promise<void> {
  const consent = await fetch(url, { redirect: "manual" });
  await consent.body?.cancel();
  const location = consent.headers.get("location");
  if (!location) {
    throw new Error(`The emulator did not redirect (HTTP ${consent.status})`);
  }
  // Not awaited here: the CLI answers this request only once it has the tokens.
  pendingCallback = fetch(location).then((response) => response.body?.cancel())
    .catch(() => {});
}

let step = 0;
/** Runs one CLI command in-process and shows what it printed. */
async function mondaykit(
  title: string,
  args: string[],
  options: { maxLines?: number; shownConnection?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  step++;
  console.log(`\n${bold(`${step}. ${title}`)}`);
  // The command as a user would type it, with the connection string (which
  // holds secrets) shown masked.
  const shown = args.map((arg, i) =>
    args[i - 1] === "--connection"
      ? `'${options.shownConnection ?? "…"}'`
      : /[\s{}]/.test(arg)
      ? (arg.includes("'") ? `"${arg}"` : `'${arg}'`)
      : arg
  );
  console.log(dim(`   $ mondaykit ${shown.join(" ")}`));
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const writer = (chunks: Uint8Array[]) => ({
    write: (
      bytes: Uint8Array,
    ) => (chunks.push(bytes.slice()), Promise.resolve(bytes.length)),
  });
  const code = await main(args, {
    stdout: writer(out),
    stderr: writer(err),
    env: (name) => env[name],
    stderrIsTerminal: false,
    stdinIsTerminal: false,
    opener: browser,
  });
  const decode = (chunks: Uint8Array[]) =>
    new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
  const stdout = decode(out);
  const stderr = decode(err);
  const max = options.maxLines ?? 12;
  for (
    const [text, paint] of [[stdout, (s: string) => s], [stderr, dim]] as const
  ) {
    const lines = text.split("\n").filter((line) => line.trim() !== "");
    for (const line of lines.slice(0, max)) console.log(`   ${paint(line)}`);
    if (lines.length > max) {
      console.log(dim(`   … ${lines.length - max} more lines`));
    }
  }
  if (code !== 0) {
    throw new Error(
      `'mondaykit ${shown.join(" ")}' failed with exit code ${code}`,
    );
  }
  return { code, stdout, stderr };
}

console.log(
  bold(
    "mondaykit demo: the whole job, offline, against the embedded monday.com emulator",
  ),
);
console.log(
  `Emulator: ${emulator.url} (GraphQL ${emulator.apiUrl}, audit log, OAuth); files in ${dir}`,
);

const masked = formatConnectionString(connection);
await mondaykit(
  "Log in with OAuth 2.1 (desktop flow: PKCE, loopback callback; the emulator consents at once)",
  [
    "auth",
    "login",
    "--connection",
    formatConnectionString(connection, { includeSecrets: true }),
  ],
  { maxLines: 6, shownConnection: masked },
);
await pendingCallback;

const oauthArgs = [
  "--connection",
  formatConnectionString(connection, { includeSecrets: true }),
];

await mondaykit(
  "Who is logged in (asked from the API; tokens shown by their last 4 characters only)",
  ["auth", "status", ...oauthArgs],
);
await mondaykit(
  "Run a GraphQL query with the stored OAuth token",
  [
    "query",
    "{ me { name email } boards { id name items_count } }",
    ...oauthArgs,
  ],
  { maxLines: 24 },
);

const itemsFile = `${dir}/items.csv`;
await mondaykit(
  "Export every item of a board as CSV (paged through items_page / next_items_page)",
  [
    "items",
    "export",
    "--board",
    "5000000001",
    "--format",
    "csv",
    "--out",
    itemsFile,
    ...oauthArgs,
  ],
);

const auditFile = `${dir}/audit.jsonl`;
const checkpointFile = `${dir}/audit.checkpoint.json`;
const auditArgs = [
  "auditlog",
  "export",
  "--out",
  auditFile,
  "--checkpoint",
  checkpointFile,
  "--connection",
  formatConnectionString(auditConnection, { includeSecrets: true }),
];
const shownAudit = {
  shownConnection: formatConnectionString(auditConnection),
};
await mondaykit(
  "Export the audit log (oldest first, each entry with a stable id) with a checkpoint",
  auditArgs,
  shownAudit,
);
const firstRun =
  (await Deno.readTextFile(auditFile)).split("\n").filter(Boolean).length;

await mondaykit(
  "Run the same export again: it resumes from the checkpoint",
  auditArgs,
  shownAudit,
);
const secondRun =
  (await Deno.readTextFile(auditFile)).split("\n").filter(Boolean).length;

emulator.advance(1000);
emulator.appendAuditEntries(3);
await mondaykit(
  "Three new audit events happen; the next run exports exactly those",
  auditArgs,
  shownAudit,
);
const thirdRun =
  (await Deno.readTextFile(auditFile)).split("\n").filter(Boolean).length;

const database = `${dir}/monday.db`;
await mondaykit(
  "Mirror the account into SQLite: tables boards, items, column_values, users… and one typed table per board",
  ["sync", "--to", database, ...oauthArgs],
);
// Someone changes an item in monday's web UI…
const changedItem = "1000000007";
emulator.advance(30_000);
emulator.ui.setValues(changedItem, {
  status: { label: "Stuck" },
  text: "Changed in the UI",
});
emulator.advance(30_000);
const incremental = await mondaykit(
  "Sync again: the activity logs name the changed item; only it (and an item linking to it) is read",
  ["sync", "--to", database, "--json", ...oauthArgs],
);
const syncSummary = JSON.parse(incremental.stdout) as {
  itemsRead: number;
  requests: number;
};
const sql = await mondaykit(
  "Query a board's own table with SQL (read-only)",
  [
    "sql",
    "--db",
    database,
    "--format",
    "table",
    "SELECT status, count(*) AS items FROM board_5000000001 GROUP BY status ORDER BY items DESC, status",
  ],
);
const changedRow = await mondaykit(
  "The changed item, as the mirror now has it",
  [
    "sql",
    "--db",
    database,
    "--format",
    "table",
    `SELECT id, name, status, text FROM board_5000000001 WHERE id = '${changedItem}'`,
  ],
);

const itemRows =
  (await Deno.readTextFile(itemsFile)).split("\r\n").filter(Boolean).length - 1;
const settingsBytes = await Deno.readFile(settings);
const encrypted = !new TextDecoder().decode(settingsBytes).includes("access");
const stats = emulator.stats();

console.log(`\n${bold("Summary")}`);
console.log(
  `  Logged in with OAuth 2.1; tokens encrypted (AES-256-GCM${
    encrypted ? "" : " — NOT"
  }) in ${settings}`,
);
console.log(`  Board export:   ${itemRows} items → ${itemsFile}`);
console.log(`  Audit export:   ${firstRun} entries → ${auditFile}`);
console.log(
  `  Second run:     ${secondRun - firstRun} new entries (nothing repeated)`,
);
console.log(
  `  Third run:      ${thirdRun - secondRun} new entries, the 3 just appended`,
);
console.log(`  Checkpoint:     ${checkpointFile}`);
console.log(
  `  SQL mirror:     ${database}; the incremental sync read ${syncSummary.itemsRead} item(s) in ${syncSummary.requests} requests`,
);
console.log(
  `  Emulator saw    ${stats.requests.graphql} GraphQL, ${stats.requests.audit} audit and ${
    stats.requests.authorize + stats.requests.token
  } OAuth requests; ${stats.tokensIssued} token(s) issued`,
);
console.log(
  `  Took ${
    ((performance.now() - started) / 1000).toFixed(1)
  } s. The files stay in ${dir} (delete it when done).`,
);

if (
  secondRun !== firstRun || thirdRun !== secondRun + 3 || firstRun === 0 ||
  itemRows !== 500 || !encrypted || syncSummary.itemsRead > 3 ||
  !/\bStuck\b/.test(sql.stdout) ||
  !changedRow.stdout.includes("Changed in the UI")
) {
  console.error("The demo's checks failed: see above");
  Deno.exitCode = 1;
}
