/**
 * Which hosts may receive tokens: https:// everywhere, plain http:// only to
 * loopback hosts (tests and the emulator).
 *
 * @module
 */

import { redactUrl } from "./redact.ts";

/**
 * Whether `hostname` is a loopback host: `localhost` (and `*.localhost`),
 * any address in 127.0.0.0/8, or `::1` (with or without brackets, also as an
 * IPv4-mapped `::ffff:127.x.y.z`).
 *
 * @param hostname A URL's hostname.
 * @returns `true` for loopback hosts.
 *
 * @example Tell loopback hosts apart
 * ```ts
 * import { isLoopbackHost } from "./url.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isLoopbackHost("127.0.0.1"), true);
 * assert.equal(isLoopbackHost("[::1]"), true);
 * assert.equal(isLoopbackHost("api.monday.com"), false);
 * ```
 */
export function isLoopbackHost(hostname: string): boolean {
  let host = hostname.trim().toLowerCase();
  if (host.endsWith(".")) host = host.slice(0, -1);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "::1" || host === "0:0:0:0:0:0:0:1") return true;
  const mapped = /^::ffff:(.+)$/.exec(host);
  if (mapped?.[1] !== undefined) host = mapped[1];
  const parts = host.split(".");
  if (parts.length !== 4 || parts[0] !== "127") return false;
  return parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/**
 * Checks that tokens may be sent to `url`: it must parse, and use `https:`,
 * or `http:` to a loopback host.
 *
 * @param url The URL to check.
 * @param what What the URL is, for the error message (e.g. `"API URL"`).
 * @throws {TypeError} When `url` is not a URL, or not https:// and not loopback.
 *
 * @example Accept https and loopback http
 * ```ts
 * import { assertSecureUrl } from "./url.ts";
 * import assert from "node:assert/strict";
 * assertSecureUrl("https://api.monday.com/v2", "API URL");
 * assertSecureUrl("http://127.0.0.1:8080/v2", "API URL");
 * assert.throws(() => assertSecureUrl("http://example.com", "API URL"), TypeError);
 * ```
 */
export function assertSecureUrl(url: string | URL, what: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(
      `Invalid ${what}: not an absolute URL '${redactUrl(String(url))}'`,
    );
  }
  if (parsed.protocol === "https:") return;
  if (parsed.protocol === "http:" && isLoopbackHost(parsed.hostname)) return;
  throw new TypeError(
    `Insecure ${what}: '${
      redactUrl(parsed)
    }' must use https:// (plain http:// only to a loopback host)`,
  );
}
