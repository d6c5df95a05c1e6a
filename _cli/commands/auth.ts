/**
 * The `auth` commands (waiting for their library).
 *
 * @module
 */

import type { CommandContext } from "../context.ts";
import { CommandError } from "../errors.ts";

function pending(context: CommandContext): Promise<number> {
  return Promise.reject(
    new CommandError(
      `'mondaykit ${context.spec.name}' is not available in this build yet`,
      {
        code: "not_implemented",
      },
    ),
  );
}

/** Runs `auth login`. @param context The invocation. @returns The exit code. */
export const runAuthLogin: (context: CommandContext) => Promise<number> =
  pending;
/** Runs `auth url`. @param context The invocation. @returns The exit code. */
export const runAuthUrl: (context: CommandContext) => Promise<number> = pending;
/** Runs `auth exchange`. @param context The invocation. @returns The exit code. */
export const runAuthExchange: (context: CommandContext) => Promise<number> =
  pending;
/** Runs `auth status`. @param context The invocation. @returns The exit code. */
export const runAuthStatus: (context: CommandContext) => Promise<number> =
  pending;
/** Runs `auth refresh`. @param context The invocation. @returns The exit code. */
export const runAuthRefresh: (context: CommandContext) => Promise<number> =
  pending;
/** Runs `auth logout`. @param context The invocation. @returns The exit code. */
export const runAuthLogout: (context: CommandContext) => Promise<number> =
  pending;
/** Runs `auth export`. @param context The invocation. @returns The exit code. */
export const runAuthExport: (context: CommandContext) => Promise<number> =
  pending;
/** Runs `auth import`. @param context The invocation. @returns The exit code. */
export const runAuthImport: (context: CommandContext) => Promise<number> =
  pending;
