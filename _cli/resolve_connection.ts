/**
 * Resolves the command's connection from the global flags and the
 * environment, and builds its clients and stores through the library's one
 * composition (`_compose.ts`, the same as `createClient`).
 *
 * @module
 */

import {
  connectionFromEnv,
  type ConnectionOptions,
  parseConnectionString,
  type SchemaName,
  validateConnectionOptions,
} from "../connection.ts";
import {
  auditLogClientFor,
  graphqlClientFor,
  type GraphqlClientForOptions,
  transportFor,
} from "../_compose.ts";
import type { HttpEvent } from "../_http/mod.ts";
import {
  createOAuthClient,
  type CredentialProvider,
  type OAuthClient,
} from "../auth/mod.ts";
import type { AuditLogClient } from "../auditlog/mod.ts";
import type { MondayClient } from "../graphql/mod.ts";
import {
  defaultSettingsPath,
  openSettingsStore,
  type SettingsStore,
} from "../storage/mod.ts";
import type { CommandContext } from "./context.ts";
import { CommandError, EXIT, UsageError } from "./errors.ts";

/** What a command needs the connection for. */
export type Purpose = "graphql" | "audit" | "oauth";

/**
 * `MONDAY_AUDIT_TOKEN`, for an audit connection, unless the connection
 * string in use (`--connection`, else `MONDAYKIT_CONNECTION`) is itself an
 * audit connection (`Schema=AuditLog`). A string without that schema holds
 * the GraphQL API token, which the Audit Log API refuses: the audit token
 * the user set must win over it.
 */
function explicitAuditToken(
  context: CommandContext,
  text: string | undefined,
): string | undefined {
  const read = (name: string): string | undefined => {
    const value = context.io.env(name);
    return typeof value === "string" && value.trim() !== "" ? value : undefined;
  };
  const token = read("MONDAY_AUDIT_TOKEN");
  if (token === undefined) return undefined;
  const string = text ?? read("MONDAYKIT_CONNECTION");
  if (string === undefined) return token;
  try {
    const schema = parseConnectionString(string, { partial: true }).schema;
    return schema === "AuditLog" ? undefined : token;
  } catch {
    // The string's own error is reported where it is parsed for use.
    return undefined;
  }
}

/**
 * The connection options: `--connection` (else the environment), then the individual flags on top.
 * For the audit API, `--audit-token` and then `MONDAY_AUDIT_TOKEN` win over the token of a
 * connection string that is not itself `Schema=AuditLog` (that token is the GraphQL API's).
 *
 * @param context The invocation.
 * @param purpose What the command talks to: the GraphQL API, the audit API, or the OAuth server.
 * @returns Validated options (secrets hidden from inspection).
 * @throws {TypeError} When the connection string or a flag is invalid.
 * @throws {CommandError} With exit code 3 when no credentials are given at all.
 */
export function resolveConnection(
  context: CommandContext,
  purpose: Purpose,
): ConnectionOptions {
  const { flags, io } = context;
  const schema: SchemaName | undefined = purpose === "audit"
    ? "AuditLog"
    : purpose === "graphql"
    ? "GraphQL"
    : undefined;
  const text = flags.string("connection");
  // Partial: the flags below may supply what the string or the environment
  // lacks (e.g. --token); the merged options are validated in full at the end.
  const base = text !== undefined
    ? parseConnectionString(text, { partial: true })
    : connectionFromEnv({
      env: io.env,
      partial: true,
      ...(schema ? { schema } : {}),
    });
  const merged: ConnectionOptions = { ...base };
  const token = flags.string("token");
  const auditToken = flags.string("audit-token") ??
    explicitAuditToken(context, text);
  if (schema === "AuditLog" && auditToken !== undefined) {
    merged.schema = "AuditLog";
    merged.authScheme = "Token";
    merged.apiToken = auditToken;
  } else if (token !== undefined) {
    merged.authScheme = "Token";
    merged.apiToken = token;
  }
  if (schema !== undefined && merged.schema === undefined) {
    merged.schema = schema;
  }
  const set = (flag: string, key: keyof ConnectionOptions) => {
    const value = flags.string(flag);
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  };
  set("domain", "domain");
  set("settings", "oauthSettingsLocation");
  set("api-version", "apiVersion");
  set("api-url", "apiUrl");
  set("auth-url", "authUrl");
  set("proxy", "proxyServer");
  set("client-id", "oauthClientId");
  set("client-secret", "oauthClientSecret");
  set("callback-url", "callbackUrl");
  set("scope", "scope");
  const timeout = flags.seconds("timeout");
  if (timeout !== undefined) merged.timeout = timeout;
  if (purpose === "oauth" && token === undefined) merged.authScheme ??= "OAuth";
  if (purpose === "oauth" && merged.oauthClientId === undefined) {
    // Commands that only read or move the store (status, export, import, logout) need no client:
    // check every value given, without requiring the client's properties. The commands that
    // talk to the OAuth server ask for the client id themselves (oauthClient below).
    return validateConnectionOptions(merged, { partial: true });
  }
  if (
    purpose !== "oauth" && (merged.authScheme ?? "Token") === "Token" &&
    merged.apiToken === undefined
  ) {
    throw new CommandError(
      purpose === "audit"
        ? "No audit token: pass --audit-token, set MONDAY_AUDIT_TOKEN, or use a connection string with Schema=AuditLog;APIToken=…;Domain=…"
        : "No API token: pass --token, set MONDAY_API_TOKEN or MONDAYKIT_CONNECTION, or use OAuth (AuthScheme=OAuth in --connection, after 'mondaykit auth login')",
      { code: "auth_required", exitCode: EXIT.auth },
    );
  }
  return validateConnectionOptions(merged);
}

