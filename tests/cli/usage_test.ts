import assert from "node:assert/strict";
import { runCli, runMany } from "./_run.ts";
import { main } from "../../cli.ts";
import { COMMANDS, GROUPS } from "../../_cli/spec.ts";

/** Runs `main` in-process (help needs no network or permissions). */
async function runInProcess(args: string[]) {
  const chunks: Record<"out" | "err", Uint8Array[]> = { out: [], err: [] };
  const sink = (key: "out" | "err") => ({
    write: (bytes: Uint8Array) => (
      chunks[key].push(bytes.slice()), Promise.resolve(bytes.length)
    ),
  });
  const code = await main(args, {
    stdout: sink("out"),
    stderr: sink("err"),
    env: () => undefined,
    signal: new AbortController().signal,
  });
  const text = (key: "out" | "err") =>
    new TextDecoder().decode(
      new Uint8Array(chunks[key].flatMap((chunk) => [...chunk])),
    );
  return { code, stdout: text("out"), stderr: text("err") };
}

const GLOBAL_FLAGS = [
  "--connection",
  "--token",
  "--domain",
  "--settings",
  "--api-version",
  "--api-url",
  "--auth-url",
  "--proxy",
  "--timeout",
  "--json",
  "--quiet",
  "--verbose",
  "--help",
];

Deno.test("cli: --help and -h work on every command and group, listing the global flags", async () => {
  const names = Object.keys(COMMANDS);
  assert.equal(names.length, 15, "every command of the issue is here");
  for (const name of names) {
    for (const help of ["--help", "-h"]) {
      // The help flag wins wherever it stands, even after a required argument is missing.
      const result = await runInProcess([...name.split(" "), help]);
      const label = `mondaykit ${name} ${help}`;
      assert.equal(result.code, 0, `${label}: ${result.stderr}`);
      assert.equal(result.stderr, "", label);
      assert.match(
        result.stdout,
        new RegExp(`^Usage: mondaykit ${name}`),
        label,
      );
      for (const flag of GLOBAL_FLAGS) {
        assert.ok(result.stdout.includes(flag), `${label} lists ${flag}`);
      }
      assert.match(result.stdout, /130\s+interrupted/, `${label}: exit codes`);
    }
  }
  for (const group of Object.keys(GROUPS)) {
    const result = await runInProcess([group, "--help"]);
    assert.equal(result.code, 0, group);
    for (const sub of GROUPS[group]!) {
      assert.ok(
        result.stdout.includes(`${group} ${sub}`),
        `${group} --help lists ${sub}`,
      );
    }
  }
});

Deno.test("cli: --version, --help and per-command help go to stdout with exit 0", async () => {
  const [version, versionJson, help, groupHelp, commandHelp, helpCommand] =
    await runMany([
      ["--version"],
      ["--version", "--json"],
      ["--help"],
      ["auth", "--help"],
      ["items", "export", "--help"],
      ["help", "auditlog", "export"],
    ]);
  assert.equal(version!.code, 0);
  assert.match(version!.stdout, /^mondaykit 0\.3\.0 \(Deno \d+\.\d+\.\d+\)\n$/);
  assert.equal(version!.stderr, "");
  assert.equal(JSON.parse(versionJson!.stdout).version, "0.3.0");
  assert.equal(help!.code, 0);
  for (
    const command of [
      "query",
      "items export",
      "auditlog export",
      "auth login",
      "schema pull",
      "emulator",
    ]
  ) {
    assert.ok(help!.stdout.includes(command), `main help lists ${command}`);
  }
  assert.match(help!.stdout, /130\s+interrupted/);
  assert.equal(groupHelp!.code, 0);
  assert.match(groupHelp!.stdout, /auth exchange/);
  assert.equal(commandHelp!.code, 0);
  assert.match(
    commandHelp!.stdout,
    /^Usage: mondaykit items export --board <id>/,
  );
  assert.match(commandHelp!.stdout, /--page-size <n>/);
  assert.match(commandHelp!.stdout, /--connection <string>/);
  assert.equal(helpCommand!.code, 0);
  assert.match(helpCommand!.stdout, /--checkpoint <file>/);
});

