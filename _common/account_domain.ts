/**
 * The one rule for an account's domain, the host the audit token is sent
 * to: `https://<slug>.monday.com` (not monday's shared `api.`, `auth.` or
 * `www.` hosts), any loopback host over http or https, or another https host
 * only when the caller names it in `allowDomainHosts`. No user info, path,
 * query or fragment.
 *
 * @module
 */

import { isLoopbackHost } from "../_http/url.ts";

/** Options for {@linkcode checkAccountDomain}. */
export interface AccountDomainOptions {
  /**
   * Hosts besides `*.monday.com` and loopback hosts the domain may name
   * (still over `https://`), e.g. a proxy in front of the audit API.
   *
   * @default {[]}
   */
  allowDomainHosts?: readonly string[] | undefined;
  /**
   * Also accept a bare host (`acme.monday.com`, taken as https) or an
   * account slug (`acme`, taken as `https://acme.monday.com`).
   *
   * @default {false}
   */
  shorthand?: boolean | undefined;
  /**
   * How a rejected value is shown in messages (e.g. redacted); by default
   * as given, cut at 80 characters, with user info masked.
   */
  show?: ((value: string) => string) | undefined;
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const SLUG_HOST = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.monday\.com$/;
const SHARED_HOSTS: ReadonlySet<string> = new Set(["api", "auth", "www"]);
const EXPECTED =
  "must be the account URL 'https://<slug>.monday.com' (plain http:// only to a loopback host)";

function defaultShow(value: string): string {
  const text = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return text.replace(/(\/\/)[^/@\s]+@/, "$1****@");
}

/**
 * Checks an account domain and returns its origin (e.g.
 * `https://acme.monday.com`), the base under which `/audit-api/get-logs`
 * lives.
 *
 * @param value The domain as the user gave it.
 * @param subject What names the value in messages, e.g.
 *   `Cannot parse connection string: 'Domain'`.
 * @param options Extra allowed hosts, shorthand forms, how values are shown.
 * @returns The origin, lower-cased host, no trailing slash.
 * @throws {TypeError} When the value is not an allowed account URL; the
 *   message starts with `subject` and says what is wrong.
 *
 * @example Account URLs, loopback, and monday's shared hosts
 * ```ts
 * import { checkAccountDomain } from "./account_domain.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(checkAccountDomain("https://ACME.monday.com/", "'domain'"), "https://acme.monday.com");
 * assert.equal(checkAccountDomain("acme", "'domain'", { shorthand: true }), "https://acme.monday.com");
 * assert.equal(checkAccountDomain("http://127.0.0.1:9", "'domain'"), "http://127.0.0.1:9");
 * assert.throws(() => checkAccountDomain("https://api.monday.com", "'domain'"), TypeError);
 * ```
 */
export function checkAccountDomain(
  value: string,
  subject: string,
  options: AccountDomainOptions = {},
): string {
  const show = options.show ?? defaultShow;
  const text = value.trim();
  let url: URL;
  try {
    if (options.shorthand && SLUG.test(text)) {
      url = new URL(`https://${text.toLowerCase()}.monday.com`);
    } else if (options.shorthand && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
      url = new URL(`https://${text}`);
    } else {
      url = new URL(text);
    }
  } catch {
    const hint = /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(text)
      ? ` (did you mean 'https://${text}'?)`
      : "";
    throw new TypeError(`${subject} ${EXPECTED}, got '${show(text)}'${hint}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new TypeError(
      `${subject} must not carry user info, a query or a fragment: '${
        show(text)
      }'`,
    );
  }
  if (url.pathname !== "/" && url.pathname !== "") {
    throw new TypeError(
      `${subject} must be the account's base URL without a path, got '${
        show(text)
      }'`,
    );
  }
  const host = url.hostname.toLowerCase();
  if (isLoopbackHost(host)) {
    if (url.protocol === "http:" || url.protocol === "https:") {
      return url.origin;
    }
  } else if (url.protocol === "https:") {
    const allowed = (options.allowDomainHosts ?? []).some((h) =>
      h.toLowerCase() === host
    );
    if (allowed) return url.origin;
    if (SLUG_HOST.test(host)) {
      if (SHARED_HOSTS.has(host.split(".")[0] as string)) {
        throw new TypeError(
          `${subject} must be your account's URL, e.g. 'https://acme.monday.com', not monday's shared host '${host}'`,
        );
      }
      return url.origin;
    }
  }
  throw new TypeError(`${subject} ${EXPECTED}, got '${show(text)}'`);
}
