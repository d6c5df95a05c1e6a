/**

 * The `mondaykit` CLI run as a subprocess against an emulator started here:
 * stdout, stderr, exit codes and files for every command and flag.
 */

import assert from "node:assert/strict";
import { startEmulator } from "../emulator/mod.ts";
import {
  CLI_PERMISSIONS,
  type CliRun,
  runCli,
  type RunOptions,
} from "./cli/_run.ts";
import { timedTest, type TimedTestDefinition } from "./_time_limit.ts";

/** This file's tests run subprocesses or long loops: a longer limit. */
const timedTestLong = (
  nameOrDefinition: string | TimedTestDefinition,
  fn?: (t: Deno.TestContext) => Promise<void> | void,
) => timedTest(nameOrDefinition, fn, 180_000);

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function lines(text: string): string[] {
  return text.split("\n").filter((line) => line !== "");
}

/** Follows an authorization URL like a browser whose user approves at once. */
async function followAuthorization(url: string): Promise<void> {
  const consent = await fetch(url, { redirect: "manual" });
  await consent.body?.cancel();
  const location = consent.headers.get("location");
  assert.ok(
    location,
    `authorize answered ${consent.status} without a redirect`,
  );
  // What the browser tab shows once the CLI has its tokens.
  const page = await fetch(location);
  const html = await page.text();
  assert.equal(page.status, 200, html);
  assert.match(html, /You may close this tab/i);
}

async function waitFor(
  read: () => string,
  pattern: RegExp,
  child: Deno.ChildProcess,
): Promise<RegExpMatchArray> {
  for (let i = 0; i < 400; i++) {
    const match = read().match(pattern);
    if (match) return match;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  child.kill("SIGKILL");
  throw new Error(`Timed out waiting for ${pattern} in: ${read()}`);
}

/** Spawns the CLI and collects its output as it comes. */
function spawnCli(args: string[], env: Record<string, string>) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...CLI_PERMISSIONS,
      new URL("../cli.ts", import.meta.url).pathname,
      ...args,
    ],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const decoder = new TextDecoder();
  let stdout = "";
  let stderr = "";
  const pump = async (
    stream: ReadableStream<Uint8Array>,
    add: (text: string) => void,
  ) => {
    for await (const chunk of stream) {
      add(decoder.decode(chunk, { stream: true }));
    }
  };
  const done = Promise.all([
    pump(child.stdout, (t) => stdout += t),
    pump(child.stderr, (t) => stderr += t),
  ]).then(async () => (await child.status).code);
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

