/**
 * The one place connection settings become clients: which client option
 * each connection property feeds (`ApiUrl` → `apiUrl`, `ApiVersion` →
 * `apiVersion`, `Timeout` seconds → `timeoutMs`, `APIToken`/`Domain` → the
 * audit client's `token`/`domain`, the rest → the credential provider).
 * `createClient` in `mod.ts` and the CLI both build their clients here.
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
import {
  createCredentials,
  type CreateCredentialsOptions,
  type CredentialProvider,
} from "./auth/mod.ts";

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
 * @param settings Validated connection settings.
 * @param options Credential and client options; `provider` replaces the settings' credentials.
 * @returns The client (nothing sent yet).
 * @throws {TypeError} When the settings describe no usable credentials.
 */
export function graphqlClientFor(
  settings: ConnectionOptions,
  options: GraphqlClientForOptions = {},
): MondayClient {
  const credentials = options.provider ??
    createCredentials({ ...settings, schema: "GraphQL" }, options.credentials);
  return new MondayClient({
    ...(settings.apiUrl !== undefined ? { apiUrl: settings.apiUrl } : {}),
    ...(settings.apiVersion !== undefined
      ? { apiVersion: settings.apiVersion }
      : {}),
    ...timeoutMsOf(settings),
    ...options.graphql,
    credentials,
  });
}

/**
 * The Audit Log client for validated settings: their `APIToken` and
 * `Domain`, and their timeout.
 *
 * @param settings Validated connection settings.
 * @param options Audit client options and extra allowed domain hosts.
 * @returns The client (nothing sent yet).
 * @throws {TypeError} When the settings lack the token or the domain, or
 * ask for OAuth (the audit API takes tokens only).
 */
export function auditLogClientFor(
  settings: ConnectionOptions,
  options: CreateClientOptions = {},
): AuditLogClient {
  if (settings.authScheme === "OAuth") {
    throw new TypeError(
      "Invalid audit log connection: the Audit Log API takes an API token, not OAuth (use AuthScheme=Token)",
    );
  }
  return new AuditLogClient({
    ...timeoutMsOf(settings),
    ...options.auditLog,
    ...(options.allowDomainHosts !== undefined
      ? { allowDomainHosts: options.allowDomainHosts }
      : {}),
    token: settings.apiToken ?? "",
    domain: settings.domain ?? "",
  });
}
