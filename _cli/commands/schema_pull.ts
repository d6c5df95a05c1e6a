/**
 * The `schema pull` command (waiting for its library).
 *
 * @module
 */

import type { CommandContext } from "../context.ts";
import { CommandError } from "../errors.ts";

/**
 * Runs the command.
 *
 * @param context The invocation.
 * @returns The exit code.
 */
export function runSchemaPull(context: CommandContext): Promise<number> {
  return Promise.reject(
    new CommandError(
      `'mondaykit ${context.spec.name}' is not available in this build yet`,
      {
        code: "not_implemented",
      },
    ),
  );
}
