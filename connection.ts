/**
 * Connection settings: the typed {@linkcode ConnectionOptions}, the
 * CData-style connection string (`Schema=GraphQL;APIToken=...`) users of
 * the seed's driver know, validation, and environment fallbacks.
 *
 * Secrets (`APIToken`, `OAuthClientSecret`, `OAuthAccessToken`,
 * `OAuthRefreshToken`, `OAuthVerifier`, `ProxyPassword`) stay readable as properties of the
 * objects this module returns, but never show through `Deno.inspect`,
 * `console.log`, `JSON.stringify`, `String()` or template literals.
 *
 * See `docs/connection-string.md` for every property and rule.
 *
 * @example Parse a connection string
 * ```ts
 * import { parseConnectionString } from "./connection.ts";
 * import assert from "node:assert/strict";
 *
 * const options = parseConnectionString("Schema=GraphQL; APIToken='abc;def=ghi-1234'");
 * assert.equal(options.apiToken, "abc;def=ghi-1234");
 * assert.equal(JSON.stringify(options), '{"schema":"GraphQL","apiToken":"…1234"}');
 * ```
 *
 * @module
 */

import { maskSecret, redact } from "./_http/redact.ts";
import { isLoopbackHost } from "./_http/url.ts";
import {
  checkAccountDomain,
  checkApiVersion,
  DEFAULT_API_URL,
  didYouMean,
  readEnv,
} from "./_common/mod.ts";

export { DEFAULT_API_URL };

/** Which monday.com API a connection talks to. */
export type SchemaName = "GraphQL" | "AuditLog";
/** How a connection authenticates: a personal/audit API token, or OAuth. */
export type AuthScheme = "Token" | "OAuth";
/**
 * How OAuth tokens are obtained: `OFF` (the caller supplies
 * `OAuthAccessToken`), `GETANDREFRESH` (browser flow when nothing is
 * stored, then refresh as needed), `REFRESH` (only exchange `OAuthVerifier`
 * or refresh what is stored).
 */
export type InitiateOAuthMode = "OFF" | "GETANDREFRESH" | "REFRESH";

/** Typed connection settings; every field matches a connection-string property. */
export interface ConnectionOptions {
  /**
   * The API: `GraphQL` or `AuditLog` (connection string: `Schema`).
   *
   * @default {"GraphQL"}
   */
  schema?: SchemaName;
  /**
   * The authentication scheme (`AuthScheme`). `AuditLog` takes `Token` only.
   *
   * @default {"Token"}
   */
  authScheme?: AuthScheme;
  /** The personal API token, or the audit token for `AuditLog` (`APIToken`). Secret. */
  apiToken?: string;
  /**
   * The account's base URL, `https://<slug>.monday.com`, under which
   * `/audit-api/get-logs` lives (`Domain`, alias `URL`).
   */
  domain?: string;
  /** How OAuth tokens are obtained (`InitiateOAuth`). */
  initiateOAuth?: InitiateOAuthMode;
  /** The OAuth app's client ID (`OAuthClientId`). */
  oauthClientId?: string;
  /** The OAuth app's client secret (`OAuthClientSecret`). Secret. */
  oauthClientSecret?: string;
  /** An OAuth access token (`OAuthAccessToken`). Secret. */
  oauthAccessToken?: string;
  /** An OAuth refresh token (`OAuthRefreshToken`). Secret. */
  oauthRefreshToken?: string;
  /** The authorization code from the callback (`OAuthVerifier`). Secret. */
  oauthVerifier?: string;
  /**
   * Where OAuth tokens persist (`OAuthSettingsLocation`): a file path,
   * `memory://<id>` or `kv://<prefix>`.
   */
  oauthSettingsLocation?: string;
  /** The OAuth redirect URI (`CallbackURL`). */
  callbackUrl?: string;
  /** OAuth scopes, space-separated (`Scope`). */
  scope?: string;
  /** The API version: `YYYY-MM` with month 01, 04, 07 or 10, `current` or `dev` (`ApiVersion`). */
  apiVersion?: string;
  /** The per-request timeout in seconds (`Timeout`). */
  timeout?: number;
  /**
   * The GraphQL endpoint (`ApiUrl`); the file endpoint and `get_schema` live beside it.
   *
   * @default {"https://api.monday.com/v2"}
   */
  apiUrl?: string;
  /**
   * The OAuth server's base URL (`AuthUrl`).
   *
   * @default {"https://auth.monday.com"}
   */
  authUrl?: string;
  /**
   * The HTTP proxy every request goes through (`ProxyServer`): a host name
   * or address, or an `http://`/`https://` URL without credentials (put
   * them in `ProxyUser`/`ProxyPassword`). Wins over `HTTPS_PROXY`/
   * `HTTP_PROXY`; hosts in `NO_PROXY` still bypass it.
   */
  proxyServer?: string;
  /**
   * The proxy's port (`ProxyPort`), 1-65535; a port in `ProxyServer`'s URL
   * wins.
   *
   * @default {80}
   */
  proxyPort?: number;
  /** The user name for the proxy's Basic authentication (`ProxyUser`). */
  proxyUser?: string;
  /** The password for the proxy's Basic authentication (`ProxyPassword`). Secret. */
  proxyPassword?: string;
  /**
   * Extra CA certificates to trust besides the system's (`SSLServerCert`):
   * PEM text, or the path of a PEM file (read when a client is built, with
   * `--allow-read`).
   */
  sslServerCert?: string;
}

