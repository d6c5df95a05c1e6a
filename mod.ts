/**
 * mondaykit connects Deno programs to monday.com: its GraphQL API
 * ({@linkcode MondayClient}) and its Audit Log API
 * ({@linkcode AuditLogClient}), with API-token and OAuth credentials kept in
 * an encrypted settings file.
 *
 * This front door re-exports the main pieces and composes them:
 * {@linkcode createClient} turns a connection string (the properties users of
 * the CData driver already know) into a ready client. The sub-modules hold
 * the rest: `./graphql`, `./auditlog`, `./auth`, `./storage`, `./emulator`
 * (a monday.com-compatible server on 127.0.0.1) and `./cli`.
 *
 * @example A GraphQL client from a connection string, against the emulator
 * ```ts
 * import assert from "node:assert/strict";
 * import { createClient, MondayClient } from "@mondaykit/mondaykit";
 * import { startEmulator } from "@mondaykit/mondaykit/emulator";
 *
 * await using emulator = await startEmulator();
 * using client = createClient(
 *   `APIToken=${emulator.credentials.apiToken};ApiUrl=${emulator.apiUrl}`,
 * );
 * assert.ok(client instanceof MondayClient);
 * const data = await client.request<{ me: { name: string } }>(
 *   "query { me { name } }",
 * );
 * assert.equal(typeof data.me.name, "string");
 * ```
 *
 * @module
 */

import type { ConnectionOptions } from "./connection.ts";
import type { MondayClient } from "./graphql/mod.ts";
import type { AuditLogClient } from "./auditlog/mod.ts";
import {
  auditLogClientFor,
  type CreateClientOptions,
  graphqlClientFor,
  settingsOf,
} from "./_compose.ts";

export { VERSION } from "./version.ts";
export * from "./connection.ts";
export * from "./graphql/mod.ts";
export * from "./auditlog/mod.ts";
export * from "./auth/mod.ts";
export * from "./storage/mod.ts";
export type { CreateClientOptions } from "./_compose.ts";

/**
 * Builds an {@linkcode AuditLogClient} from typed options with
 * `schema: "AuditLog"`.
 *
 * @param connection Typed connection options.
 * @param options Audit-log client options.
 * @returns The audit log client; dispose it to release its proxy/CA connection pool.
 */
export function createClient(
  connection: ConnectionOptions & { schema: "AuditLog" },
  options?: CreateClientOptions,
): AuditLogClient & Disposable;
/**
 * Builds a {@linkcode MondayClient} from typed options for the GraphQL API.
 *
 * @param connection Typed connection options.
 * @param options Credential and GraphQL client options.
 * @returns The GraphQL client; dispose it to release its proxy/CA connection pool.
 */
export function createClient(
  connection: ConnectionOptions & { schema?: "GraphQL" },
  options?: CreateClientOptions,
): MondayClient & Disposable;
/**
 * Builds a client from connection settings: a {@linkcode MondayClient} for
 * `Schema=GraphQL` (the default) or an {@linkcode AuditLogClient} for
 * `Schema=AuditLog`, with the credentials the settings describe (an API
 * token, or OAuth through the settings store named by
 * `OAuthSettingsLocation`).
 *
 * Proxies and private CAs: `ProxyServer`/`ProxyPort`/`ProxyUser`/
 * `ProxyPassword` and `SSLServerCert` become one `Deno.HttpClient` that the
 * client's requests (OAuth ones included) go through; the client is
 * `Disposable` and releases it on `Symbol.dispose` (declare it with
 * `using`). Without them, requests honour `HTTPS_PROXY`/`HTTP_PROXY`/
 * `NO_PROXY` as Deno's `fetch` does, and disposing does nothing.
 *
 * Permissions: `--allow-net` for the API hosts (and the proxy); OAuth
 * connections also need `--allow-read --allow-write` for the settings file
 * (and `--allow-env` for its key variables); `SSLServerCert` as a path needs
 * `--allow-read` for it; `--allow-env` lets Deno read the proxy variables.
 *
 * @param connection A connection string or typed, validated options.
 * @param options Credential, GraphQL and audit-log options.
 * @returns The client for the connection's schema; dispose it to release
 *   its proxy/CA connection pool.
 * @throws {SyntaxError|TypeError|RangeError} When the connection settings are
 *   invalid (the message names the property), or `SSLServerCert` names a
 *   missing file or one without a PEM certificate.
 *
 * @example An audit log client
 * ```ts
 * import assert from "node:assert/strict";
 * import { AuditLogClient, createClient } from "@mondaykit/mondaykit";
 *
 * using client = createClient({
 *   schema: "AuditLog",
 *   apiToken: "audit-token",
 *   domain: "https://acme.monday.com",
 * });
 * assert.ok(client instanceof AuditLogClient);
 * ```
 */
export function createClient(
  connection: string | ConnectionOptions,
  options?: CreateClientOptions,
): (MondayClient | AuditLogClient) & Disposable;
export function createClient(
  connection: string | ConnectionOptions,
  options: CreateClientOptions = {},
): (MondayClient | AuditLogClient) & Disposable {
  const settings = settingsOf(connection, options);
  return settings.schema === "AuditLog"
    ? auditLogClientFor(settings, options)
    : graphqlClientFor(settings, options);
}