timedTestLong("cli against the emulator", async (t) => {
  const callbackPort = freePort();
  await using emulator = await startEmulator({
    // Ten minutes back, so the exporter's one-minute lag leaves every entry in the window.
    startTime: Date.now() - 600_000,
    items: 230,
    auditEntries: 300,
    oauthRedirectUris: [`http://127.0.0.1:${callbackPort}/callback`],
  });
  const dir = await Deno.makeTempDir({ prefix: "mondaykit-cli-" });
  const { apiToken, auditToken, oauth } = emulator.credentials;
  // Keys and default settings stay inside the temporary directory.
  const baseEnv: Record<string, string> = {
    HOME: dir,
    XDG_CONFIG_HOME: dir,
    MONDAYKIT_CONNECTION: "",
    MONDAY_API_TOKEN: "",
    MONDAY_AUDIT_TOKEN: "",
    MONDAY_DOMAIN: "",
    MONDAY_API_URL: "",
    MONDAY_AUTH_URL: "",
  };
  const graphqlEnv = {
    ...baseEnv,
    MONDAY_API_TOKEN: apiToken,
    MONDAY_API_URL: emulator.apiUrl,
  };
  const auditEnv = {
    ...baseEnv,
    MONDAY_AUDIT_TOKEN: auditToken,
    MONDAY_DOMAIN: emulator.domain,
  };
  const all: CliRun[] = [];
  const run = async (args: string[], options: RunOptions = {}) => {
    const result = await runCli(args, {
      ...options,
      env: { ...baseEnv, ...options.env },
    });
    all.push(result);
    return result;
  };
  const ok = (result: CliRun, label: string) =>
    assert.equal(
      result.code,
      0,
      `${label}: exit ${result.code}, stderr: ${result.stderr}`,
    );

  const boardId = "5000000001";

  await t.step(
    "query: inline, @file, stdin, --var, --vars-file, --json",
    async () => {
      const inline = await run(["query", "{ me { id name } }"], {
        env: graphqlEnv,
      });
      ok(inline, "inline");
      assert.equal(JSON.parse(inline.stdout).me.id, "40000001");
      assert.match(inline.stdout, /^\{\n {2}"me"/, "indented JSON by default");
      assert.equal(inline.stderr, "");

      const file = `${dir}/q.graphql`;
      await Deno.writeTextFile(
        file,
        "query ($ids: [ID!], $limit: Int) { boards(ids: $ids) { id items_page(limit: $limit) { items { id } } } }",
      );
      await Deno.writeTextFile(
        `${dir}/vars.json`,
        JSON.stringify({ ids: [boardId], limit: 7 }),
      );
      const fromFile = await run([
        "query",
        `@${file}`,
        "--vars-file",
        `${dir}/vars.json`,
        "--var",
        "limit=3",
        "--json",
      ], {
        env: graphqlEnv,
      });
      ok(fromFile, "@file");
      assert.equal(lines(fromFile.stdout).length, 1, "--json prints one line");
      const data = JSON.parse(fromFile.stdout);
      assert.equal(data.boards[0].id, boardId);
      assert.equal(
        data.boards[0].items_page.items.length,
        3,
        "--var wins over --vars-file",
      );

      const stdin = await run(["query", "-", "--var", `ids=["${boardId}"]`], {
        env: graphqlEnv,
        stdin: "query ($ids: [ID!]) { boards(ids: $ids) { name } }",
      });
      ok(stdin, "stdin");
      assert.equal(JSON.parse(stdin.stdout).boards[0].name, "Emulated Tasks");
    },
  );

  await t.step(
    "query --all-pages follows cursors and page numbers, one record per line",
    async () => {
      emulator.resetStats();
      const cursor = await run([
        "query",
        `query ($cursor: String) { boards(ids: ${boardId}) { items_page(limit: 100, cursor: $cursor) { cursor items { id } } } }`,
        "--all-pages",
      ], { env: graphqlEnv });
      ok(cursor, "cursor");
      const ids = lines(cursor.stdout).map((line) => JSON.parse(line).id);
      assert.equal(ids.length, 230);
      assert.equal(new Set(ids).size, 230);
      assert.equal(emulator.stats().requests.graphql, 3);
      assert.match(cursor.stderr, /230 records from 3 pages/);

      const pages = await run([
        "query",
        "query ($page: Int) { users(limit: 7, page: $page) { id } }",
        "--all-pages",
      ], {
        env: graphqlEnv,
      });
      ok(pages, "page");
      assert.equal(lines(pages.stdout).length, 20);

      const neither = await run(["query", "{ me { id } }", "--all-pages"], {
        env: graphqlEnv,
      });
      assert.equal(neither.code, 2);
      assert.match(
        neither.stderr,
        /'--all-pages' needs a '\$cursor: String' variable/,
      );
    },
  );

  await t.step(
    "query: API errors map to exit codes 1, 3 and 4 (and --json errors)",
    async () => {
      const badToken = await run([
        "query",
        "{ me { id } }",
        "--token",
        "not-a-valid-token-1234",
        "--api-url",
        emulator.apiUrl,
      ]);
      assert.equal(badToken.code, 3, badToken.stderr);
      assert.match(badToken.stderr, /^error: /);
      assert.ok(
        !badToken.stderr.includes("not-a-valid-token-1234"),
        "the token is not echoed",
      );

      const noToken = await run([
        "query",
        "{ me { id } }",
        "--api-url",
        emulator.apiUrl,
      ]);
      assert.equal(noToken.code, 3, noToken.stderr);

      const invalid = await run(["query", "{ nosuchfield }", "--json"], {
        env: graphqlEnv,
      });
      assert.equal(invalid.code, 1);
      const error = JSON.parse(invalid.stderr).error;
      assert.equal(typeof error.code, "string");
      assert.match(error.message, /nosuchfield/);

      emulator.setLimits({ dailyCalls: 1 }); // already used up by the calls above
      try {
        const daily = await run(["query", "{ me { id } }", "--json"], {
          env: graphqlEnv,
        });
        assert.equal(daily.code, 4, daily.stderr);
        assert.match(JSON.parse(daily.stderr).error.code, /daily/i);
      } finally {
        emulator.setLimits({ dailyCalls: 25_000 });
      }
    },
  );

  await t.step(
    "items export: JSONL on stdout, CSV to a file, --page-size, --json summary",
    async () => {
      emulator.resetStats();
      const jsonl = await run([
        "items",
        "export",
        "--board",
        boardId,
        "--page-size",
        "50",
      ], { env: graphqlEnv });
      ok(jsonl, "jsonl");
      const items = lines(jsonl.stdout).map((line) => JSON.parse(line));
      assert.equal(items.length, 230);
      assert.equal(new Set(items.map((item) => item.id)).size, 230);
      assert.ok(Array.isArray(items[0].column_values));
      assert.equal(
        emulator.stats().requests.graphql,
        1 + 5,
        "board info + 5 pages of 50",
      );
      assert.match(
        jsonl.stderr,
        /Exported 230 items of board 'Emulated Tasks' \(5000000001\) as JSONL/,
      );

      const out = `${dir}/items.csv`;
      const csv = await run([
        "items",
        "export",
        "--board",
        boardId,
        "--format",
        "csv",
        "--out",
        out,
        "--json",
      ], {
        env: graphqlEnv,
      });
      ok(csv, "csv");
      assert.deepEqual(JSON.parse(csv.stdout), {
        board: boardId,
        boardName: "Emulated Tasks",
        items: 230,
        format: "csv",
        out,
      });
      const text = await Deno.readTextFile(out);
      const rows = text.split("\r\n").filter((row) => row !== "");
      assert.equal(rows.length, 231);
      assert.match(rows[0]!, /^id,name,group,state,created_at,updated_at,/);
      assert.deepEqual(
        (await Array.fromAsync(Deno.readDir(dir))).filter((e) =>
          e.name.endsWith(".tmp")
        ),
        [],
      );

      const quiet = await run([
        "items",
        "export",
        "--board",
        boardId,
        "--out",
        `${dir}/q.jsonl`,
        "--quiet",
      ], {
        env: graphqlEnv,
      });
      ok(quiet, "quiet");
      assert.equal(quiet.stdout + quiet.stderr, "");

      const missing = await run(["items", "export", "--board", "42"], {
        env: graphqlEnv,
      });
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /Board '42' not found/);
    },
  );

  await t.step(
    "schema pull: SDL on stdout, to a file, JSON, a version",
    async () => {
      const sdl = await run(["schema", "pull"], { env: graphqlEnv });
      ok(sdl, "sdl");
      assert.match(sdl.stdout, /type Query/);
      const out = `${dir}/schema.graphql`;
      const saved = await run([
        "schema",
        "pull",
        "--version",
        "2026-07",
        "--out",
        out,
      ], { env: graphqlEnv });
      ok(saved, "saved");
      assert.match(await Deno.readTextFile(out), /type Query/);
      assert.match(
        saved.stderr,
        /Saved the 2026-07 schema \(SDL, \d+ types\) to /,
      );
      const json = await run(["schema", "pull", "--format", "json"], {
        env: graphqlEnv,
      });
      ok(json, "json");
      assert.ok(JSON.parse(json.stdout));
      const wrapped = await run(["schema", "pull", "--json"], {
        env: graphqlEnv,
      });
      ok(wrapped, "--json");
      assert.equal(lines(wrapped.stdout).length, 1, "one JSON line");
      const value = JSON.parse(wrapped.stdout);
      assert.equal(value.format, "sdl");
      assert.match(value.version, /^\d{4}-\d{2}$/);
      assert.match(value.schema, /type Query/);
      const bad = await run(["schema", "pull", "--version", "2023"], {
        env: graphqlEnv,
      });
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /'2023'/);
    },
  );

  await t.step(
    "auditlog export: checkpoint resumes without repeats; filters; CSV; GraphQL source",
    async () => {
      const out = `${dir}/audit.jsonl`;
      const checkpoint = `${dir}/audit.ckpt`;
      const first = await run([
        "auditlog",
        "export",
        "--out",
        out,
        "--checkpoint",
        checkpoint,
      ], { env: auditEnv });
      ok(first, "first");
      const firstLines = lines(await Deno.readTextFile(out));
      assert.ok(firstLines.length > 250, `exported ${firstLines.length}`);
      assert.match(
        first.stderr,
        new RegExp(`Exported ${firstLines.length} audit log entries`),
      );
      const timestamps = firstLines.map((line) => JSON.parse(line).timestamp);
      assert.deepEqual([...timestamps].sort(), timestamps, "oldest first");

      emulator.advance(1000);
      emulator.appendAuditEntries(5);
      const second = await run([
        "auditlog",
        "export",
        "--out",
        out,
        "--checkpoint",
        checkpoint,
        "--json",
      ], {
        env: auditEnv,
      });
      ok(second, "second");
      const summary = JSON.parse(second.stdout);
      const allLines = lines(await Deno.readTextFile(out));
      assert.equal(summary.entries, allLines.length - firstLines.length);
      assert.ok(summary.entries >= 5);
      // Nothing from the first run comes again (the emulator may append byte-identical entries,
      // which share an id, so compare across runs).
      const firstIds = new Set(firstLines.map((line) => JSON.parse(line).id));
      const newIds = allLines.slice(firstLines.length).map((line) =>
        JSON.parse(line).id
      );
      assert.deepEqual(
        newIds.filter((id) => firstIds.has(id)),
        [],
        "no entry repeated",
      );

      const third = await run([
        "auditlog",
        "export",
        "--out",
        out,
        "--checkpoint",
        checkpoint,
      ], { env: auditEnv });
      ok(third, "third");
      assert.match(third.stderr, /Exported 0 audit log entries/);

      const logins = await run([
        "auditlog",
        "export",
        "--event",
        "login",
        "--event",
        "logout",
        "--user",
        "40000001",
      ], {
        env: auditEnv,
      });
      ok(logins, "filters");
      const filtered = lines(logins.stdout).map((line) => JSON.parse(line));
      assert.ok(filtered.length > 0);
      for (const entry of filtered) {
        assert.ok(["login", "logout"].includes(entry.event));
        assert.equal(String(entry.user_id), "40000001");
      }
      const ip = filtered[0].ip_address as string;
      const byIp = await run([
        "auditlog",
        "export",
        "--ip",
        ip,
        "--format",
        "csv",
      ], { env: auditEnv });
      ok(byIp, "ip csv");
      const csvRows = byIp.stdout.split("\r\n").filter((row) => row !== "");
      assert.match(csvRows[0]!, /^id,timestamp,/);
      for (const row of csvRows.slice(1)) assert.ok(row.includes(ip));

      const since = timestamps[10]!;
      const until = timestamps[20]!;
      const window = await run([
        "auditlog",
        "export",
        "--since",
        since,
        "--until",
        until,
      ], { env: auditEnv });
      ok(window, "window");
      for (const line of lines(window.stdout)) {
        const ts = JSON.parse(line).timestamp;
        assert.ok(ts >= since && ts <= until, `${ts} in [${since}, ${until}]`);
      }

      const viaGraphql = await run([
        "auditlog",
        "export",
        "--source",
        "graphql",
        "--event",
        "login",
      ], { env: graphqlEnv });
      ok(viaGraphql, "graphql source");
      assert.deepEqual(
        lines(viaGraphql.stdout).map((line) => JSON.parse(line).id).filter((
          id: string,
        ) => filtered.some((entry) => entry.id === id)).length > 0,
        true,
      );

      const noToken = await run(["auditlog", "export"], { env: baseEnv });
      assert.equal(noToken.code, 3);
      assert.match(noToken.stderr, /No audit token/);
    },
  );

  await t.step(
    "auditlog export --follow stops on SIGINT with exit 130 and a consistent checkpoint",
    async () => {
      const out = `${dir}/follow.jsonl`;
      const checkpoint = `${dir}/follow.ckpt`;
      const cli = spawnCli([
        "auditlog",
        "export",
        "--follow",
        "--interval",
        "1",
        "--out",
        out,
        "--checkpoint",
        checkpoint,
      ], auditEnv);
      const exported = async () => {
        try {
          return JSON.parse(await Deno.readTextFile(checkpoint))
            .exported as number;
        } catch {
          return 0; // not written yet
        }
      };
      const waitForExported = async (atLeast: number) => {
        for (let i = 0; i < 400; i++) {
          if (await exported() >= atLeast) return;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        cli.child.kill("SIGKILL");
        throw new Error(`follow never exported ${atLeast}: ${cli.stderr()}`);
      };
      // Without a terminal no progress is drawn: wait for the first run's checkpoint.
      await waitForExported(1);
      const first = await exported();
      // New entries arrive; the next round, an interval later, picks them up.
      emulator.advance(1000);
      emulator.appendAuditEntries(4);
      await waitForExported(first + 4);
      cli.child.kill("SIGINT");
      const code = await cli.done;
      assert.equal(code, 130, cli.stderr());
      const saved = JSON.parse(await Deno.readTextFile(checkpoint));
      const text = await Deno.readTextFile(out);
      assert.ok(text.endsWith("\n"), "no half line");
      assert.equal(saved.exported, lines(text).length);

      // A refused token would fail every interval: follow mode stops with exit 3 instead.
      const refused = await run([
        "auditlog",
        "export",
        "--follow",
        "--audit-token",
        "not-the-audit-token-0000",
        "--domain",
        emulator.domain,
      ], { env: baseEnv });
      assert.equal(refused.code, 3, refused.stderr);
      assert.ok(!refused.stderr.includes("not-the-audit-token-0000"));
    },
  );

  await t.step(
    "items export interrupted by SIGINT: exit 130, no output file, no temp file",
    async () => {
      emulator.inject("graphql", { delayMs: 400, count: 20 });
      const out = `${dir}/interrupted.jsonl`;
      const cli = spawnCli([
        "items",
        "export",
        "--board",
        boardId,
        "--page-size",
        "10",
        "--out",
        out,
      ], graphqlEnv);
      while (emulator.stats().requests.graphql === 0) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const before = emulator.stats().requests.graphql;
      while (emulator.stats().requests.graphql < before + 2) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      cli.child.kill("SIGINT");
      const code = await cli.done;
      assert.equal(code, 130, cli.stderr());
      assert.match(cli.stderr(), /Interrupted/);
      await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
      assert.deepEqual(
        (await Array.fromAsync(Deno.readDir(dir))).filter((e) =>
          e.name.endsWith(".tmp")
        ),
        [],
      );
      // Let the injected delays drain so later steps are not slowed.
      await new Promise((resolve) => setTimeout(resolve, 500));
    },
  );

  const settings = `${dir}/settings/OAuthSettings.txt`;
  const oauthConnection = [
    "AuthScheme=OAuth",
    `OAuthClientId=${oauth.clientId}`,
    `OAuthClientSecret=${oauth.clientSecret}`,
    `CallbackURL=${oauth.redirectUris[0]}`,
    `AuthUrl=${emulator.authUrl}`,
    `ApiUrl=${emulator.apiUrl}`,
    "Scope=me:read boards:read",
  ].join(";");
  const authEnv = { ...baseEnv, MONDAYKIT_CONNECTION: oauthConnection };

  await t.step(
    "auth: login (desktop flow), status, query with OAuth, refresh, export/import, logout --revoke",
    async () => {
      const before = await run(["auth", "status", "--settings", settings], {
        env: authEnv,
      });
      assert.equal(before.code, 3);
      assert.match(before.stdout, /Not logged in/);

      const login = spawnCli([
        "auth",
        "login",
        "--no-browser",
        "--settings",
        settings,
      ], authEnv);
      const [url] = await waitFor(
        login.stderr,
        /http:\/\/127\.0\.0\.1:\d+\/oauth2\/authorize\?\S+/,
        login.child,
      );
      try {
        await followAuthorization(url);
      } catch (error) {
        login.child.kill("SIGKILL");
        await login.done;
        throw new Error(`login failed; CLI said: ${login.stderr()}`, {
          cause: error,
        });
      }
      assert.equal(await login.done, 0, login.stderr());
      assert.match(login.stderr(), /Logged in: access token …\S{4} \(expires /);

      const status = await run([
        "auth",
        "status",
        "--settings",
        settings,
        "--json",
      ], { env: authEnv });
      ok(status, "status");
      const value = JSON.parse(status.stdout);
      assert.equal(value.loggedIn, true);
      assert.equal(value.userId, "40000001");
      assert.equal(value.userName, "Edsger Knuth", "looked up with me");
      assert.equal(value.userEmail, "edsger.knuth0@example.com");
      assert.match(value.accessToken, /^….{4}$/);
      assert.match(value.refreshToken, /^….{4}$/);
      assert.ok(Date.parse(value.expiresAt) > Date.now());
      const human = await run(["auth", "status", "--settings", settings], {
        env: authEnv,
      });
      assert.match(
        human.stdout,
        /^Logged in as Edsger Knuth <edsger\.knuth0@example\.com> \(user 40000001\)\n/,
      );
      assert.match(human.stdout, /expires\s+20\d\d-/);

      const me = await run(["query", "{ me { id } }", "--settings", settings], {
        env: authEnv,
      });
      ok(me, "query with OAuth");
      assert.equal(JSON.parse(me.stdout).me.id, "40000001");

      const refreshesBefore = emulator.stats().refreshes;
      const refresh = await run([
        "auth",
        "refresh",
        "--settings",
        settings,
        "--json",
      ], { env: authEnv });
      ok(refresh, "refresh");
      assert.equal(JSON.parse(refresh.stdout).refreshed, true);
      assert.equal(emulator.stats().refreshes, refreshesBefore + 1);
      // The OAuth server failing on every attempt is a runtime failure (exit 1), not a refused login.
      emulator.inject("token", {
        status: 503,
        body: '{"error":"temporarily_unavailable"}',
        headers: { "content-type": "application/json", "retry-after": "0" },
        count: 5, // the OAuth client's attempts
      });
      const down = await run([
        "auth",
        "refresh",
        "--settings",
        settings,
        "--json",
      ], { env: authEnv });
      assert.equal(down.code, 1, down.stderr);
      assert.equal(
        JSON.parse(down.stderr).error.code,
        "temporarily_unavailable",
      );
      assert.equal(emulator.stats().refreshes, refreshesBefore + 1);

      const blob = `${dir}/transfer.bin`;
      const passEnv = {
        ...authEnv,
        MONDAYKIT_TRANSFER_PASSPHRASE: "correct horse battery staple",
      };
      const exported = await run([
        "auth",
        "export",
        "--out",
        blob,
        "--settings",
        settings,
      ], { env: passEnv });
      ok(exported, "export");
      if (Deno.build.os !== "windows") {
        assert.equal((await Deno.stat(blob)).mode! & 0o777, 0o600);
      }
      const other = `${dir}/other/OAuthSettings.txt`;
      const wrong = await run(["auth", "import", blob, "--settings", other], {
        env: {
          ...authEnv,
          MONDAYKIT_TRANSFER_PASSPHRASE: "wrong horse battery staple",
        },
      });
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /wrong passphrase/);
      await Deno.writeTextFile(
        `${dir}/pass.txt`,
        "correct horse battery staple\n",
      );
      const imported = await run([
        "auth",
        "import",
        blob,
        "--settings",
        other,
        "--passphrase-file",
        `${dir}/pass.txt`,
      ], {
        env: authEnv,
      });
      ok(imported, "import");
      const otherStatus = await run([
        "auth",
        "status",
        "--settings",
        other,
        "--json",
      ], { env: authEnv });
      assert.equal(
        JSON.parse(otherStatus.stdout).accessToken,
        JSON.parse(
          (await run(["auth", "status", "--settings", settings, "--json"], {
            env: authEnv,
          })).stdout,
        ).accessToken,
      );
      // The API refusing the stored token (revoked elsewhere) is exit 3; an unreachable API
      // only loses the name.
      await using refusing = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen: () => {} },
        () =>
          Response.json({
            errors: [{
              message: "Not Authenticated",
              extensions: { code: "USER_UNAUTHORIZED" },
            }],
          }, { status: 401 }),
      );
      const refused = await run([
        "auth",
        "status",
        "--settings",
        other,
        "--api-url",
        `http://127.0.0.1:${refusing.addr.port}/v2`,
      ], { env: authEnv });
      assert.equal(refused.code, 3, refused.stderr);
      assert.match(
        refused.stdout,
        /^Logged in as user 40000001.* the API REFUSED the access token/,
      );
      const offline = await run([
        "auth",
        "status",
        "--settings",
        other,
        "--api-url",
        `http://127.0.0.1:${freePort()}/v2`,
        "--json",
      ], { env: authEnv });
      ok(offline, "status offline");
      const offlineValue = JSON.parse(offline.stdout);
      assert.equal(offlineValue.loggedIn, true);
      assert.equal(offlineValue.userName, undefined);
      assert.equal(typeof offlineValue.userLookupError, "string");
      // Without network permission for the API, status asks nothing (and never prompts).
      const unpermitted = await run([
        "auth",
        "status",
        "--settings",
        other,
        "--json",
      ], {
        env: { ...authEnv, MONDAYKIT_CONNECTION: "" },
        permissions: CLI_PERMISSIONS.map((flag) =>
          flag === "--allow-net" ? "--allow-net=127.0.0.1" : flag
        ),
      });
      ok(unpermitted, "status without net permission");
      assert.match(
        JSON.parse(unpermitted.stdout).userLookupError,
        /no network permission for 'api\.monday\.com'/,
      );

      const noPass = await run([
        "auth",
        "export",
        "--out",
        `${dir}/x.bin`,
        "--settings",
        settings,
      ], { env: authEnv });
      assert.equal(noPass.code, 2);
      assert.match(noPass.stderr, /No passphrase/);

      const revokedBefore = emulator.stats().tokensRevoked;
      const logout = await run([
        "auth",
        "logout",
        "--revoke",
        "--settings",
        settings,
      ], { env: authEnv });
      ok(logout, "logout");
      assert.match(logout.stderr, /Revoked the tokens/);
      assert.ok(emulator.stats().tokensRevoked > revokedBefore);
      const after = await run(["auth", "status", "--settings", settings], {
        env: authEnv,
      });
      assert.equal(after.code, 3);
      const plain = await run(["auth", "logout", "--settings", other], {
        env: authEnv,
      });
      ok(plain, "logout without revoke");
      assert.match(plain.stderr, /Deleted the tokens/);
      const again = await run([
        "auth",
        "logout",
        "--settings",
        other,
        "--json",
      ], { env: authEnv });
      ok(again, "logout --json");
      assert.deepEqual(JSON.parse(again.stdout), {
        hadTokens: false,
        revoked: false,
        deleted: true,
      });
    },
  );

  await t.step("auth url + auth exchange (headless flow)", async () => {
    const headless = `${dir}/headless/OAuthSettings.txt`;
    const url = await run(["auth", "url", "--settings", headless], {
      env: authEnv,
    });
    ok(url, "url");
    assert.match(
      url.stdout,
      /^http:\/\/127\.0\.0\.1:\d+\/oauth2\/authorize\?.*code_challenge=/,
    );
    assert.match(url.stderr, /mondaykit auth exchange/);
    const consent = await fetch(url.stdout.trim(), { redirect: "manual" });
    await consent.body?.cancel();
    const exchange = await run([
      "auth",
      "exchange",
      consent.headers.get("location")!,
      "--settings",
      headless,
      "--json",
    ], {
      env: authEnv,
    });
    ok(exchange, "exchange");
    assert.equal(exchange.stderr, "", "--json: nothing but the JSON");
    const exchanged = JSON.parse(exchange.stdout);
    assert.equal(exchanged.loggedIn, true);
    assert.match(exchanged.accessToken, /^….{4}$/);
    const jsonUrl = await run(
      ["auth", "url", "--settings", headless, "--json"],
      {
        env: authEnv,
      },
    );
    ok(jsonUrl, "url --json");
    const pending = JSON.parse(jsonUrl.stdout);
    assert.match(pending.url, /code_challenge=/);
    assert.ok(Date.parse(pending.expiresAt) > Date.now());
    const replay = await run([
      "auth",
      "exchange",
      consent.headers.get("location")!,
      "--settings",
      headless,
    ], {
      env: authEnv,
    });
    assert.equal(replay.code, 3, replay.stderr);
    assert.match(replay.stderr, /state/i);
    const code = new URL(consent.headers.get("location")!).searchParams.get(
      "code",
    )!;
    assert.ok(!replay.stderr.includes(code), "the code is not echoed");
    // A bare code that no server knows: refused by the server, and not echoed either.
    await run(["auth", "url", "--settings", headless], { env: authEnv });
    const bogus = "bogus-authorization-code-0123456789";
    const refusedCode = await run([
      "auth",
      "exchange",
      bogus,
      "--settings",
      headless,
    ], { env: authEnv });
    assert.equal(refusedCode.code, 3, refusedCode.stderr);
    assert.ok(!refusedCode.stderr.includes(bogus), refusedCode.stderr);
    const missingClient = await run(["auth", "url", "--settings", headless], {
      env: baseEnv,
    });
    assert.equal(missingClient.code, 2);
    assert.match(missingClient.stderr, /--client-id/);
  });

  await t.step(
    "global flags override the environment and the connection string",
    async () => {
      const byFlags = await run([
        "query",
        "{ me { id } }",
        "--token",
        apiToken,
        "--api-url",
        emulator.apiUrl,
        "--api-version",
        "2026-07",
        "--timeout",
        "30",
      ]);
      ok(byFlags, "flags only");
      assert.equal(JSON.parse(byFlags.stdout).me.id, "40000001");
      const overrides = await run([
        "query",
        "{ me { id } }",
        "--token",
        apiToken,
      ], {
        env: { ...graphqlEnv, MONDAY_API_TOKEN: "some-other-token-that-fails" },
      });
      ok(overrides, "--token over MONDAY_API_TOKEN");
      const connection = await run([
        "query",
        "{ me { id } }",
        "--connection",
        `APIToken=wrong-token-0000;ApiUrl=${emulator.apiUrl}`,
        "--token",
        apiToken,
      ], { env: baseEnv });
      ok(connection, "--token over the connection string");
      const badVersion = await run([
        "query",
        "{ me { id } }",
        "--api-version",
        "2023",
      ], { env: graphqlEnv });
      assert.equal(badVersion.code, 2);
      assert.match(badVersion.stderr, /'2023'/);
      const badTimeout = await run([
        "query",
        "{ me { id } }",
        "--timeout",
        "soon",
      ], { env: graphqlEnv });
      assert.equal(badTimeout.code, 2);
      assert.match(badTimeout.stderr, /'soon' for flag '--timeout'/);
      const badConnection = await run([
        "query",
        "{ me { id } }",
        "--connection",
        "APITokn=x",
      ], { env: baseEnv });
      assert.equal(badConnection.code, 2);
      assert.match(
        badConnection.stderr,
        /unknown property 'APITokn' \(did you mean 'APIToken'\?\)/,
      );

      const audit = await run([
        "auditlog",
        "export",
        "--audit-token",
        auditToken,
        "--domain",
        emulator.domain,
        "--event",
        "login",
      ], { env: baseEnv });
      ok(audit, "--audit-token and --domain");
      assert.ok(lines(audit.stdout).length > 0);

      const settingsFile = `${dir}/flags/OAuthSettings.txt`;
      const url = await run([
        "auth",
        "url",
        "--client-id",
        oauth.clientId,
        "--client-secret",
        oauth.clientSecret,
        "--callback-url",
        oauth.redirectUris[0]!,
        "--auth-url",
        emulator.authUrl,
        "--scope",
        "boards:read",
        "--settings",
        settingsFile,
      ], { env: baseEnv });
      ok(url, "auth flags");
      const authorize = new URL(url.stdout.trim());
      assert.equal(authorize.origin, new URL(emulator.authUrl).origin);
      assert.equal(authorize.searchParams.get("client_id"), oauth.clientId);
      assert.equal(
        authorize.searchParams.get("redirect_uri"),
        oauth.redirectUris[0],
      );
      assert.equal(authorize.searchParams.get("scope"), "boards:read");
      const status = await run([
        "auth",
        "status",
        "--settings",
        settingsFile,
        "--json",
      ], { env: baseEnv });
      assert.equal(status.code, 3);
      assert.equal(JSON.parse(status.stdout).pendingAuthorizations, 1);
      if (Deno.build.os === "linux") {
        // Without --settings: OAuthSettings.txt in the user's config directory.
        const byDefault = await run(["auth", "status", "--json"], {
          env: baseEnv,
        });
        assert.equal(byDefault.code, 3);
        assert.equal(
          JSON.parse(byDefault.stdout).location,
          `${dir}/mondaykit/OAuthSettings.txt`,
        );
      }
    },
  );

  await t.step(
    "--verbose logs requests with secrets masked; nothing printed anywhere holds a secret",
    async () => {
      const verbose = await run(["query", "{ me { id } }", "--verbose"], {
        env: graphqlEnv,
      });
      ok(verbose, "verbose");
      assert.match(
        verbose.stderr,
        /http request POST http:\/\/127\.0\.0\.1:\d+\/v2/,
      );
      const secrets = [apiToken, auditToken, oauth.clientSecret];
      for (const result of all) {
        for (const secret of secrets) {
          assert.ok(!result.stdout.includes(secret), "secret on stdout");
          assert.ok(!result.stderr.includes(secret), "secret on stderr");
        }
      }
    },
  );

  await Deno.remove(dir, { recursive: true });
});

