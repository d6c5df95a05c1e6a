/**
 * Runs the CLI as a subprocess for the tests.
 *
 * @module
 */

/** What a run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment variables the CLI reads (the compiled binary may read only these). */
export const CLI_ENV: string[] = [
  "MONDAYKIT_CONNECTION",
  "MONDAY_API_TOKEN",
  "MONDAY_AUDIT_TOKEN",
  "MONDAY_DOMAIN",
  "MONDAY_API_URL",
  "MONDAY_AUTH_URL",
  "MONDAYKIT_SETTINGS_KEY",
  "MONDAYKIT_SETTINGS_PASSPHRASE",
  "MONDAYKIT_TRANSFER_PASSPHRASE",
  "NO_COLOR",
  "HOME",
  "XDG_CONFIG_HOME",
  "APPDATA",
  "USERPROFILE",
];

/** The permissions the CLI runs with in tests (the compiled binary's set). */
export const CLI_PERMISSIONS: string[] = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  `--allow-env=${CLI_ENV.join(",")}`,
];

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

/** Options of one run. */
export interface RunOptions {
  env?: Record<string, string>;
  stdin?: string;
  cwd?: string;
  permissions?: string[];
}

/**
 * Runs `deno run <permissions> cli.ts ...args`.
 *
 * @param args The CLI's arguments.
 * @param options Environment, stdin and working directory.
 * @returns Exit code and output.
 */
export async function runCli(
  args: string[],
  options: RunOptions = {},
): Promise<CliRun> {
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...(options.permissions ?? CLI_PERMISSIONS),
      CLI,
      ...args,
    ],
    env: { NO_COLOR: "1", ...options.env },
    clearEnv: false,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const child = command.spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/**
 * Runs several invocations, at most `parallel` at once.
 *
 * @param runs The argument lists.
 * @param options Shared options.
 * @param parallel How many at once.
 * @returns The results, in order.
 */
export async function runMany(
  runs: string[][],
  options: RunOptions = {},
  parallel = 4,
): Promise<CliRun[]> {
  const results: CliRun[] = new Array(runs.length);
  let next = 0;
  async function worker() {
    while (next < runs.length) {
      const index = next++;
      results[index] = await runCli(runs[index]!, options);
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
}
