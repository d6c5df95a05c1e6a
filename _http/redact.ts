/**
 * Redaction of secrets (tokens, client secrets, codes) from text, URLs and
 * headers, so no error message or debug event ever shows one. At most the
 * last four characters of a secret remain visible.
 *
 * @module
 */

/** Query and form parameter names whose values are always secret. */
const SECRET_PARAMS: ReadonlySet<string> = new Set([
  "code",
  "access_token",
  "refresh_token",
  "id_token",
  "client_secret",
  "token",
  "code_verifier",
  "state",
  "password",
  "passphrase",
  "api_token",
  "apitoken",
  "oauthclientsecret",
  "oauthaccesstoken",
  "oauthrefreshtoken",
  "oauthverifier",
]);

/** Header names whose values are always secret. */
const SECRET_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "api-key",
  "x-auth-token",
]);

/** Secrets shorter than this are not searched for in text (they would mangle it). */
const MIN_SECRET_LENGTH = 4;

/**
 * Masks a secret, keeping only its last four characters: `"…abcd"`. Secrets
 * shorter than 12 characters are fully masked (`"****"`), since four
 * characters would give away too much of them.
 *
 * @param secret The secret to mask.
 * @returns The masked form.
 *
 * @example Mask a token
 * ```ts
 * import { maskSecret } from "./redact.ts";
 * import assert from "node:assert/strict";
 * assert.equal(maskSecret("eyJhbGciOiJIUzI1NiJ9.secret-WXYZ"), "…WXYZ");
 * assert.equal(maskSecret("short"), "****");
 * ```
 */