timedTestLong(
  "cli: --api-version and --token reach the server as given",
  async () => {
    await using server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (request) =>
        Response.json({
          data: {
            version: request.headers.get("api-version"),
            authorization: request.headers.get("authorization"),
          },
        }),
    );
    const result = await runCli([
      "query",
      "{ version }",
      "--api-url",
      `http://127.0.0.1:${server.addr.port}/v2`,
      "--api-version",
      "2026-07",
      "--token",
      "flag-token-0123456789",
      "--json",
    ], { env: { MONDAYKIT_CONNECTION: "", MONDAY_API_TOKEN: "env-token" } });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      version: "2026-07",
      authorization: "flag-token-0123456789",
    });
  },
);

timedTestLong(
  "cli: --api-version follows the library's one rule: 'current' is sent, 2026-02 refused before any request",
  async () => {
    let requests = 0;
    await using server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (request) => {
        requests++;
        return Response.json({
          data: { version: request.headers.get("api-version") },
        });
      },
    );
    const run = (version: string) =>
      runCli([
        "query",
        "{ version }",
        "--api-url",
        `http://127.0.0.1:${server.addr.port}/v2`,
        "--api-version",
        version,
        "--token",
        "flag-token-0123456789",
        "--json",
      ], { env: { MONDAYKIT_CONNECTION: "" } });
    const current = await run("current");
    assert.equal(current.code, 0, current.stderr);
    assert.deepEqual(JSON.parse(current.stdout), { version: "current" });
    const refused = await run("2026-02");
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /'apiVersion' must be 'YYYY-MM' with month 01, 04, 07 or 10, 'current' or 'dev', got '2026-02'/,
    );
    assert.equal(requests, 1);
  },
);

