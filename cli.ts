/**
 * The `mondaykit` command line: parses arguments, calls the library, prints.
 *
 * Data goes to stdout; messages, progress and errors to stderr. `--json` makes
 * every command's output machine-readable, errors included
 * (`{"error": {"code": "...", "message": "..."}}` on stderr).
 *
 * Exit codes: 0 success, 1 API or runtime failure, 2 usage error, 3
 * authentication needed or refused, 4 rate or daily limit exhausted, 130
 * interrupted.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-write --allow-env jsr:@mondaykit/mondaykit/cli query '{ me { name } }'
 * ```
 *
 * @module
 */

import { VERSION } from "./version.ts";
import { classifyError, EXIT } from "./_cli/errors.ts";
import { Flags } from "./_cli/flags.ts";
import { type CliIo, type CliWriter, Output } from "./_cli/output.ts";
import { parseCommandLine } from "./_cli/parse.ts";
import { commandHelp, groupHelp, mainHelp } from "./_cli/spec.ts";
import { readEnv } from "./_common/mod.ts";
import type { CommandHandler, RunExtras } from "./_cli/context.ts";

export type { CliWriter } from "./_cli/output.ts";

/** Options for {@linkcode main}: the process's streams and effects, injectable. */
export interface MainOptions {
  /**
   * Where data goes.
   *
   * @default {Deno.stdout}
   */
  stdout?: CliWriter;
  /**
   * Where messages, progress and errors go.
   *
   * @default {Deno.stderr}
   */
  stderr?: CliWriter;
  /**
   * Read by `query -` and passphrase prompts.
   *
   * @default {Deno.stdin.readable}
   */
  stdin?: ReadableStream<Uint8Array>;
  /**
   * Reads environment variables (`MONDAYKIT_CONNECTION`, `NO_COLOR`, ...).
   *
   * @default {Deno.env.get, without a permission prompt}
   */
  env?: (name: string) => string | undefined;
  /**
   * Whether stderr is a terminal (progress bars and colours only then).
   *
   * @default {Deno.stderr.isTerminal()}
   */
  stderrIsTerminal?: boolean;
  /**
   * Whether stdin is a terminal (passphrase prompts only then).
   *
   * @default {Deno.stdin.isTerminal()}
   */
  stdinIsTerminal?: boolean;
  /**
   * Whether stdout is a terminal (`sql` prints an aligned table only then).
   *
   * @default {Deno.stdout.isTerminal()}
   */
  stdoutIsTerminal?: boolean;
  /**
   * Stops the running command; without it, SIGINT and SIGTERM do.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
  /**
   * Opens the authorization URL in `auth login`.
   *
   * @default {the platform's browser opener}
   */
  opener?: (url: string) => Promise<void>;
}

const LOADERS: Record<string, () => Promise<CommandHandler>> = {
  "query": async () => (await import("./_cli/commands/query.ts")).runQuery,
  "sync": async () => (await import("./_cli/commands/sync.ts")).runSync,
  "sql": async () => (await import("./_cli/commands/sql.ts")).runSql,
  "items export": async () =>
    (await import("./_cli/commands/items_export.ts")).runItemsExport,
  "auditlog export": async () =>
    (await import("./_cli/commands/auditlog_export.ts")).runAuditlogExport,
  "schema pull": async () =>
    (await import("./_cli/commands/schema_pull.ts")).runSchemaPull,
  "emulator": async () =>
    (await import("./_cli/commands/emulator.ts")).runEmulator,
  "auth login": async () =>
    (await import("./_cli/commands/auth.ts")).runAuthLogin,
  "auth url": async () => (await import("./_cli/commands/auth.ts")).runAuthUrl,
  "auth exchange": async () =>
    (await import("./_cli/commands/auth.ts")).runAuthExchange,
  "auth status": async () =>
    (await import("./_cli/commands/auth.ts")).runAuthStatus,
  "auth refresh": async () =>
    (await import("./_cli/commands/auth.ts")).runAuthRefresh,
  "auth logout": async () =>
    (await import("./_cli/commands/auth.ts")).runAuthLogout,
  "auth export": async () =>
    (await import("./_cli/commands/auth.ts")).runAuthExport,
  "auth import": async () =>
    (await import("./_cli/commands/auth.ts")).runAuthImport,
};