/** Options for parsing and validating connection settings. */
export interface ConnectionValidationOptions {
  /**
   * Hosts besides `*.monday.com` and loopback hosts that `Domain` may name
   * (still over https://), e.g. a proxy in front of the audit API.
   *
   * @default {[]}
   */
  allowDomainHosts?: readonly string[];
  /**
   * Skip the checks for missing required properties (`APIToken` for tokens,
   * `Domain` for `AuditLog`, the OAuth client). Values are still checked and
   * `AuthScheme=OAuth` with `Schema=AuditLog` is still refused. For callers
   * that fill the gaps from elsewhere (flags, the environment) and validate
   * the merged result with {@linkcode validateConnectionOptions}.
   *
   * @default {false}
   */
  partial?: boolean;
}

/** Options for {@linkcode formatConnectionString}. */
export interface FormatConnectionOptions {
  /**
   * Write secrets in full instead of masked (`…abcd`). Only for storing
   * the string somewhere as safe as the secrets themselves.
   *
   * @default {false}
   */
  includeSecrets?: boolean;
}

/** Options for {@linkcode connectionFromEnv}. */
export interface ConnectionFromEnvOptions extends ConnectionValidationOptions {
  /**
   * Reads one environment variable. By default `Deno.env.get`, skipping
   * (without a prompt) variables the program may not read.
   */
  env?: (name: string) => string | undefined;
  /**
   * The API the caller wants. With `"AuditLog"`, `MONDAY_AUDIT_TOKEN` is
   * preferred over `MONDAY_API_TOKEN` and the result has `schema: "AuditLog"`.
   *
   * @default {undefined} (decided by the variables present)
   */
  schema?: SchemaName;
}

/** The default OAuth server base URL. */
export const DEFAULT_AUTH_URL = "https://auth.monday.com";

type Key = keyof ConnectionOptions;

interface PropertySpec {
  name: string;
  key: Key;
  kind: "string" | "secret" | "enum" | "number";
  values?: readonly string[];
  aliases?: readonly string[];
}

const PROPERTIES: readonly PropertySpec[] = [
  {
    name: "Schema",
    key: "schema",
    kind: "enum",
    values: ["GraphQL", "AuditLog"],
  },
  {
    name: "AuthScheme",
    key: "authScheme",
    kind: "enum",
    values: ["Token", "OAuth"],
  },
  { name: "APIToken", key: "apiToken", kind: "secret" },
  { name: "Domain", key: "domain", kind: "string", aliases: ["URL"] },
  {
    name: "InitiateOAuth",
    key: "initiateOAuth",
    kind: "enum",
    values: ["OFF", "GETANDREFRESH", "REFRESH"],
  },
  { name: "OAuthClientId", key: "oauthClientId", kind: "string" },
  { name: "OAuthClientSecret", key: "oauthClientSecret", kind: "secret" },
  { name: "OAuthAccessToken", key: "oauthAccessToken", kind: "secret" },
  { name: "OAuthRefreshToken", key: "oauthRefreshToken", kind: "secret" },
  { name: "OAuthVerifier", key: "oauthVerifier", kind: "secret" },
  {
    name: "OAuthSettingsLocation",
    key: "oauthSettingsLocation",
    kind: "string",
  },
  { name: "CallbackURL", key: "callbackUrl", kind: "string" },
  { name: "Scope", key: "scope", kind: "string" },
  { name: "ApiVersion", key: "apiVersion", kind: "string" },
  { name: "Timeout", key: "timeout", kind: "number" },
  { name: "ApiUrl", key: "apiUrl", kind: "string" },
  { name: "AuthUrl", key: "authUrl", kind: "string" },
  { name: "ProxyServer", key: "proxyServer", kind: "string" },
  { name: "ProxyPort", key: "proxyPort", kind: "number" },
  { name: "ProxyUser", key: "proxyUser", kind: "string" },
  { name: "ProxyPassword", key: "proxyPassword", kind: "secret" },
  { name: "SSLServerCert", key: "sslServerCert", kind: "string" },
];

