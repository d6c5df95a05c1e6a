// How long the CLI takes to start, next to an empty Deno script.

import { size, spawnEmulator, table } from "./_lib.ts";

const RUNS = size(10, 1);
const root = new URL("..", import.meta.url);

async function median(args: string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const start = performance.now();
    const output = await new Deno.Command(Deno.execPath(), {
      args,
      cwd: root.pathname,
      stdout: "null",
      stderr: "piped",
    }).output();
    const ms = performance.now() - start;
    if (!output.success) {
      throw new Error(
        `'deno ${args.join(" ")}' failed: ${
          new TextDecoder().decode(output.stderr)
        }`,
      );
    }
    if (i > 0) times.push(ms); // the first run fills caches
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Runs the CLI start-up benchmark and returns its report section. */
export async function cliStartup(): Promise<string> {
  const empty = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(empty, "");
  const emulator = await spawnEmulator({ items: 10 });
  try {
    const perms = ["--allow-net=127.0.0.1", "--allow-read", "--allow-env"];
    const baseline = await median(["run", empty]);
    const help = await median(["run", ...perms, "cli.ts", "--help"]);
    const query = await median([
      "run",
      ...perms,
      "cli.ts",
      "query",
      "--api-url",
      emulator.apiUrl,
      "--token",
      emulator.credentials.apiToken,
      "query { me { id } }",
    ]);
    return [
      "## CLI start-up",
      "",
      `Median of ${RUNS} runs after one warm-up run, \`deno run\` from source (a compiled binary starts the same code without the module loading).`,
      "",
      table(["command", "ms", "× empty script"], [
        ["deno run (empty script)", baseline, 1],
        ["mondaykit --help", help, help / baseline],
        ["mondaykit query '{ me { id } }'", query, query / baseline],
      ]),
    ].join("\n");
  } finally {
    await emulator.close();
    await Deno.remove(empty);
  }
}