function defaultIo(options: MainOptions): CliIo {
  const hasDeno = typeof Deno !== "undefined";
  const env = options.env ?? readEnv;
  return {
    stdout: options.stdout ?? Deno.stdout,
    stderr: options.stderr ?? Deno.stderr,
    get stdin() {
      return options.stdin ?? Deno.stdin.readable;
    },
    env,
    stdinIsTerminal: options.stdinIsTerminal ??
      (hasDeno && !options.stdin && Deno.stdin.isTerminal()),
    stderrIsTerminal: options.stderrIsTerminal ??
      (hasDeno && !options.stderr && Deno.stderr.isTerminal()),
    stdoutIsTerminal: options.stdoutIsTerminal ??
      (hasDeno && !options.stdout && Deno.stdout.isTerminal()),
  };
}

function listenForSignals(controller: AbortController): () => void {
  const signals: Deno.Signal[] = Deno.build.os === "windows"
    ? ["SIGINT", "SIGBREAK"]
    : ["SIGINT", "SIGTERM"];
  const handler = () => {
    if (controller.signal.aborted) Deno.exit(EXIT.interrupted); // second Ctrl-C: stop now
    controller.abort(new DOMException("Interrupted", "AbortError"));
  };
  const added: Deno.Signal[] = [];
  for (const signal of signals) {
    try {
      Deno.addSignalListener(signal, handler);
      added.push(signal);
    } catch {
      // signal not supported here
    }
  }
  return () => {
    for (const signal of added) Deno.removeSignalListener(signal, handler);
  };
}