const BY_NAME: ReadonlyMap<string, PropertySpec> = new Map(
  PROPERTIES.flatMap((p) =>
    [p.name, ...(p.aliases ?? [])].map((n) => [n.toLowerCase(), p] as const)
  ),
);
const BY_KEY: ReadonlyMap<string, PropertySpec> = new Map(
  PROPERTIES.map((p) => [p.key, p] as const),
);
const SECRET_KEYS: readonly Key[] = PROPERTIES.filter((p) =>
  p.kind === "secret"
).map((p) => p.key);

/** How validation names properties and prefixes its messages. */
interface Style {
  prefix: string;
  label(spec: PropertySpec): string;
}

const STRING_STYLE: Style = {
  prefix: "Cannot parse connection string",
  label: (spec) => spec.name,
};
const OPTIONS_STYLE: Style = {
  prefix: "Invalid connection options",
  label: (spec) => spec.key,
};

/** Names a property with its value, e.g. `'Schema=AuditLog'` or `schema 'AuditLog'`. */
function pair(style: Style, key: Key, value: string): string {
  const spec = BY_KEY.get(key)!;
  return style === OPTIONS_STYLE
    ? `${spec.key} '${value}'`
    : `'${spec.name}=${value}'`;
}

function unknownMessage(
  style: Style,
  what: string,
  input: string,
  known: readonly string[],
): string {
  const suggestion = didYouMean(input, known);
  return suggestion === undefined
    ? `${style.prefix}: unknown ${what} '${input}' (known: ${known.join(", ")})`
    : `${style.prefix}: unknown ${what} '${input}' (did you mean '${suggestion}'?)`;
}

function shown(value: string): string {
  const text = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return redact(text.replace(/(\/\/)[^/@\s]+@/, "$1****@"));
}

function checkDomain(
  value: string,
  style: Style,
  spec: PropertySpec,
  options: ConnectionValidationOptions,
): string {
  return checkAccountDomain(value, `${style.prefix}: '${style.label(spec)}'`, {
    allowDomainHosts: options.allowDomainHosts,
    show: shown,
  });
}

function checkUrl(value: string, style: Style, spec: PropertySpec): string {
  const label = style.label(spec);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(
      `${style.prefix}: '${label}' must be an absolute URL, got '${
        shown(value)
      }'`,
    );
  }
  if (
    url.protocol === "https:" ||
    (url.protocol === "http:" && isLoopbackHost(url.hostname))
  ) {
    return value;
  }
  throw new TypeError(
    `${style.prefix}: '${label}' must use https:// (plain http:// only to a loopback host), got '${
      shown(value)
    }'`,
  );
}

/**
 * A proxy is a bare host (`proxy.corp`, `10.0.0.5`, `[::1]`, with or without
 * `:port`) or an `http://`/`https://` URL. Credentials inside it are refused
 * (they would show wherever the setting is shown): `ProxyUser` and the
 * secret `ProxyPassword` carry them.
 */
function checkProxyServer(
  value: string,
  style: Style,
  spec: PropertySpec,
): string {
  const label = style.label(spec);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value)
    ? value
    : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new TypeError(
      `${style.prefix}: '${label}' must be a host name or an http(s):// URL, got '${
        shown(value)
      }'`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new TypeError(
      `${style.prefix}: '${label}' must not hold credentials: put them in '${
        style.label(BY_KEY.get("proxyUser")!)
      }' and '${style.label(BY_KEY.get("proxyPassword")!)}', got '${
        shown(withScheme)
      }'`,
    );
  }
  if (
    (url.protocol !== "http:" && url.protocol !== "https:") ||
    url.hostname === "" || (url.pathname !== "/" && url.pathname !== "") ||
    url.search !== "" || url.hash !== ""
  ) {
    throw new TypeError(
      `${style.prefix}: '${label}' must be a host name or an http(s):// URL with no path, got '${
        shown(value)
      }'`,
    );
  }
  return value;
}

