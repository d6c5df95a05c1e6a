// deno-lint-ignore-file no-control-regex -- the escape codes are what these tests check
/**
 * What only shows on a terminal: progress and colours (NO_COLOR and --no-color turn
 * colours off; a pipe gets neither). Runs `main` in-process with the terminal flags
 * injected, since a subprocess's stderr is never a terminal here.
 */

import assert from "node:assert/strict";
import { main, type MainOptions } from "../../cli.ts";
import { startEmulator } from "../../emulator/mod.ts";

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