timedTestLong(
  "cli: --timeout is per request: a slower response is abandoned and the query retried",
  async () => {
    await using emulator = await startEmulator({ items: 3 });
    emulator.inject("graphql", { delayMs: 2500 });
    const slow = await runCli([
      "query",
      "{ me { id } }",
      "--timeout",
      "0.5",
      "--verbose",
    ], {
      env: {
        MONDAYKIT_CONNECTION: "",
        MONDAY_API_TOKEN: emulator.credentials.apiToken,
        MONDAY_API_URL: emulator.apiUrl,
      },
    });
    assert.equal(slow.code, 0, slow.stderr);
    assert.equal(JSON.parse(slow.stdout).me.id, "40000001");
    assert.match(slow.stderr, /http retry POST \S+ attempt 1 .*tim/i);
    assert.match(slow.stderr, /http response POST \S+ attempt 2 status 200/);
  },
);

timedTestLong(
  "cli: the emulator command prints URLs and credentials, serves, and stops on SIGTERM",
  async () => {
    const cli = spawnCli([
      "emulator",
      "--json",
      "--items",
      "12",
      "--seed",
      "7",
      "--audit-entries",
      "40",
    ], {});
    const [line] = await waitFor(cli.stdout, /^\{.*\}\n/, cli.child);
    const info = JSON.parse(line);
    assert.match(info.apiUrl, /^http:\/\/127\.0\.0\.1:\d+\/v2$/);
    assert.match(
      info.connections.graphql,
      /^APIToken=.*;ApiUrl=http:\/\/127\.0\.0\.1:\d+\/v2$/,
    );
    const result = await runCli([
      "items",
      "export",
      "--board",
      "5000000001",
      "--connection",
      info.connections.graphql,
    ], {
      env: { MONDAYKIT_CONNECTION: "" },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(lines(result.stdout).length, 12);
    const audit = await runCli([
      "auditlog",
      "export",
      "--connection",
      info.connections.audit,
    ], {
      env: { MONDAYKIT_CONNECTION: "" },
    });
    assert.equal(audit.code, 0, audit.stderr);
    assert.ok(
      lines(audit.stdout).length > 0 && lines(audit.stdout).length <= 40,
    );
    cli.child.kill("SIGTERM");
    assert.equal(await cli.done, 0, cli.stderr());
    assert.equal(cli.stderr(), "", "--json: nothing but the JSON line");

    const port = freePort();
    const human = spawnCli(["emulator", "--port", String(port)], {});
    await waitFor(
      human.stdout,
      /Connection strings:[\s\S]*auth login --connection '.*'\n/,
      human.child,
    );
    assert.match(
      human.stdout(),
      new RegExp(
        `mondaykit emulator listening on http://127\\.0\\.0\\.1:${port}`,
      ),
    );
    assert.match(human.stdout(), /API token\s+\S+/);
    await waitFor(human.stderr, /Serving until Ctrl-C/, human.child);
    human.child.kill("SIGINT");
    assert.equal(await human.done, 0);
    assert.match(human.stderr(), /Stopping the emulator/);
  },
);

timedTestLong(
  "cli: a response far over the byte limit is a clean failure (exit 1), not an out-of-memory crash",
  async () => {
    let sent = 0;
    await using server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              // an endless body: 1 MiB chunks until the client gives up
              sent += 1 << 20;
              controller.enqueue(new Uint8Array(1 << 20).fill(32));
            },
          }),
          { headers: { "content-type": "application/json" } },
        ),
    );
    const result = await runCli([
      "query",
      "{ me { id } }",
      "--api-url",
      `http://127.0.0.1:${server.addr.port}/v2`,
      "--token",
      "flag-token-0123456789",
    ], { env: { MONDAYKIT_CONNECTION: "" } });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /larger than the limit of 67108864 bytes/);
    assert.doesNotMatch(result.stderr, /out of memory|heap/i);
    // the client stopped reading soon after the limit
    assert.ok(sent < 200 * (1 << 20), `the server sent ${sent} bytes`);
  },
);
