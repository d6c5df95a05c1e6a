// deno-lint-ignore-file no-control-regex -- the escape codes are what these tests check
/**
 * What only shows on a terminal: progress and colours (NO_COLOR and --no-color turn
 * colours off; a pipe gets neither). Runs `main` in-process with the terminal flags
 * injected, since a subprocess's stderr is never a terminal here.
 */

import assert from "node:assert/strict";
import { main, type MainOptions } from "../../cli.ts";
import { startEmulator } from "../../emulator/mod.ts";
import { Output } from "../../_cli/output.ts";

async function run(
  args: string[],
  options: Omit<MainOptions, "stdout" | "stderr"> & {
    envVars?: Record<string, string>;
  },
) {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const sink = (chunks: Uint8Array[]) => ({
    write: (
      bytes: Uint8Array,
    ) => (chunks.push(bytes.slice()), Promise.resolve(bytes.length)),
  });
  const vars = options.envVars ?? {};
  const code = await main(args, {
    ...options,
    stdout: sink(out),
    stderr: sink(err),
    env: (name) => vars[name],
    signal: new AbortController().signal,
  });
  const text = (chunks: Uint8Array[]) =>
    new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
  return { code, stdout: text(out), stderr: text(err) };
}

Deno.test("output: progress and colours on a terminal only, NO_COLOR and --no-color respected", async () => {
  await using emulator = await startEmulator({ items: 120 });
  const dir = await Deno.makeTempDir();
  const env = {
    MONDAY_API_TOKEN: emulator.credentials.apiToken,
    MONDAY_API_URL: emulator.apiUrl,
  };
  const args = [
    "items",
    "export",
    "--board",
    "5000000001",
    "--page-size",
    "25",
    "--out",
    `${dir}/items.jsonl`,
  ];

  const terminal = await run(args, { envVars: env, stderrIsTerminal: true });
  assert.equal(terminal.code, 0, terminal.stderr);
  assert.match(
    terminal.stderr,
    /\r\x1b\[2K.*\d+\/120 items/,
    "a progress line with the total",
  );
  assert.match(
    terminal.stderr,
    /\r\x1b\[2KExported 120 items/,
    "the progress line is cleared before the summary",
  );

  const piped = await run(args, { envVars: env, stderrIsTerminal: false });
  assert.equal(piped.code, 0);
  assert.equal(
    piped.stderr,
    `Exported 120 items of board 'Emulated Tasks' (5000000001) as JSONL to ${dir}/items.jsonl\n`,
  );

  const jsonOnTerminal = await run([...args, "--json"], {
    envVars: env,
    stderrIsTerminal: true,
  });
  assert.equal(jsonOnTerminal.stderr, "", "no progress under --json");

  const bad = ["items", "export", "--board", "1", "--format", "xml"];
  const colored = await run(bad, { envVars: {}, stderrIsTerminal: true });
  assert.equal(colored.code, 2);
  assert.match(colored.stderr, /^\x1b\[31merror:\x1b\[0m /);
  const noColor = await run(bad, {
    envVars: { NO_COLOR: "1" },
    stderrIsTerminal: true,
  });
  assert.match(noColor.stderr, /^error: /);
  const noColorFlag = await run([...bad, "--no-color"], {
    envVars: {},
    stderrIsTerminal: true,
  });
  assert.match(noColorFlag.stderr, /^error: /);
  const pipe = await run(bad, { envVars: {}, stderrIsTerminal: false });
  assert.match(pipe.stderr, /^error: /);
  assert.ok(!pipe.stderr.includes("\x1b"));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("output: the audit export draws progress on a terminal only", async () => {
  // Ten minutes back, so the exporter's one-minute lag leaves the entries in the window.
  await using emulator = await startEmulator({
    startTime: Date.now() - 600_000,
    auditEntries: 120,
  });
  const dir = await Deno.makeTempDir();
  const env = {
    MONDAY_AUDIT_TOKEN: emulator.credentials.auditToken,
    MONDAY_DOMAIN: emulator.domain,
  };
  const args = (name: string) => [
    "auditlog",
    "export",
    "--out",
    `${dir}/${name}.jsonl`,
  ];
  const terminal = await run(args("terminal"), {
    envVars: env,
    stderrIsTerminal: true,
  });
  assert.equal(terminal.code, 0, terminal.stderr);
  assert.match(terminal.stderr, /\r\x1b\[2K(?!Exported)\S/, "a progress line");
  assert.match(terminal.stderr, /\r\x1b\[2KExported \d+ audit log entries/);
  const piped = await run(args("piped"), {
    envVars: env,
    stderrIsTerminal: false,
  });
  assert.equal(piped.code, 0, piped.stderr);
  assert.ok(!piped.stderr.includes("\r"), "no progress in a pipe");
  assert.ok(!piped.stderr.includes("\x1b"), "no escape codes in a pipe");
  assert.match(piped.stderr, /^Exported \d+ audit log entries/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("output: an aborted signal ends a command with exit 130 and no partial file", async () => {
  await using emulator = await startEmulator({ items: 300 });
  const dir = await Deno.makeTempDir();
  emulator.inject("graphql", { delayMs: 200, count: 3 });
  const controller = new AbortController();
  const out: string[] = [];
  const pending = main([
    "items",
    "export",
    "--board",
    "5000000001",
    "--page-size",
    "10",
    "--out",
    `${dir}/x.jsonl`,
  ], {
    stdout: { write: (b) => Promise.resolve(b.length) },
    stderr: {
      write: (
        b,
      ) => (out.push(new TextDecoder().decode(b)), Promise.resolve(b.length)),
    },
    env: (name) =>
      ({
        MONDAY_API_TOKEN: emulator.credentials.apiToken,
        MONDAY_API_URL: emulator.apiUrl,
      })[name],
    signal: controller.signal,
  });
  setTimeout(() => controller.abort(), 250);
  assert.equal(await pending, 130);
  assert.match(out.join(""), /error: Interrupted/);
  assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
  await new Promise((resolve) => setTimeout(resolve, 450)); // let the emulator's injected delays finish
  await Deno.remove(dir, { recursive: true });
});

/** What a hostile server sends: retitle the window, clear the screen, a C1 CSI, a fake prompt. */
const HOSTILE = "\x1b]0;owned\x07\x1b[2J\x9b31m\x7fPassword: \r\x00";
/** Raw control characters other than newline and tab. */
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

function startHostileServer(reply: (request: Request) => unknown) {
  return Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => Response.json(reply(request)),
  );
}

Deno.test("output: a server's error message cannot drive the terminal; --json keeps it exact", async () => {
  await using server = startHostileServer(() => ({
    data: null,
    errors: [{ message: `Nope ${HOSTILE}`, extensions: { code: HOSTILE } }],
  }));
  const env = {
    MONDAY_API_TOKEN: "hostile-test-token-0001",
    MONDAY_API_URL: `http://127.0.0.1:${server.addr.port}/v2`,
  };
  for (const stderrIsTerminal of [false, true]) {
    for (const verbose of [[], ["--verbose"]]) {
      const human = await run(["query", "{ me { id } }", ...verbose], {
        envVars: env,
        stderrIsTerminal,
      });
      assert.equal(human.code, 1, human.stderr);
      // Our own colours are the only escape sequences left.
      const ours = human.stderr.replace(/\x1b\[\d+m/g, "");
      assert.doesNotMatch(ours, RAW_CONTROL, JSON.stringify(human.stderr));
      assert.ok(
        human.stderr.includes(
          "Nope \\x1b]0;owned\\x07\\x1b[2J\\x9b31m\\x7fPassword: \\x0d\\x00",
        ),
        JSON.stringify(human.stderr),
      );
    }
  }
  const json = await run(["query", "{ me { id } }", "--json"], {
    envVars: env,
    stderrIsTerminal: true,
  });
  assert.equal(json.code, 1);
  assert.doesNotMatch(json.stderr, RAW_CONTROL, JSON.stringify(json.stderr));
  assert.deepEqual(JSON.parse(json.stderr), {
    error: { code: HOSTILE, message: `Nope ${HOSTILE}` },
  });
});

Deno.test("output: data on stdout stays exact (JSON), with DEL and C1 written as \\u escapes", async () => {
  const name = `Board ${HOSTILE} \u00e9\u2028`;
  await using server = startHostileServer(() => ({ data: { name } }));
  const env = {
    MONDAY_API_TOKEN: "hostile-test-token-0002",
    MONDAY_API_URL: `http://127.0.0.1:${server.addr.port}/v2`,
  };
  for (const flags of [[], ["--json"]]) {
    const result = await run(["query", "{ name }", ...flags], {
      envVars: env,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { name });
    assert.doesNotMatch(result.stdout, RAW_CONTROL);
  }
});

Deno.test("output: names from the server in human summaries are escaped; --json summaries keep them exact", async () => {
  await using emulator = await startEmulator({ items: 2 });
  const dir = await Deno.makeTempDir();
  const hostile = `Tasks ${HOSTILE}`;
  const created = await fetch(emulator.apiUrl, {
    method: "POST",
    headers: {
      authorization: emulator.credentials.apiToken,
      "content-type": "application/json",
    },
    body: JSON.stringify({
      query:
        "mutation ($name: String!) { create_board(board_name: $name, board_kind: public) { id } }",
      variables: { name: hostile },
    }),
  }).then((r) => r.json());
  const board = created.data.create_board.id as string;
  const env = {
    MONDAY_API_TOKEN: emulator.credentials.apiToken,
    MONDAY_API_URL: emulator.apiUrl,
  };
  const args = ["items", "export", "--board", board, "--out", `${dir}/i.jsonl`];
  const human = await run(args, { envVars: env, stderrIsTerminal: true });
  assert.equal(human.code, 0, human.stderr);
  assert.doesNotMatch(
    human.stderr.replace(/\r\x1b\[2K/g, ""),
    RAW_CONTROL,
    JSON.stringify(human.stderr),
  );
  assert.match(human.stderr, /board 'Tasks \\x1b\]0;owned\\x07/);
  const json = await run([...args, "--json"], { envVars: env });
  assert.equal(json.code, 0, json.stderr);
  assert.doesNotMatch(json.stdout, RAW_CONTROL);
  assert.match(json.stdout, /"Tasks \\u001b\]0;owned\\u0007/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("output: errors, warnings and debug lines (the --verbose stack) mask the run's secrets", async () => {
  const secret = "stack-secret-token-value-4242";
  const chunks: Uint8Array[] = [];
  const writer = {
    write: (
      b: Uint8Array,
    ) => (chunks.push(b.slice()), Promise.resolve(b.length)),
  };
  const io = {
    stdout: writer,
    stderr: writer,
    stdin: new ReadableStream<Uint8Array>(),
    env: () => undefined,
    stdinIsTerminal: false,
    stderrIsTerminal: false,
  };
  const out = new Output(io, {
    json: false,
    quiet: false,
    verbose: true,
    color: false,
    secrets: [secret],
  });
  const error = new Error(`failed with ${secret}`);
  await out.error("failed", error.message);
  await out.debug(error.stack!);
  await out.warn(`deprecated: ${encodeURIComponent(secret)}`);
  const text = new TextDecoder().decode(
    new Uint8Array(chunks.flatMap((c) => [...c])),
  );
  assert.ok(!text.includes(secret), text);
  assert.ok(!text.includes(secret.slice(0, 20)), text);
  assert.match(text, /error: failed with …4242\n/);
  assert.match(text, /Error: failed with …4242\n\s+at /);
  assert.match(text, /warning: deprecated: …4242/);
});
