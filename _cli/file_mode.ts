/**
 * The `--mode` flag of the export commands: the permission bits of the
 * files they create.
 *
 * @module
 */

import type { CommandContext } from "./context.ts";
import { UsageError } from "./errors.ts";
import { parseFileMode } from "../_fs/mod.ts";

/**
 * Reads `--mode` (octal, e.g. `0644`), or 0600 when absent.
 *
 * @param context The invocation.
 * @returns The mode bits.
 * @throws {UsageError} When the flag is not an octal mode.
 */
export function fileMode(context: CommandContext): number {
  const text = context.flags.string("mode");
  if (text === undefined) return 0o600;
  try {
    return parseFileMode(text, "--mode");
  } catch (error) {
    throw new UsageError(
      error instanceof Error ? error.message : String(error),
      context.spec.name,
    );
  }
}
