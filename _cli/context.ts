/**
 * What every command gets: flags, printer, streams, signal and injectables.
 *
 * @module
 */

import type { Flags } from "./flags.ts";
import type { CliIo, Output } from "./output.ts";
import type { CommandSpec } from "./spec.ts";

/** Opens a URL for the user (a browser); tests and the demo inject their own. */
export type UrlOpener = (url: string) => Promise<void>;

/** Options of a CLI run that are not on the command line. */
export interface RunExtras {
  /** Opens the authorization URL in `auth login`. */
  opener?: UrlOpener;
  /** Called once the emulator is serving (tests, the demo). */
  onEmulatorReady?: (info: { url: string }) => void;
}

/** One command's invocation. */
export interface CommandContext {
  /** The command. */
  spec: CommandSpec;
  /** Its flags. */
  flags: Flags;
  /** Its positionals. */
  positionals: string[];
  /** The printer. */
  out: Output;
  /** The streams and environment. */
  io: CliIo;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  /** Injected behaviour. */
  extras: RunExtras;
  /**
   * What the command holds until it ends (the clients' proxy/CA
   * connection pools): the CLI disposes it when the command returns or fails.
   */
  resources: DisposableStack;
}

/** A command's implementation: returns the exit code. */
export type CommandHandler = (context: CommandContext) => Promise<number>;