/** Normalises and checks one value; returns the value to store. */
function checkValue(
  spec: PropertySpec,
  raw: unknown,
  style: Style,
  options: ConnectionValidationOptions,
): string | number {
  const label = style.label(spec);
  if (spec.key === "proxyPort") {
    const n = typeof raw === "number"
      ? raw
      : typeof raw === "string" && /^\s*\d{1,5}\s*$/.test(raw)
      ? Number(raw)
      : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 65535) {
      throw new RangeError(
        `${style.prefix}: '${label}' must be a port number from 1 to 65535, got '${
          shown(String(raw))
        }'`,
      );
    }
    return n;
  }
  if (spec.kind === "number") {
    let n: number;
    if (typeof raw === "number") {
      n = raw;
    } else if (typeof raw === "string" && /^\s*\d+(\.\d+)?\s*$/.test(raw)) {
      n = Number(raw);
    } else {
      n = NaN;
    }
    if (!Number.isFinite(n) || n <= 0) {
      throw new RangeError(
        `${style.prefix}: '${label}' must be a positive number of seconds, got '${
          shown(String(raw))
        }'`,
      );
    }
    return n;
  }
  if (typeof raw !== "string") {
    throw new TypeError(
      `${style.prefix}: '${label}' must be a string, got ${
        raw === null ? "null" : typeof raw
      }`,
    );
  }
  if (spec.kind === "secret") return raw;
  const value = raw.trim();
  if (spec.kind === "enum") {
    const values = spec.values ?? [];
    const match = values.find((v) => v.toLowerCase() === value.toLowerCase());
    if (match === undefined) {
      throw new RangeError(
        `${style.prefix}: '${label}' must be one of ${
          values.map((v) => `'${v}'`).join(", ")
        }, got '${shown(value)}'`,
      );
    }
    return match;
  }
  switch (spec.key) {
    case "domain":
      return checkDomain(value, style, spec, options);
    case "apiUrl":
    case "authUrl":
    case "callbackUrl":
      return checkUrl(value, style, spec);
    case "apiVersion":
      return checkApiVersion(value, `${style.prefix}: '${label}'`, shown);
    case "proxyServer":
      return checkProxyServer(value, style, spec);
    default:
      return raw; // free text keeps its (quoted) edge whitespace
  }
}

function requireProps(
  out: ConnectionOptions,
  style: Style,
  keys: readonly Key[],
  reason: string,
): void {
  const missing = keys.filter((k) => out[k] === undefined);
  if (missing.length === 0) return;
  const labels = missing.map((k) => `'${style.label(BY_KEY.get(k)!)}'`);
  throw new TypeError(
    `${style.prefix}: missing required ${
      labels.length === 1 ? "property" : "properties"
    } ${labels.join(", ")} for ${reason}`,
  );
}

/** Checks the cross-property rules of a complete set of options. */
function checkCombination(
  out: ConnectionOptions,
  style: Style,
  partial: boolean,
): void {
  if (out.proxyServer === undefined) {
    const loose = (["proxyPort", "proxyUser", "proxyPassword"] as const)
      .find((k) => out[k] !== undefined);
    if (loose !== undefined) {
      throw new TypeError(
        `${style.prefix}: '${style.label(BY_KEY.get(loose)!)}' needs '${
          style.label(BY_KEY.get("proxyServer")!)
        }'`,
      );
    }
  } else if (out.proxyPassword !== undefined && out.proxyUser === undefined) {
    throw new TypeError(
      `${style.prefix}: '${style.label(BY_KEY.get("proxyPassword")!)}' needs '${
        style.label(BY_KEY.get("proxyUser")!)
      }'`,
    );
  }
  const schema = out.schema ?? "GraphQL";
  const scheme = out.authScheme ?? "Token";
  if (schema === "AuditLog") {
    if (scheme === "OAuth") {
      throw new TypeError(
        `${style.prefix}: ${
          pair(style, "authScheme", "OAuth")
        } cannot be used with ${
          pair(style, "schema", "AuditLog")
        }: the audit API takes tokens only`,
      );
    }
    if (partial) return;
    requireProps(
      out,
      style,
      ["apiToken", "domain"],
      pair(style, "schema", "AuditLog"),
    );
    return;
  }
  if (partial) return;
  if (scheme === "Token") {
    requireProps(out, style, ["apiToken"], pair(style, "authScheme", "Token"));
    return;
  }
  requireProps(
    out,
    style,
    ["oauthClientId"],
    pair(style, "authScheme", "OAuth"),
  );
  const suppliedToken = out.initiateOAuth === "OFF" &&
    out.oauthAccessToken !== undefined;
  if (!suppliedToken) {
    const access = style.label(BY_KEY.get("oauthAccessToken")!);
    requireProps(
      out,
      style,
      ["oauthClientSecret"],
      `${pair(style, "authScheme", "OAuth")} (unless ${
        pair(style, "initiateOAuth", "OFF")
      } with '${access}')`,
    );
  }
}