/** Secret values given on the command line or in the environment, masked in any error shown. */
function secretsIn(args: readonly string[], io: CliIo): string[] {
  const raw: string[] = [];
  const connections: string[] = [];
  const flags = [
    "--token",
    "--audit-token",
    "--client-secret",
    "--connection",
    "--to",
    "--db",
  ];
  args.forEach((arg, index) => {
    for (const flag of flags) {
      const value = arg === flag
        ? args[index + 1]
        : arg.startsWith(`${flag}=`)
        ? arg.slice(flag.length + 1)
        : undefined;
      if (value === undefined) continue;
      if (flag === "--to" || flag === "--db") raw.push(...urlPassword(value));
      else (flag === "--connection" ? connections : raw).push(value);
    }
  });
  for (
    const name of [
      "MONDAY_API_TOKEN",
      "MONDAY_AUDIT_TOKEN",
      "MONDAYKIT_TRANSFER_PASSPHRASE",
      "MONDAYKIT_SETTINGS_KEY",
      "MONDAYKIT_SETTINGS_PASSPHRASE",
      "PGPASSWORD",
    ]
  ) {
    const value = io.env(name);
    if (value) raw.push(value);
  }
  const connection = io.env("MONDAYKIT_CONNECTION");
  if (connection) connections.push(connection);
  // Connection strings: mask each property value that looks like a secret.
  const values = connections.flatMap((text) =>
    text.split(";").map((part) =>
      part.slice(part.indexOf("=") + 1).trim().replace(/^["']|["']$/g, "")
    ).filter((value) =>
      value.length >= 12 && !/^https?:/.test(value) && !value.includes("/")
    )
  );
  return [...raw, ...values, ...connections];
}

/** A database URL's password, as written and decoded (a path has none). */
function urlPassword(location: string): string[] {
  try {
    const password = new URL(location).password;
    if (!password) return [];
    try {
      return [password, decodeURIComponent(password)];
    } catch {
      return [password];
    }
  } catch {
    return [];
  }
}

function isBrokenPipe(error: unknown): boolean {
  for (
    let e = error, depth = 0;
    e instanceof Error && depth < 5;
    e = e.cause, depth++
  ) {
    if (e instanceof Deno.errors.BrokenPipe || /broken pipe/i.test(e.message)) {
      return true;
    }
  }
  return false;
}

/**
 * Runs the `mondaykit` command line and returns the exit code (it never calls `Deno.exit`).
 *
 * @param args The command-line arguments, without the program name.
 * @param options Streams, environment, signal and browser opener, for tests and embedding.
 * @returns The exit code: 0 success, 1 failure, 2 usage error, 3 authentication, 4 limits, 130 interrupted.
 * @throws {never} Errors are reported on stderr and turned into the exit code.
 *
 * @example Print the version
 * ```ts
 * import { main } from "./cli.ts";
 * import assert from "node:assert/strict";
 *
 * const chunks: Uint8Array[] = [];
 * const stdout = { write: (b: Uint8Array) => (chunks.push(b.slice()), Promise.resolve(b.length)) };
 * const code = await main(["--version"], { stdout });
 * assert.equal(code, 0);
 * assert.match(new TextDecoder().decode(chunks[0]), /^mondaykit \d+\.\d+\.\d+/);
 * ```
 */
export async function main(
  args: readonly string[],
  options: MainOptions = {},
): Promise<number> {
  const io = defaultIo(options);
  const json = args.includes("--json");
  const noColor = args.includes("--no-color") ||
    (io.env("NO_COLOR") ?? "") !== "";
  const out = new Output(io, {
    json,
    quiet: args.includes("--quiet") || args.includes("-q"),
    verbose: args.includes("--verbose") || args.includes("-v"),
    color: io.stderrIsTerminal && !noColor,
    // Errors, warnings and debug lines (the --verbose stack too) mask these.
    secrets: secretsIn(args, io),
  });
  const controller = new AbortController();
  const stopListening = options.signal
    ? () => {}
    : listenForSignals(controller);
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let usageCommand: string | undefined;
  let resources: DisposableStack | undefined;
  try {
    const parsed = parseCommandLine(args);
    if (parsed.kind === "version") {
      if (json) {
        await out.json({
          name: "mondaykit",
          version: VERSION,
          deno: Deno.version.deno,
        });
      } else {await out.data(
          `mondaykit ${VERSION} (Deno ${Deno.version.deno})\n`,
        );}
      return EXIT.ok;
    }
    if (parsed.kind === "help") {
      await out.data(
        parsed.command
          ? commandHelp(parsed.command)
          : parsed.group
          ? groupHelp(parsed.group)
          : mainHelp(VERSION),
      );
      return EXIT.ok;
    }
    const spec = parsed.command!;
    usageCommand = spec.name;
    const handler = await LOADERS[spec.name]!();
    const extras: RunExtras = options.opener ? { opener: options.opener } : {};
    resources = new DisposableStack();
    return await handler({
      spec,
      flags: new Flags(parsed.values, spec.name),
      positionals: parsed.positionals,
      out,
      io,
      signal: controller.signal,
      extras,
      resources,
    });
  } catch (error) {
    if (isBrokenPipe(error)) return EXIT.failure; // the reader went away (e.g. `| head`): nothing to report
    const classified = classifyError(error, controller.signal);
    const command = (error as { command?: string }).command ?? usageCommand;
    const hint = classified.exitCode === EXIT.usage
      ? `Run 'mondaykit ${command ? `${command} ` : ""}--help' for usage.`
      : classified.exitCode === EXIT.auth
      ? "Check the token (--token, $MONDAY_API_TOKEN) or log in again with 'mondaykit auth login'."
      : undefined;
    await out.clearProgress();
    await out.error(classified.code, classified.message, hint);
    if (
      out.options.verbose && error instanceof Error && error.stack &&
      classified.exitCode === EXIT.failure
    ) {
      await out.debug(error.stack);
    }
    return classified.exitCode;
  } finally {
    resources?.dispose();
    stopListening();
    options.signal?.removeEventListener("abort", onAbort);
  }
}

if (import.meta.main) {
  const code = await main(Deno.args);
  // Let pending work finish (e.g. the login page's response reaching the browser), but never hang.
  Deno.exitCode = code;
  Deno.unrefTimer(setTimeout(() => Deno.exit(code), 2000));
}
