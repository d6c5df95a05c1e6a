/**
 * Parsers for the IETF `RateLimit-Policy` and `RateLimit` structured headers
 * in the form monday.com sends them:
 *
 * ```
 * RateLimit-Policy: "minuteRate";q=5000;w=60, "concurrency";q=250;qu="concurrent-requests"
 * RateLimit: "minuteRate";r=4999, "complexityMinute";r=4950000;t=45
 * ```
 *
 * Both are lenient: whitespace and unknown parameters are ignored, and items
 * that do not parse are skipped rather than failing the whole header.
 *
 * @module
 */

/** One quota policy from a `RateLimit-Policy` header. */
export interface RateLimitPolicyItem {
  /** The policy's name, e.g. `"minuteRate"`. */
  name: string;
  /** The quota (`q`): how many units the window allows. */
  quota: number;
  /** The window (`w`) in seconds, when given. */
  windowSeconds?: number;
  /** The quota unit (`qu`), e.g. `"concurrent-requests"`, when given. */
  unit?: string;
}

/** The current state of one policy from a `RateLimit` header. */
export interface RateLimitItem {
  /** The policy's name, e.g. `"complexityMinute"`. */
  name: string;
  /** Units remaining (`r`). */
  remaining: number;
  /** Seconds until the quota resets (`t`), when given. */
  resetSeconds?: number;
}

interface RawItem {
  name: string;
  params: Map<string, string>;
}

const QUOTED = /^"((?:[^"\\]|\\.)*)"/;
const TOKEN = /^[A-Za-z0-9_.*:/%+!#$&'^`|~-]+/;

/**
 * Reads a list of `name;key=value;...` members separated by commas. A member
 * that stops making sense is cut at the next comma; nothing throws.
 */
function parseItems(header: string | null): RawItem[] {
  if (typeof header !== "string") return [];
  const items: RawItem[] = [];
  let rest = header;
  const skipSpace = () => {
    rest = rest.replace(/^[ \t]+/, "");
  };
  /** Reads a quoted string or a token; undefined when neither is there. */
  const readValue = (): string | undefined => {
    const quoted = QUOTED.exec(rest);
    if (quoted) {
      rest = rest.slice(quoted[0].length);
      return (quoted[1] as string).replace(/\\(.)/g, "$1");
    }
    const token = TOKEN.exec(rest);
    if (token) {
      rest = rest.slice(token[0].length);
      return token[0];
    }
    return undefined;
  };
  const skipMember = () => {
    const comma = rest.indexOf(",");
    rest = comma < 0 ? "" : rest.slice(comma);
  };
  while (rest.length > 0) {
    skipSpace();
    if (rest.startsWith(",")) {
      rest = rest.slice(1);
      continue;
    }
    if (rest.length === 0) break;
    const name = readValue();
    skipSpace();
    if (name === undefined || !(rest === "" || /^[;,]/.test(rest))) {
      skipMember();
      continue;
    }
    const params = new Map<string, string>();
    while (rest.startsWith(";")) {
      rest = rest.slice(1);
      skipSpace();
      const key = /^[A-Za-z*][A-Za-z0-9_.*-]*/.exec(rest)?.[0];
      if (key === undefined) break;
      rest = rest.slice(key.length);
      skipSpace();
      let value: string | undefined = "?1";
      if (rest.startsWith("=")) {
        rest = rest.slice(1);
        skipSpace();
        value = readValue();
      }
      skipSpace();
      if (value !== undefined) params.set(key.toLowerCase(), value);
    }
    items.push({ name, params });
    skipMember();
  }
  return items;
}

function toNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) {
    return undefined;
  }
  return Number(value);
}

/**
 * Parses a `RateLimit-Policy` header. Items without a numeric quota `q` are
 * skipped; a missing or `null` header gives an empty list. Never throws.
 *
 * @param header The header's value.
 * @returns The policies that parsed, in header order.
 *
 * @example Read monday's policies
 * ```ts
 * import { parseRateLimitPolicy } from "./rate_limit.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(
 *   parseRateLimitPolicy('"minuteRate";q=5000;w=60, "concurrency";q=250;qu="concurrent-requests"'),
 *   [
 *     { name: "minuteRate", quota: 5000, windowSeconds: 60 },
 *     { name: "concurrency", quota: 250, unit: "concurrent-requests" },
 *   ],
 * );
 * ```
 */
export function parseRateLimitPolicy(
  header: string | null,
): RateLimitPolicyItem[] {
  const out: RateLimitPolicyItem[] = [];
  for (const { name, params } of parseItems(header)) {
    const quota = toNumber(params.get("q"));
    if (quota === undefined) continue;
    const item: RateLimitPolicyItem = { name, quota };
    const window = toNumber(params.get("w"));
    if (window !== undefined) item.windowSeconds = window;
    const unit = params.get("qu");
    if (unit !== undefined) item.unit = unit;
    out.push(item);
  }
  return out;
}

/**
 * Parses a `RateLimit` header. Items without a numeric remaining count `r`
 * are skipped; a missing or `null` header gives an empty list. Never throws.
 *
 * @param header The header's value.
 * @returns The states that parsed, in header order.
 *
 * @example Find the exhausted quota
 * ```ts
 * import { parseRateLimit } from "./rate_limit.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(
 *   parseRateLimit('"minuteRate";r=4999, "complexityMinute";r=0;t=45'),
 *   [
 *     { name: "minuteRate", remaining: 4999 },
 *     { name: "complexityMinute", remaining: 0, resetSeconds: 45 },
 *   ],
 * );
 * ```
 */
export function parseRateLimit(header: string | null): RateLimitItem[] {
  const out: RateLimitItem[] = [];
  for (const { name, params } of parseItems(header)) {
    const remaining = toNumber(params.get("r"));
    if (remaining === undefined) continue;
    const item: RateLimitItem = { name, remaining };
    const reset = toNumber(params.get("t"));
    if (reset !== undefined) item.resetSeconds = reset;
    out.push(item);
  }
  return out;
}