function inspectView(options: ConnectionOptions): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    view[key] = SECRET_KEYS.includes(key as Key) && typeof value === "string"
      ? maskSecret(value)
      : value;
  }
  return view;
}

/**
 * Adds non-enumerable `toJSON`, `toString` and inspect hooks that mask
 * secrets; the secret fields themselves stay readable.
 */
function protect(options: ConnectionOptions): ConnectionOptions {
  Object.defineProperties(options, {
    toJSON: {
      value: function (this: ConnectionOptions) {
        return inspectView(this);
      },
    },
    toString: {
      value: function (this: ConnectionOptions) {
        return formatConnectionString(this);
      },
    },
    [Symbol.for("Deno.customInspect")]: {
      value: function (
        this: ConnectionOptions,
        inspect: (value: unknown, options?: unknown) => string,
        inspectOptions?: unknown,
      ) {
        return `ConnectionOptions ${
          inspect(inspectView(this), inspectOptions)
        }`;
      },
    },
    [Symbol.for("nodejs.util.inspect.custom")]: {
      value: function (
        this: ConnectionOptions,
        _depth: number,
        inspectOptions: unknown,
        inspect: (value: unknown, options?: unknown) => string,
      ) {
        return `ConnectionOptions ${
          inspect(inspectView(this), inspectOptions)
        }`;
      },
    },
  });
  return options;
}

function validate(
  input: ConnectionOptions,
  style: Style,
  options: ConnectionValidationOptions,
): ConnectionOptions {
  const out: ConnectionOptions = {};
  for (const spec of PROPERTIES) {
    const raw = input[spec.key];
    if (raw === undefined) continue;
    if (
      typeof raw === "string" && raw.trim() === "" && spec.kind !== "secret"
    ) {
      continue; // an empty value means "not set"
    }
    if (raw === "") continue;
    (out as Record<string, unknown>)[spec.key] = checkValue(
      spec,
      raw,
      style,
      options,
    );
  }
  checkCombination(out, style, options.partial === true);
  return protect(out);
}

/**
 * Checks typed connection options and returns a normalised copy (enum
 * values in canonical case, `domain` reduced to its origin, empty strings
 * dropped) whose secrets are hidden from inspect/JSON/`toString`.
 *
 * @param options The options to check.
 * @param validation Extra hosts allowed for `domain`.
 * @returns A validated copy.
 * @throws {TypeError} On an unknown option (with the nearest known name), a
 * bad URL or domain, a missing required option, or OAuth with `AuditLog`.
 * @throws {RangeError} On a bad enum value, timeout or API version.
 *
 * @example Validate typed options
 * ```ts
 * import { validateConnectionOptions } from "./connection.ts";
 * import assert from "node:assert/strict";
 *
 * const options = validateConnectionOptions({ apiToken: "my-personal-token-1234", timeout: 30 });
 * assert.equal(`${options}`, "APIToken=…1234;Timeout=30");
 * assert.throws(
 *   () => validateConnectionOptions({ schema: "AuditLog", apiToken: "t0ken-value-5678" }),
 *   { name: "TypeError", message: "Invalid connection options: missing required property 'domain' for schema 'AuditLog'" },
 * );
 * ```
 */
export function validateConnectionOptions(
  options: ConnectionOptions,
  validation: ConnectionValidationOptions = {},
): ConnectionOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `${OPTIONS_STYLE.prefix}: expected an object, got ${
        options === null ? "null" : typeof options
      }`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!BY_KEY.has(key)) {
      throw new TypeError(
        unknownMessage(OPTIONS_STYLE, "option", key, [...BY_KEY.keys()]),
      );
    }
  }
  return validate(options, OPTIONS_STYLE, validation);
}

