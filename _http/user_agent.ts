/**
 * The `User-Agent` every request carries.
 *
 * @module
 */

import { VERSION } from "../version.ts";

function runtime(): string {
  const deno = (globalThis as { Deno?: { version?: { deno?: string } } }).Deno;
  if (deno?.version?.deno) return ` (Deno ${deno.version.deno})`;
  return "";
}

/**
 * The `User-Agent` header value: `mondaykit/<version> (Deno <version>)`, or
 * just `mondaykit/<version>` outside Deno.
 *
 * @example Name the package
 * ```ts
 * import { USER_AGENT } from "./user_agent.ts";
 * import assert from "node:assert/strict";
 * assert.match(USER_AGENT, /^mondaykit\/\d+\.\d+\.\d+/);
 * ```
 */
export const USER_AGENT: string = `mondaykit/${VERSION}${runtime()}`;