Deno.test("cli: a bad invocation of each command is a usage error (exit 2) with a clear message", async () => {
  const cases: [string[], RegExp][] = [
    [[], /Missing command/],
    [
      ["qurey", "{ me { id } }"],
      /Unknown command 'qurey' \(did you mean 'query'\?\)/,
    ],
    [
      ["--tokn", "x", "query", "{}"],
      /Unknown flag '--tokn' \(did you mean '--token'\?\)/,
    ],
    [["query"], /Missing argument <document> for 'mondaykit query'/],
    [["query", "a", "b"], /Unexpected argument 'b' for 'mondaykit query'/],
    [["query", "{ me { id } }", "--var", "novalue"], /--var.*name=value/],
    [
      ["query", "{ me { id } }", "--vars"],
      /Unknown flag '--vars'.*did you mean '--var/,
    ],
    [
      ["query", "@/nonexistent/q.graphql"],
      /Cannot read.*\/nonexistent\/q\.graphql/,
    ],
    [["items", "export"], /Missing flag '--board <id>'/],
    [
      ["items", "export", "--board", "1", "--format", "xml"],
      /'xml' for flag '--format': expected one of 'jsonl', 'csv'/,
    ],
    [
      ["items", "export", "--board", "1", "--page-size", "0"],
      /'0' for flag '--page-size': expected an integer from 1 to 500/,
    ],
    [
      ["items", "export", "--bord", "1"],
      /Unknown flag '--bord'.*did you mean '--board'/,
    ],
    [["items"], /Missing command after 'mondaykit items'/],
    [["items", "import"], /Unknown command 'mondaykit items import'/],
    [["auditlog", "export", "--source", "soap"], /'soap' for flag '--source'/],
    [
      ["auditlog", "export", "--interval=-1", "--follow"],
      /'-1' for flag '--interval'/,
    ],
    [
      ["auditlog", "export", "--interval", "-1", "--follow"],
      /Missing value for flag '--interval'.*'--interval=-1'/,
    ],
    [
      ["auditlog", "export", "--interval", "5"],
      /'--interval' only applies with '--follow'/,
    ],
    [["auditlog", "export", "--since", "yesterday"], /since/i],
    [
      ["auditlog", "export", "--follow=yes"],
      /Flag '--follow'.* takes no value/,
    ],
    [["auditlog", "exprt"], /did you mean 'auditlog export'/],
    [["auth"], /Missing command after 'mondaykit auth'/],
    [["auth", "logn"], /did you mean 'auth login'/],
    [["auth", "exchange"], /Missing argument <code>/],
    [
      ["auth", "login", "now"],
      /Unexpected argument 'now' for 'mondaykit auth login'/,
    ],
    [["auth", "login", "--no-browsr"], /did you mean '--no-browser'/],
    [["auth", "url", "--scope"], /Missing value for flag '--scope'/],
    [
      ["auth", "refresh", "--force"],
      /Unknown flag '--force' for 'mondaykit auth refresh'/,
    ],
    [["auth", "exchange", "a", "b"], /Unexpected argument 'b'/],
    [["auth", "export"], /Missing flag '--out <file>'/],
    [["auth", "import"], /Missing argument <file>/],
    [
      ["auth", "status", "extra"],
      /Unexpected argument 'extra'.*takes no arguments/,
    ],
    [["auth", "logout", "--revok"], /did you mean '--revoke'/],
    // Without a client id, the values given are still checked.
    [["auth", "status", "--api-version", "2023"], /'2023'/],
    [["auth", "status", "--auth-url", "http://auth.example.com"], /https/],
    [["schema", "pull", "--version"], /Missing value for flag '--version'/],
    [["schema", "pull", "--format", "yaml"], /'yaml' for flag '--format'/],
    [["schema"], /Missing command after 'mondaykit schema'/],
    [
      ["emulator", "--port", "70000"],
      /'70000' for flag '--port': expected an integer from 0 to 65535/,
    ],
    [["emulator", "--items", "many"], /'many' for flag '--items'/],
    [["emulator", "--consent", "maybe"], /'maybe' for flag '--consent'/],
    [["emulator", "--latency", "fast"], /'fast' for flag '--latency'/],
    [["emulator", "--latency", "90000"], /'90000' for flag '--latency'/],
  ];
  const results = await runMany(cases.map(([args]) => args), {
    env: {
      MONDAYKIT_CONNECTION: "",
      MONDAY_API_TOKEN: "",
      MONDAY_AUDIT_TOKEN: "",
    },
  });
  for (const [index, [args, pattern]] of cases.entries()) {
    const result = results[index]!;
    const label = `mondaykit ${args.join(" ")}`;
    assert.equal(
      result.code,
      2,
      `${label}: exit code (stderr: ${result.stderr})`,
    );
    assert.equal(result.stdout, "", `${label}: nothing on stdout`);
    assert.match(result.stderr, pattern, label);
    assert.match(result.stderr, /^error: /, `${label}: starts with 'error:'`);
    assert.match(
      result.stderr,
      /Run 'mondaykit .*--help' for usage\./,
      `${label}: help hint`,
    );
  }
});

Deno.test("cli: --json turns usage errors into one JSON object on stderr", async () => {
  const result = await runCli([
    "items",
    "export",
    "--json",
    "--board",
    "1",
    "--format",
    "xml",
  ]);
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  assert.deepEqual(JSON.parse(result.stderr), {
    error: {
      code: "usage",
      message:
        "Invalid value 'xml' for flag '--format': expected one of 'jsonl', 'csv'",
    },
  });
});

Deno.test("cli: secrets given as flags or environment are masked even when echoed back", async () => {
  // A token with '=' in it, mistakenly repeated as another flag's value.
  const token = "abcdefghij=klmnopqrst";
  const flagged = await runInProcess([
    "query",
    "{ me { id } }",
    `--token=${token}`,
    "--timeout",
    token,
  ]);
  assert.equal(flagged.code, 2);
  assert.match(flagged.stderr, /for flag '--timeout'/);
  assert.ok(!flagged.stderr.includes(token), flagged.stderr);
  assert.match(flagged.stderr, /…qrst/);
});