interface RawProperty {
  name: string;
  value: string;
  position: number;
}

/** Splits a connection string into name/value pairs (syntax only). */
function tokenize(text: string, prefix: string): RawProperty[] {
  const out: RawProperty[] = [];
  const isSpace = (ch: string | undefined) => ch !== undefined && /\s/.test(ch);
  let i = 0;
  while (i < text.length) {
    while (i < text.length && (isSpace(text[i]) || text[i] === ";")) i++;
    if (i >= text.length) break;
    const nameStart = i;
    while (i < text.length && text[i] !== "=" && text[i] !== ";") i++;
    const name = text.slice(nameStart, i).trim();
    if (name === "") {
      throw new SyntaxError(
        `${prefix}: missing property name before '=' at position ${
          nameStart + 1
        }`,
      );
    }
    if (text[i] !== "=") {
      throw new SyntaxError(
        `${prefix}: expected '=' after '${shown(name)}' at position ${i + 1}`,
      );
    }
    i++; // '='
    while (i < text.length && isSpace(text[i]) && text[i] !== ";") i++;
    const quote = text[i];
    let value = "";
    if (quote === "'" || quote === '"') {
      const open = i;
      i++;
      for (;;) {
        if (i >= text.length) {
          throw new SyntaxError(
            `${prefix}: unterminated quote (${quote}) in the value of '${
              shown(name)
            }' starting at position ${open + 1}`,
          );
        }
        const ch = text[i] as string;
        if (ch === quote) {
          if (text[i + 1] === quote) {
            value += quote;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += ch;
        i++;
      }
      while (i < text.length && isSpace(text[i])) i++;
      if (i < text.length && text[i] !== ";") {
        throw new SyntaxError(
          `${prefix}: unexpected text after the quoted value of '${
            shown(name)
          }' at position ${i + 1}: expected ';'`,
        );
      }
    } else {
      const start = i;
      while (i < text.length && text[i] !== ";") i++;
      value = text.slice(start, i).trim();
    }
    out.push({ name, value, position: nameStart + 1 });
  }
  return out;
}

/** Tokenises and maps names to properties: unknown and duplicate names fail. */
function collect(text: string, prefix: string): Record<string, string> {
  if (typeof text !== "string") {
    throw new TypeError(
      `${prefix}: expected a string, got ${
        text === null ? "null" : typeof text
      }`,
    );
  }
  const style: Style = { ...STRING_STYLE, prefix };
  const seen = new Map<Key, string>();
  const raw: Record<string, string> = {};
  for (const property of tokenize(text, prefix)) {
    const spec = BY_NAME.get(property.name.toLowerCase());
    if (spec === undefined) {
      throw new TypeError(
        unknownMessage(style, "property", shown(property.name), [
          ...PROPERTIES.map((p) => p.name),
          ...PROPERTIES.flatMap((p) => p.aliases ?? []),
        ]),
      );
    }
    const earlier = seen.get(spec.key);
    if (earlier !== undefined) {
      throw new SyntaxError(
        earlier.toLowerCase() === property.name.toLowerCase()
          ? `${prefix}: duplicate property '${spec.name}' at position ${property.position}`
          : `${prefix}: duplicate property '${property.name}' at position ${property.position}: it is an alias of '${earlier}', already given`,
      );
    }
    seen.set(spec.key, property.name);
    raw[spec.key] = property.value;
  }
  return raw;
}

/**
 * Parses a connection string such as
 * `Schema=AuditLog;Domain=https://acme.monday.com;APIToken=...` into
 * validated {@linkcode ConnectionOptions}.
 *
 * Rules: property names are case-insensitive; `;` separates properties and
 * the first `=` assigns; values may be quoted with `'` or `"` (a doubled
 * quote inside is a literal quote) to hold `;`, `=` or edge whitespace;
 * whitespace around names and unquoted values is trimmed; an empty value
 * means "not set". Enum values are case-insensitive.
 *
 * @param text The connection string.
 * @param validation Extra hosts allowed for `Domain`.
 * @returns Validated options whose secrets are hidden from inspect/JSON/`toString`.
 * @throws {SyntaxError} On a missing `=`, an unterminated quote (with its
 * position), text after a closing quote, or a duplicate property.
 * @throws {TypeError} On an unknown property (with the nearest known name),
 * a bad `Domain`/URL, `AuthScheme=OAuth` with `Schema=AuditLog`, or missing
 * required properties.
 * @throws {RangeError} On a bad enum value (listing the allowed ones), a
 * non-positive `Timeout` or a malformed `ApiVersion`.
 *
 * @example Quoting and errors
 * ```ts
 * import { parseConnectionString } from "./connection.ts";
 * import assert from "node:assert/strict";
 *
 * const options = parseConnectionString(
 *   "schema=auditlog; url=https://acme.monday.com; apitoken=\"it's;a=secret\"",
 * );
 * assert.equal(options.schema, "AuditLog");
 * assert.equal(options.domain, "https://acme.monday.com");
 * assert.equal(options.apiToken, "it's;a=secret");
 *
 * assert.throws(() => parseConnectionString("APITokn=x"), {
 *   message: "Cannot parse connection string: unknown property 'APITokn' (did you mean 'APIToken'?)",
 * });
 * ```
 */
export function parseConnectionString(
  text: string,
  validation: ConnectionValidationOptions = {},
): ConnectionOptions {
  return validate(
    collect(text, STRING_STYLE.prefix) as ConnectionOptions,
    STRING_STYLE,
    validation,
  );
}

function quoteIfNeeded(value: string): string {
  if (value === "" || /[;='"]/.test(value) || value.trim() !== value) {
    return `"${value.replaceAll('"', '""')}"`;
  }
  return value;
}

/**
 * Writes options as a connection string, in a fixed property order, quoting
 * values that need it. Secrets are masked (`…abcd`) unless
 * `includeSecrets` is set; the result then parses back to equal options.
 *
 * @param options The options to write (not validated; unknown fields are ignored).
 * @param format Whether to write secrets in full.
 * @returns The connection string.
 *
 * @example Round trip
 * ```ts
 * import { formatConnectionString, parseConnectionString } from "./connection.ts";
 * import assert from "node:assert/strict";
 *
 * const options = { apiToken: "tok;en=with-specials-9876", scope: "boards:read users:read" };
 * assert.equal(formatConnectionString(options), "APIToken=…9876;Scope=boards:read users:read");
 * const full = formatConnectionString(options, { includeSecrets: true });
 * assert.equal(full, 'APIToken="tok;en=with-specials-9876";Scope=boards:read users:read');
 * assert.deepEqual({ ...parseConnectionString(full) }, options);
 * ```
 */
export function formatConnectionString(
  options: ConnectionOptions,
  format: FormatConnectionOptions = {},
): string {
  const parts: string[] = [];
  for (const spec of PROPERTIES) {
    const value = options[spec.key];
    if (value === undefined) continue;
    let text = String(value);
    if (spec.kind === "secret" && !format.includeSecrets) {
      text = maskSecret(text);
    }
    parts.push(`${spec.name}=${quoteIfNeeded(text)}`);
  }
  return parts.join(";");
}

/**
 * Reads connection settings from the environment, only when called (never
 * at import). Without `--allow-env` the default reader skips variables
 * silently, without a permission prompt.
 *
 * Precedence:
 * 1. `MONDAYKIT_CONNECTION`, when set, is parsed as a connection string and
 *    wins for every property it sets. The single variables below only fill
 *    what it leaves unset (so a token can live in its own variable).
 * 2. The token: with `schema: "AuditLog"` requested (or `Schema=AuditLog`
 *    in the string), `MONDAY_AUDIT_TOKEN`. Otherwise, for the token scheme,
 *    `MONDAY_API_TOKEN`; when that is unset and `MONDAY_AUDIT_TOKEN` is set
 *    (and no schema was requested), the audit token with
 *    `schema: "AuditLog"`.
 * 3. `MONDAY_DOMAIN` → `domain`, `MONDAY_API_URL` → `apiUrl`,
 *    `MONDAY_AUTH_URL` → `authUrl`.
 *
 * Empty variables count as unset. The result is validated like
 * {@linkcode validateConnectionOptions}.
 *
 * With `partial: true`, finding no token is not an error: the result holds
 * what the variables give (e.g. only `domain`), for callers that fill the
 * rest from elsewhere.
 *
 * @param options The variable reader, the wanted API, extra domain hosts.
 * @returns Validated options whose secrets are hidden.
 * @throws {TypeError} When no settings are found (unless `partial`), or like
 * {@linkcode parseConnectionString} / {@linkcode validateConnectionOptions}
 * (errors name the variable the bad value came from).
 *
 * @example Injected environment
 * ```ts
 * import { connectionFromEnv } from "./connection.ts";
 * import assert from "node:assert/strict";
 *
 * const env: Record<string, string> = {
 *   MONDAY_AUDIT_TOKEN: "audit-token-abcdef-0001",
 *   MONDAY_DOMAIN: "https://acme.monday.com",
 * };
 * const options = connectionFromEnv({ env: (name) => env[name] });
 * assert.equal(options.schema, "AuditLog");
 * assert.equal(options.apiToken, "audit-token-abcdef-0001");
 * ```
 */
export function connectionFromEnv(
  options: ConnectionFromEnvOptions = {},
): ConnectionOptions {
  const read = (name: string): string | undefined => {
    const value = (options.env ?? readEnv)(name);
    return typeof value === "string" && value.trim() !== "" ? value : undefined;
  };
  const validation: ConnectionValidationOptions = {
    ...(options.allowDomainHosts === undefined
      ? {}
      : { allowDomainHosts: options.allowDomainHosts }),
    ...(options.partial === undefined ? {} : { partial: options.partial }),
  };
  const connection = read("MONDAYKIT_CONNECTION");
  const base: ConnectionOptions = connection === undefined ? {} : {
    ...parseRaw(
      connection,
      "Cannot parse connection string in MONDAYKIT_CONNECTION",
      validation,
    ),
  };
  const apiToken = read("MONDAY_API_TOKEN");
  const auditToken = read("MONDAY_AUDIT_TOKEN");
  if (options.schema !== undefined && base.schema === undefined) {
    base.schema = options.schema;
  }
  const sources: Partial<Record<Key, string>> = {};
  const fill = (key: Key, variable: string, value: string | undefined) => {
    if (value === undefined || base[key] !== undefined) return;
    (base as Record<string, unknown>)[key] = value;
    sources[key] = variable;
  };
  if ((base.authScheme ?? "Token") === "Token") {
    if (base.schema === "AuditLog") {
      fill("apiToken", "MONDAY_AUDIT_TOKEN", auditToken);
    } else if (apiToken !== undefined) {
      fill("apiToken", "MONDAY_API_TOKEN", apiToken);
    } else if (
      auditToken !== undefined && base.schema === undefined &&
      base.apiToken === undefined
    ) {
      base.schema = "AuditLog";
      fill("apiToken", "MONDAY_AUDIT_TOKEN", auditToken);
    }
  }
  fill("domain", "MONDAY_DOMAIN", read("MONDAY_DOMAIN"));
  fill("apiUrl", "MONDAY_API_URL", read("MONDAY_API_URL"));
  fill("authUrl", "MONDAY_AUTH_URL", read("MONDAY_AUTH_URL"));
  if (
    connection === undefined && base.apiToken === undefined &&
    options.partial !== true
  ) {
    throw new TypeError(
      `No monday.com connection settings in the environment: set MONDAYKIT_CONNECTION, MONDAY_API_TOKEN or MONDAY_AUDIT_TOKEN${
        options.env === undefined
          ? " (and allow reading it with --allow-env)"
          : ""
      }`,
    );
  }
  // Validate each filled value with its variable named, then the whole.
  for (const [key, variable] of Object.entries(sources)) {
    const spec = BY_KEY.get(key)!;
    checkValue(spec, base[key as Key], {
      prefix: `Invalid environment variable ${variable}`,
      label: () => variable,
    }, validation);
  }
  return validate(base, {
    prefix: connection === undefined
      ? "Invalid connection settings from the environment"
      : "Invalid connection settings from MONDAYKIT_CONNECTION",
    label: (spec) => spec.name,
  }, validation);
}

/** Parses and normalises values, without the cross-property checks. */
function parseRaw(
  text: string,
  prefix: string,
  validation: ConnectionValidationOptions,
): ConnectionOptions {
  const style: Style = { ...STRING_STYLE, prefix };
  const out: ConnectionOptions = {};
  for (const [key, value] of Object.entries(collect(text, prefix))) {
    if (value === "") continue;
    (out as Record<string, unknown>)[key] = checkValue(
      BY_KEY.get(key)!,
      value,
      style,
      validation,
    );
  }
  return out;
}
