/**
 * The one place connection settings become clients: which client option
 * each connection property feeds (`ApiUrl` → `apiUrl`, `ApiVersion` →
 * `apiVersion`, `Timeout` seconds → `timeoutMs`, `APIToken`/`Domain` → the
 * audit client's `token`/`domain`, the rest → the credential provider).
 * `createClient` in `mod.ts` and the CLI both build their clients here.
 * The proxy and CA properties (`ProxyServer`, `ProxyPort`, `ProxyUser`,
 * `ProxyPassword`, `SSLServerCert`) become one `Deno.HttpClient` whose
 * `fetch` every client of the connection uses (GraphQL, audit log, OAuth);
 * the returned client releases it on `Symbol.dispose`.
 * Internal to the package.
 *
 * @module
 */

import {
  type ConnectionOptions,
  type ConnectionValidationOptions,
  parseConnectionString,
  validateConnectionOptions,
} from "./connection.ts";
import { MondayClient, type MondayClientOptions } from "./graphql/mod.ts";
import { AuditLogClient, type AuditLogClientOptions } from "./auditlog/mod.ts";
import { redact } from "./_http/redact.ts";
import {
  createCredentials,
  type CreateCredentialsOptions,
  type CredentialProvider,
} from "./auth/mod.ts";

/**
 * How a connection's requests leave the process: a `fetch` bound to the
 * `Deno.HttpClient` that the proxy and CA settings describe, or none (the
 * global `fetch`, which honours `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`).
 */
export interface Transport extends Disposable {
  /** The fetch to hand the clients, when the settings need their own. */
  fetch?: typeof fetch;
}

const PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----";

/** `SSLServerCert` as PEM text: the value itself, or the file it names. */
function certificatesOf(value: string): string {
  if (value.includes(PEM_CERTIFICATE)) return value;
  const path = value.trim();
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new TypeError(
        `Invalid connection settings: 'SSLServerCert' names no file: '${path}' not found (give PEM text or the path of a PEM file)`,
      );
    }
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new TypeError(
        `Invalid connection settings: cannot read 'SSLServerCert' file '${path}': permission denied (run with --allow-read)`,
      );
    }
    throw new TypeError(
      `Invalid connection settings: cannot read 'SSLServerCert' file '${path}': ${
        (error as Error).message
      }`,
    );
  }
  if (!text.includes(PEM_CERTIFICATE)) {
    throw new TypeError(
      `Invalid connection settings: 'SSLServerCert' file '${path}' holds no PEM certificate (expected '${PEM_CERTIFICATE}')`,
    );
  }
  return text;
}

/** The proxy URL from `ProxyServer` and `ProxyPort` (a port in the URL wins). */
function proxyUrlOf(settings: ConnectionOptions): string {
  const server = settings.proxyServer!.trim();
  const url = new URL(
    /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `http://${server}`,
  );
  const explicitPort = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:\[[^\]]*\]|[^/:]*):\d+/i
    .test(server);
  if (!explicitPort && settings.proxyPort !== undefined) {
    url.port = String(settings.proxyPort);
  }
  return url.origin;
}

/**
 * The transport for validated settings: with `ProxyServer` or
 * `SSLServerCert`, one `Deno.HttpClient` (the explicit proxy, with Basic
 * credentials from `ProxyUser`/`ProxyPassword`, and the extra CA
 * certificates) and a `fetch` that uses it; otherwise nothing to build.
 * The HttpClient is opened by the first request through that `fetch`, so a
 * caller that brings their own `fetch` never opens one. Dispose the
 * transport to close it (a request after that is refused).
 *
 * @param settings Validated connection settings.
 * @returns The transport.
 * @throws {TypeError} When `SSLServerCert` names a missing file or holds no
 * certificate. When Deno refuses the certificates or the proxy, the
 * transport's `fetch` rejects with a TypeError naming the property.
 */
export function transportFor(settings: ConnectionOptions): Transport {
  if (
    settings.proxyServer === undefined && settings.sslServerCert === undefined
  ) {
    return { [Symbol.dispose]() {} };
  }
  const options: Deno.CreateHttpClientOptions = {};
  if (settings.sslServerCert !== undefined) {
    options.caCerts = [certificatesOf(settings.sslServerCert)];
  }
  if (settings.proxyServer !== undefined) {
    options.proxy = {
      url: proxyUrlOf(settings),
      ...(settings.proxyUser !== undefined
        ? {
          basicAuth: {
            username: settings.proxyUser,
            password: settings.proxyPassword ?? "",
          },
        }
        : {}),
    };
  }
  // Made on first use only: a caller who brings their own `fetch` for every
  // request never uses this one, and no HttpClient is opened for them.
  let client: Deno.HttpClient | undefined;
  let closed = false;
  const open = (): Deno.HttpClient => {
    if (closed) {
      throw new TypeError(
        "Cannot send the request: the connection's transport (proxy or CA settings) was disposed",
      );
    }
    if (client !== undefined) return client;
    try {
      client = Deno.createHttpClient(options);
    } catch (error) {
      const what = settings.sslServerCert !== undefined
        ? "'SSLServerCert' or 'ProxyServer'"
        : "'ProxyServer'";
      throw new TypeError(
        `Invalid connection settings: cannot use ${what}: ${
          redact((error as Error).message)
        }`,
      );
    }
    return client;
  };
  return {
    fetch: (input, init) => {
      let http: Deno.HttpClient;
      try {
        http = open();
      } catch (error) {
        return Promise.reject(error);
      }
      return fetch(input, { ...init, client: http });
    },
    [Symbol.dispose]() {
      if (closed) return;
      closed = true;
      client?.close();
      client = undefined;
    },
  };
}