/**
 * A debug hook that logs each HTTP event with `--verbose` (already redacted by the transport).
 *
 * @param context The invocation.
 * @returns The hook.
 */
export function eventLogger(
  context: CommandContext,
): (event: HttpEvent) => void {
  return (event) => {
    if (!context.out.options.verbose) return;
    const parts = [
      `http ${event.type}`,
      event.method,
      event.url,
      `attempt ${event.attempt}`,
    ];
    if (event.status !== undefined) parts.push(`status ${event.status}`);
    if (event.delayMs !== undefined) parts.push(`wait ${event.delayMs} ms`);
    if (event.error !== undefined) parts.push(event.error);
    void context.out.debug(parts.join(" "));
  };
}

/**
 * The settings location: `--settings`, the connection's `OAuthSettingsLocation`, else the default file.
 *
 * @param context The invocation.
 * @param options The connection options.
 * @returns The location string.
 */
export function settingsLocation(
  context: CommandContext,
  options: ConnectionOptions,
): string {
  return options.oauthSettingsLocation ??
    defaultSettingsPath({ env: context.io.env });
}

/**
 * Opens the settings store.
 *
 * @param context The invocation.
 * @param options The connection options.
 * @returns The store (nothing read yet).
 */
export function openStore(
  context: CommandContext,
  options: ConnectionOptions,
): SettingsStore {
  return openSettingsStore(settingsLocation(context, options), {
    env: context.io.env,
  });
}

/**
 * A GraphQL client for the connection (API token, or OAuth through the settings store).
 *
 * @param context The invocation.
 * @param options The connection options.
 * @param extra A provider that replaces the connection's credentials, or client options.
 * @returns The client.
 */
export function graphqlClient(
  context: CommandContext,
  options: ConnectionOptions,
  extra: {
    provider?: CredentialProvider;
    graphql?: GraphqlClientForOptions["graphql"];
  } = {},
): MondayClient {
  const client = graphqlClientFor(options, {
    ...(extra.provider ? { provider: extra.provider } : {}),
    credentials: {
      env: context.io.env,
      storeOptions: { env: context.io.env },
      writer: (text) => context.out.info(text),
      ...(context.extras.opener ? { opener: context.extras.opener } : {}),
      onEvent: eventLogger(context),
    },
    graphql: {
      onEvent: eventLogger(context),
      onWarning: (warning) =>
        void context.out.warn(`API deprecation: ${warning.message}`),
      ...extra.graphql,
    },
  });
  return context.resources.use(client);
}

/**
 * An Audit Log client for the connection (its `APIToken` and `Domain`).
 *
 * @param context The invocation.
 * @param options The connection options.
 * @returns The client.
 * @throws {TypeError} When the domain is not an allowed account URL.
 */
export function auditClient(
  context: CommandContext,
  options: ConnectionOptions,
): AuditLogClient {
  return context.resources.use(auditLogClientFor(options, {
    auditLog: { onEvent: eventLogger(context) },
  }));
}

/**
 * An OAuth client for the `auth` commands.
 *
 * @param context The invocation.
 * @param options The connection options.
 * @param store The settings store.
 * @returns The client (its proxy/CA transport is released when the command ends).
 * @throws {UsageError} When no client id is given.
 */
export function oauthClient(
  context: CommandContext,
  options: ConnectionOptions,
  store: SettingsStore,
): OAuthClient {
  if (options.oauthClientId === undefined) {
    throw new UsageError(
      "Missing OAuth client id: pass --client-id <id>, or OAuthClientId=… in --connection or MONDAYKIT_CONNECTION",
      context.spec.name,
    );
  }
  const transport = context.resources.use(transportFor(options));
  return createOAuthClient(options, {
    store,
    onEvent: eventLogger(context),
    ...(transport.fetch !== undefined ? { fetch: transport.fetch } : {}),
  });
}
