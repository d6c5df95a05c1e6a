// `mondaykit sync` and `mondaykit sql`, run in-process against the emulator.
import assert from "node:assert/strict";
import { main } from "../../cli.ts";
import { maskLocation } from "../../_cli/commands/sync.ts";
import { MondayClient } from "../../graphql/mod.ts";
import { startEmulator } from "../../emulator/mod.ts";
import { openTestPostgres, postgresSkip } from "./_mirror.ts";

async function run(
  args: string[],
  env: Record<string, string> = {},
  stdoutIsTerminal = false,
) {
  const chunks: Record<"out" | "err", Uint8Array[]> = { out: [], err: [] };
  const sink = (key: "out" | "err") => ({
    write: (bytes: Uint8Array) => (
      chunks[key].push(bytes.slice()), Promise.resolve(bytes.length)
    ),
  });
  const code = await main(args, {
    stdout: sink("out"),
    stderr: sink("err"),
    env: (name) => env[name],
    stderrIsTerminal: false,
    stdinIsTerminal: false,
    stdoutIsTerminal,
    signal: new AbortController().signal,
  });
  const text = (key: "out" | "err") =>
    new TextDecoder().decode(
      new Uint8Array(chunks[key].flatMap((chunk) => [...chunk])),
    );
  return { code, stdout: text("out"), stderr: text("err") };
}