export function maskSecret(secret: string): string {
  if (secret.length < 12) return "****";
  return `…${secret.slice(-4)}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Base64 forms shorter than this are not searched for (they would mangle text). */
const MIN_BASE64_LENGTH = 8;

/**
 * The base64 spellings of a secret (standard and URL-safe alphabets): at each
 * of the three alignments a secret can have inside a longer base64 text (an
 * echoed header block, a Basic credential), the characters made only of the
 * secret's own bits, which stay the same whatever surrounds it.
 */
function base64Forms(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret);
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    let binary = "\0".repeat(offset);
    for (const byte of bytes) binary += String.fromCharCode(byte);
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const inner = btoa(binary).slice(start, end);
    if (inner.length < MIN_BASE64_LENGTH) continue;
    forms.push(inner, inner.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return forms;
}

/**
 * Replaces every known secret in `text` with its masked form, including
 * URL-encoded, form-encoded and base64 spellings, then masks the values of well-known
 * secret fields (`access_token=…`, `"refresh_token": "…"`,
 * `APIToken=…`, `Authorization: …`) and anything shaped like a JWT.
 * Secrets shorter than 4 characters are not searched for.
 *
 * @param text The text to clean.
 * @param secrets The secret values to hide.
 * @returns `text` without the secrets.
 *
 * @example Hide a token in an error message
 * ```ts
 * import { redact } from "./redact.ts";
 * import assert from "node:assert/strict";
 * const token = "abcdefghijklmnop1234";
 * assert.equal(redact(`bad token ${token}`, [token]), "bad token …1234");
 * ```
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = String(text);
  const variants = new Map<string, string>();
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) {
      continue;
    }
    const masked = maskSecret(secret);
    variants.set(secret, masked);
    variants.set(encodeURIComponent(secret), masked);
    variants.set(
      new URLSearchParams({ s: secret }).toString().slice(2),
      masked,
    );
    variants.set(JSON.stringify(secret).slice(1, -1), masked);
    for (const form of base64Forms(secret)) variants.set(form, masked);
  }
  const ordered = [...variants.keys()].sort((a, b) => b.length - a.length);
  for (const variant of ordered) {
    out = out.replace(
      new RegExp(escapeRegExp(variant), "g"),
      variants.get(variant) ?? "****",
    );
  }
  return redactPatterns(out);
}

function maskValue(value: string): string {
  return value.startsWith("…") || value === "****" ? value : maskSecret(value);
}

/** Masks well-known secret fields and JWT-shaped strings in free text. */
function redactPatterns(text: string): string {
  // JSON-ish: "access_token": "value" (not `code`/`state`: in JSON those are error codes)
  let out = text.replace(
    /("(?:access_token|refresh_token|id_token|client_secret|code_verifier|password|passphrase|api_token|apiToken|token|oauthClientSecret|oauthAccessToken|oauthRefreshToken|oauthVerifier)"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi,
    (_m, head: string, value: string, tail: string) =>
      `${head}${maskValue(value)}${tail}`,
  );
  // form / query / connection-string style: name=value
  out = out.replace(
    /(^|[?&;#\s,'"(])([A-Za-z_]+)(\s*=\s*)([^&;\s,'")]+)/g,
    (m, lead: string, name: string, eq: string, value: string) =>
      SECRET_PARAMS.has(name.toLowerCase())
        ? `${lead}${name}${eq}${maskValue(value)}`
        : m,
  );
  // header style: Authorization: Bearer value
  out = out.replace(
    /\b(authorization|proxy-authorization)(\s*:\s*)(bearer\s+|basic\s+)?([^\s,;"']+)/gi,
    (
      m,
      name: string,
      sep: string,
      scheme: string | undefined,
      value: string,
    ) =>
      // a credential, not prose such as "Authorization: denied"
      scheme !== undefined || (value.length >= 8 && /[0-9._~+/=-]/.test(value))
        ? `${name}${sep}${scheme ?? ""}${maskValue(value)}`
        : m,
  );
  // Bearer tokens anywhere
  out = out.replace(
    /\b(Bearer\s+)([A-Za-z0-9._~+/=-]{8,})/g,
    (_m, scheme: string, value: string) => `${scheme}${maskValue(value)}`,
  );
  // JWT-shaped strings (monday API tokens and OAuth 2.1 tokens are JWTs)
  out = out.replace(
    /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
    (value) => maskSecret(value),
  );
  return out;
}

/**
 * Renders a URL with secret query parameters (`code`, `access_token`,
 * `refresh_token`, `client_secret`, `token`, `code_verifier`, `state`, …),
 * user info and the given secrets masked.
 *
 * @param url The URL to render.
 * @param secrets Further secret values to hide.
 * @returns The URL as a string, safe to log.
 *
 * @example Mask the OAuth code in a callback URL
 * ```ts
 * import { redactUrl } from "./redact.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   redactUrl("http://127.0.0.1:9000/cb?code=abcdefghijklmnop&region=use1"),
 *   "http://127.0.0.1:9000/cb?code=…mnop&region=use1",
 * );
 * ```
 */
export function redactUrl(
  url: string | URL,
  secrets: readonly string[] = [],
): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redact(String(url), secrets);
  }
  let out = `${parsed.protocol}//`;
  if (parsed.username || parsed.password) out += "****@";
  out += `${parsed.host}${parsed.pathname}`;
  if (parsed.search) {
    const pairs = parsed.search.slice(1).split("&").map((pair) => {
      const eq = pair.indexOf("=");
      if (eq < 0) return pair;
      const name = pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, " "));
      } catch {
        // keep the raw name
      }
      if (!SECRET_PARAMS.has(decoded.toLowerCase())) return pair;
      let value = pair.slice(eq + 1);
      try {
        value = decodeURIComponent(value.replace(/\+/g, " "));
      } catch {
        // keep the raw value
      }
      return `${name}=${maskSecret(value)}`;
    });
    out += `?${pairs.join("&")}`;
  }
  if (parsed.hash) out += parsed.hash;
  return redact(out, secrets);
}

/**
 * Copies headers into a plain object (lower-case names) with secret values
 * masked: `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie`,
 * API-key headers and any header whose name mentions a token or secret.
 * An auth scheme (`Bearer`, `Basic`) stays readable.
 *
 * @param headers The headers to copy.
 * @returns A plain object safe to log.
 *
 * @example Mask the Authorization header
 * ```ts
 * import { redactHeaders } from "./redact.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(
 *   redactHeaders({ Authorization: "Bearer abcdefghijklmnop", "API-Version": "2026-10" }),
 *   { "api-version": "2026-10", authorization: "Bearer …mnop" },
 * );
 * ```
 */
export function redactHeaders(headers: HeadersInit): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of new Headers(headers)) {
    const lower = name.toLowerCase();
    if (
      SECRET_HEADERS.has(lower) || lower.includes("token") ||
      lower.includes("secret")
    ) {
      const scheme = /^(bearer|basic|token)\s+/i.exec(value);
      out[lower] = scheme
        ? `${scheme[0]}${maskSecret(value.slice(scheme[0].length))}`
        : maskSecret(value);
    } else {
      out[lower] = value;
    }
  }
  return out;
}
