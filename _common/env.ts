/**
 * The one way the package reads an environment variable by default: only
 * when called, never at import, and without a permission prompt.
 *
 * @module
 */

/** Reads one environment variable; `undefined` when unset or unreadable. */
export type EnvReader = (name: string) => string | undefined;

/**
 * Reads an environment variable without ever prompting: `undefined` when it
 * is unset, when the program may not read it (denied, or reading would need
 * a prompt), or outside Deno. Where the runtime has no permission API, the
 * read is simply tried.
 *
 * @param name The variable.
 * @returns Its value, or `undefined`.
 *
 * @example Read a variable the program may read
 * ```ts
 * import { readEnv } from "./env.ts";
 * import assert from "node:assert/strict";
 *
 * const granted = Deno.permissions.querySync({ name: "env", variable: "PATH" }).state === "granted";
 * assert.equal(readEnv("PATH"), granted ? Deno.env.get("PATH") : undefined);
 * ```
 */
export function readEnv(name: string): string | undefined {
  return envPermitted(name) ? tryGet(name) : undefined;
}

/**
 * Whether {@linkcode readEnv} may read a variable: the permission is granted,
 * or the runtime cannot say (no permission API). Never prompts.
 *
 * @param name The variable.
 * @returns `false` when reading would be denied or would need a prompt, or outside Deno.
 *
 * @example Ask before reading
 * ```ts
 * import { envPermitted } from "./env.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(typeof envPermitted("HOME"), "boolean");
 * ```
 */
export function envPermitted(name: string): boolean {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  if (deno?.env === undefined) return false;
  let state: string | undefined;
  try {
    state = deno.permissions?.querySync?.({ name: "env", variable: name })
      .state;
  } catch {
    state = undefined; // no permission API here (e.g. some hosts): just try
  }
  return state === undefined || state === "granted";
}

function tryGet(name: string): string | undefined {
  try {
    return (globalThis as { Deno?: typeof Deno }).Deno?.env.get(name);
  } catch {
    return undefined;
  }
}