/** Gives `target` a `Symbol.dispose` that releases the transport. */
function releasing<T extends object>(
  target: T,
  transport: Transport,
): T & Disposable {
  Object.defineProperty(target, Symbol.dispose, {
    value: () => transport[Symbol.dispose](),
    configurable: true,
  });
  return target as T & Disposable;
}

/** Options for {@linkcode createClient}, beyond the connection itself. */
export interface CreateClientOptions {
  /**
   * Options for the credential provider (settings store, browser opener,
   * environment), used for OAuth connections.
   */
  credentials?: CreateCredentialsOptions;
  /** Extra options for a GraphQL client (`Schema=GraphQL`). */
  graphql?: Omit<MondayClientOptions, "credentials" | "token">;
  /** Extra options for an Audit Log client (`Schema=AuditLog`). */
  auditLog?: Omit<
    AuditLogClientOptions,
    "token" | "domain" | "allowDomainHosts"
  >;
  /**
   * Hosts besides `*.monday.com` and loopback hosts that `Domain` may name
   * (still over `https://`), e.g. a proxy in front of the audit API. Used
   * both to validate the connection and by the audit client.
   *
   * @default {[]}
   */
  allowDomainHosts?: readonly string[];
}

/** {@linkcode CreateClientOptions}, plus a provider that replaces the one the settings describe. */
export interface GraphqlClientForOptions extends CreateClientOptions {
  /** Use this provider instead of building one from the settings. */
  provider?: CredentialProvider;
}

/**
 * Parses a connection string, or validates typed options, with the
 * composition's domain allowances.
 *
 * @param connection A connection string or typed options.
 * @param options The allowed extra domain hosts.
 * @returns Validated settings.
 * @throws {SyntaxError|TypeError|RangeError} When the settings are invalid.
 */
export function settingsOf(
  connection: string | ConnectionOptions,
  options: CreateClientOptions = {},
): ConnectionOptions {
  const validation: ConnectionValidationOptions =
    options.allowDomainHosts === undefined
      ? {}
      : { allowDomainHosts: options.allowDomainHosts };
  return typeof connection === "string"
    ? parseConnectionString(connection, validation)
    : validateConnectionOptions(connection, validation);
}

function timeoutMsOf(settings: ConnectionOptions): { timeoutMs?: number } {
  return settings.timeout === undefined
    ? {}
    : { timeoutMs: settings.timeout * 1000 };
}

/**
 * The GraphQL client for validated settings: their endpoint, API version and
 * timeout, with the credential provider they describe (an API token, the
 * token variable, or OAuth through the settings store). The settings'
 * `schema` is not consulted: they are used for the GraphQL API.
 *
 * Requests (and the OAuth provider's token requests) go through the
 * settings' transport ({@linkcode transportFor}) unless the options bring
 * their own `fetch`; dispose the client to release it.
 *
 * @param settings Validated connection settings.
 * @param options Credential and client options; `provider` replaces the settings' credentials.
 * @returns The client (nothing sent yet), disposable.
 * @throws {TypeError} When the settings describe no usable credentials, or
 * their `SSLServerCert` names no readable certificate (a proxy or CA that
 * Deno refuses fails the first request instead).
 */
export function graphqlClientFor(
  settings: ConnectionOptions,
  options: GraphqlClientForOptions = {},
): MondayClient & Disposable {
  const transport = transportFor(settings);
  try {
    const via = transport.fetch;
    const credentials = options.provider ??
      createCredentials(
        { ...settings, schema: "GraphQL" },
        via !== undefined && options.credentials?.fetch === undefined
          ? { ...options.credentials, fetch: via }
          : options.credentials,
      );
    const client = new MondayClient({
      ...(settings.apiUrl !== undefined ? { apiUrl: settings.apiUrl } : {}),
      ...(settings.apiVersion !== undefined
        ? { apiVersion: settings.apiVersion }
        : {}),
      ...timeoutMsOf(settings),
      ...(via !== undefined ? { fetch: via } : {}),
      ...options.graphql,
      credentials,
    });
    return releasing(client, transport);
  } catch (error) {
    transport[Symbol.dispose]();
    throw error;
  }
}

/**
 * The Audit Log client for validated settings: their `APIToken` and
 * `Domain`, and their timeout.
 *
 * Requests go through the settings' transport ({@linkcode transportFor})
 * unless the options bring their own `fetch`; dispose the client to release
 * it.
 *
 * @param settings Validated connection settings.
 * @param options Audit client options and extra allowed domain hosts.
 * @returns The client (nothing sent yet), disposable.
 * @throws {TypeError} When the settings lack the token or the domain, ask
 * for OAuth (the audit API takes tokens only), or their `SSLServerCert`
 * names no readable certificate (a proxy or CA that Deno refuses fails the
 * first request instead).
 */
export function auditLogClientFor(
  settings: ConnectionOptions,
  options: CreateClientOptions = {},
): AuditLogClient & Disposable {
  if (settings.authScheme === "OAuth") {
    throw new TypeError(
      "Invalid audit log connection: the Audit Log API takes an API token, not OAuth (use AuthScheme=Token)",
    );
  }
  const transport = transportFor(settings);
  try {
    const client = new AuditLogClient({
      ...timeoutMsOf(settings),
      ...(transport.fetch !== undefined ? { fetch: transport.fetch } : {}),
      ...options.auditLog,
      ...(options.allowDomainHosts !== undefined
        ? { allowDomainHosts: options.allowDomainHosts }
        : {}),
      token: settings.apiToken ?? "",
      domain: settings.domain ?? "",
    });
    return releasing(client, transport);
  } catch (error) {
    transport[Symbol.dispose]();
    throw error;
  }
}
