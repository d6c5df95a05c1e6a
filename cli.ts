/**
 * The `mondaykit` command line (being built).
 *
 * @module
 */

import { VERSION } from "./version.ts";

/**
 * Runs the CLI with the given arguments and returns the exit code.
 *
 * @param args The command-line arguments, without the program name.
 * @returns The process exit code.
 */
export function main(args: readonly string[]): Promise<number> {
  if (args.includes("--version")) console.log(`mondaykit ${VERSION}`);
  return Promise.resolve(0);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