Deno.test("cli: sync then sql, in every format, read-only, formula-safe", async () => {
  await using emulator = await startEmulator({ items: 30, boards: 2 });
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
  });
  const dir = await Deno.makeTempDir({ prefix: "mondaykit-sql-" });
  const db = `${dir}/monday.db`;
  const env = {
    MONDAYKIT_CONNECTION:
      `APIToken=${emulator.credentials.apiToken};ApiUrl=${emulator.apiUrl}`,
  };
  try {
    // sql before any sync: a clear error, no file created.
    const missing = await run(["sql", "--db", db, "SELECT 1"], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no such database/);
    await assert.rejects(Deno.stat(db), Deno.errors.NotFound);

    const board = "5000000001";
    await client.request(
      `mutation { create_item(board_id: ${board}, item_name: "=HYPERLINK(\\"http://x\\")") { id } }`,
    );
    await client.request(
      `mutation { create_item(board_id: ${board}, item_name: "Bell\\u001b[31m red") { id } }`,
    );
    const synced = await run(["sync", "--to", db, "--json"], env);
    assert.equal(synced.code, 0, synced.stderr);
    const summary = JSON.parse(synced.stdout);
    assert.equal(summary.itemsWritten, 37);
    assert.equal(summary.database, db);

    const csv = await run([
      "sql",
      "--db",
      db,
      "--format",
      "csv",
      `SELECT name, -1 AS minus FROM board_${board} WHERE name LIKE '=%'`,
    ], env);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(
      csv.stdout,
      `name,minus\r\n"'=HYPERLINK(""http://x"")",-1\r\n`,
    );

    const json = await run([
      "sql",
      "--db",
      db,
      "--format",
      "json",
      `SELECT count(*) AS n FROM items WHERE board_id = '${board}'`,
    ], env);
    assert.deepEqual(JSON.parse(json.stdout), [{ n: 32 }]);
    const jsonl = await run([
      "sql",
      "--db",
      db,
      "--format",
      "jsonl",
      `SELECT id FROM items ORDER BY id LIMIT 2`,
    ], env);
    assert.equal(jsonl.stdout.trim().split("\n").length, 2);

    // The table escapes control characters (no escape sequence reaches a terminal).
    const table = await run([
      "sql",
      "--db",
      db,
      "--format",
      "table",
      `SELECT name FROM board_${board} WHERE name LIKE 'Bell%'`,
    ], env);
    assert.equal(table.code, 0, table.stderr);
    assert.ok(!table.stdout.includes("\x1b"));
    assert.match(table.stdout, /Bell\\x1b\[31m red/);
    assert.match(table.stdout, /\(1 row\)/);

    // Without --format: an aligned table on a terminal, CSV in a pipe.
    const count = `SELECT count(*) AS n FROM items WHERE board_id = '${board}'`;
    const onTerminal = await run(["sql", "--db", db, count], env, true);
    assert.equal(onTerminal.stdout, " n\n--\n32\n(1 row)\n");
    const inPipe = await run(["sql", "--db", db, count], env, false);
    assert.equal(inPipe.stdout, "n\r\n32\r\n");

    // Read-only: a write is refused and changes nothing.
    const write = await run(["sql", "--db", db, "DELETE FROM items"], env);
    assert.equal(write.code, 1);
    assert.match(write.stderr, /SQL error: .*read ?only/i);
    const still = await run(
      ["sql", "--db", db, "--format", "csv", "SELECT count(*) FROM items"],
      env,
    );
    assert.equal(still.stdout, "count(*)\r\n37\r\n");

    // --refresh syncs the tables the statement names first.
    const { boards } = await client.request<
      { boards: { items_page: { items: { id: string }[] } }[] }
    >(`query { boards(ids: [${board}]) { items_page(limit: 1) { items { id } } } }`);
    const id = boards[0]!.items_page.items[0]!.id;
    await client.request(
      `mutation { change_multiple_column_values(board_id: ${board}, item_id: ${id}, column_values: "{\\"text\\": \\"fresh\\"}") { id } }`,
    );
    emulator.advance(1000);
    const refreshed = await run([
      "sql",
      "--db",
      db,
      "--refresh",
      "--format",
      "csv",
      `SELECT text FROM board_${board} WHERE id = '${id}'`,
    ], env);
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.equal(refreshed.stdout, "text\r\nfresh\r\n");
    assert.match(
      refreshed.stderr,
      /Synced 1 boards .*\(0 read whole, 1 incremental/,
    );

    // With an audit token, audit_logs fills from the Audit Log API.
    const withAudit = await run([
      "sync",
      "--to",
      db,
      "--tables",
      "audit_logs",
      "--domain",
      emulator.domain,
      "--audit-token",
      emulator.credentials.auditToken,
      "--json",
    ], env);
    assert.equal(withAudit.code, 0, withAudit.stderr);
    const audited = JSON.parse(withAudit.stdout);
    assert.ok(audited.auditEntries > 0);
    assert.ok(!withAudit.stdout.includes(emulator.credentials.auditToken));

    // Bad flags are usage errors.
    const bad = await run(["sync", "--to", db, "--full-every", "soon"], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--full-every/);
    const none = await run(["sync", "--to", db, "--concurrency", "0"], env);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--concurrency.*integer from 1/);

    // --concurrency bounds the requests in flight; the result is the same.
    const narrow = await run(
      ["sync", "--to", db, "--full", "--concurrency", "1", "--json"],
      env,
    );
    assert.equal(narrow.code, 0, narrow.stderr);
    assert.ok(JSON.parse(narrow.stdout).fullBoards >= 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: a PostgreSQL password never appears in output", async () => {
  await using emulator = await startEmulator({ items: 1, boards: 1 });
  const env = {
    MONDAYKIT_CONNECTION:
      `APIToken=${emulator.credentials.apiToken};ApiUrl=${emulator.apiUrl}`,
  };
  // Nothing listens on port 9 of loopback: the connection is refused.
  const url = "postgres://mirror:s3cr%40t-pw@127.0.0.1:9/monday";
  for (
    const args of [
      ["sync", "--to", url],
      ["sync", "--to", url, "--json"],
      ["sql", "--db", url, "SELECT 1"],
    ]
  ) {
    const result = await run(args, env);
    assert.notEqual(result.code, 0);
    const all = result.stdout + result.stderr;
    assert.ok(!all.includes("s3cr"), all);
    assert.ok(!all.includes("s3cr%40t"), all);
  }
});

Deno.test({
  name: "cli: sync and sql on PostgreSQL",
  ignore: !!postgresSkip,
  async fn() {
    await using emulator = await startEmulator({ items: 12, boards: 1 });
    const env = {
      MONDAYKIT_CONNECTION:
        `APIToken=${emulator.credentials.apiToken};ApiUrl=${emulator.apiUrl}`,
    };
    // A schema of its own, through the URL's options.
    const setup = await openTestPostgres();
    const url = (setup as { label: string }).label;
    await setup.close();
    const synced = await run(["sync", "--to", url], env);
    assert.equal(synced.code, 0, synced.stderr);
    assert.match(synced.stdout, /^Synced 1 boards to postgres:\/\//);
    const result = await run(
      [
        "sql",
        "--db",
        url,
        "--format",
        "csv",
        "SELECT count(*) AS n FROM board_5000000001",
      ],
      env,
    );
    assert.equal(result.stdout, "n\r\n12\r\n");
    const write = await run(["sql", "--db", url, "DELETE FROM items"], env);
    assert.equal(write.code, 1);
    assert.match(write.stderr, /read-only transaction/);
  },
});

Deno.test({
  name:
    "cli: the compiled binary's --allow-env list lets the PostgreSQL driver connect",
  ignore: !!postgresSkip,
  async fn() {
    const root = new URL("../../", import.meta.url);
    const config = JSON.parse(
      await Deno.readTextFile(new URL("deno.json", root)),
    );
    const allowEnv = /--allow-env=(\S+)/.exec(config.tasks.compile)?.[0];
    assert.ok(allowEnv);
    const env = (name: string) => Deno.env.get(name) ?? "";
    const url = `postgres://${env("PGUSER")}@${env("PGHOST")}:${
      env("PGPORT")
    }/${env("PGDATABASE")}`;
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-check",
        "--allow-net",
        "--allow-read",
        "--allow-write",
        allowEnv,
        new URL("cli.ts", root).pathname,
        "sql",
        "--db",
        url,
        "--format",
        "csv",
        "SELECT 41 + 1 AS answer",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    assert.equal(new TextDecoder().decode(output.stdout), "answer\r\n42\r\n");
  },
});

Deno.test("cli: a database password is masked in messages even with a malformed escape in it", () => {
  const url = "postgres://mirror:p%ZZw0rd-secret@db.internal/monday";
  const out = maskLocation(
    `could not connect to ${url}: password authentication failed for 'p%ZZw0rd-secret'`,
    url,
  );
  assert.ok(!out.includes("p%ZZw0rd"), out);
  assert.match(out, /postgres:\/\/mirror:\*\*\*\*@db\.internal\/monday/);
  // a file path holds no secret and is left alone
  assert.equal(
    maskLocation("no such file monday.db", "monday.db"),
    "no such file monday.db",
  );
});
