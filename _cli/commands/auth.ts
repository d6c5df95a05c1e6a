/**
 * The `auth` commands: OAuth login (desktop and headless), status, refresh, logout, export, import.
 *
 * @module
 */

import type { CommandContext } from "../context.ts";
import { CommandError, EXIT } from "../errors.ts";
import {
  graphqlClient,
  oauthClient,
  openStore,
  resolveConnection,
} from "../resolve_connection.ts";
import { AtomicFile } from "../../_fs/mod.ts";
import { readPassphrase } from "../prompt.ts";
import { readBytesArgument } from "../read_input.ts";
import {
  credentialStatus,
  desktopLogin,
  type DesktopLoginOptions,
  exportCredentials,
  headlessAuthorizationUrl,
  headlessExchange,
  importCredentials,
  type OAuthTokens,
  type UserInfo,
} from "../../auth/mod.ts";
import { maskSecret } from "../../_http/mod.ts";
import { type ConnectionOptions, DEFAULT_API_URL } from "../../connection.ts";

function setup(context: CommandContext) {
  const connection = resolveConnection(context, "oauth");
  const store = openStore(context, connection);
  return { connection, store };
}

function describeTokens(tokens: OAuthTokens, location: string) {
  return {
    location,
    version: tokens.version,
    scope: tokens.scope ?? null,
    accessToken: maskSecret(tokens.accessToken),
    refreshToken: tokens.refreshToken ? maskSecret(tokens.refreshToken) : null,
    expiresAt: tokens.expiresAt === undefined
      ? null
      : new Date(tokens.expiresAt).toISOString(),
  };
}

function tokenText(tokens: OAuthTokens): string {
  const expiry = tokens.expiresAt === undefined
    ? "does not expire"
    : `expires ${new Date(tokens.expiresAt).toISOString()}`;
  return `access token ${maskSecret(tokens.accessToken)} (${expiry})${
    tokens.refreshToken
      ? `, refresh token ${maskSecret(tokens.refreshToken)}`
      : ""
  }${tokens.scope ? `, scope '${tokens.scope}'` : ""}`;
}

/**
 * Runs `auth login`: the desktop flow with a loopback callback.
 *
 * @param context The invocation.
 * @returns The exit code.
 */
export async function runAuthLogin(context: CommandContext): Promise<number> {
  const { connection, store } = setup(context);
  const client = oauthClient(context, connection, store);
  const options: DesktopLoginOptions = {
    signal: context.signal,
    // The URL must reach the user even with --quiet: it is the only way to log in without a browser.
    writer: (text) => context.out.stderr(text),
  };
  if (context.flags.boolean("browser") === false) options.opener = false;
  else if (context.extras.opener) options.opener = context.extras.opener;
  const tokens = await desktopLogin(client, options);
  await context.out.summary(
    { loggedIn: true, ...describeTokens(tokens, store.location) },
    `Logged in: ${tokenText(tokens)}; stored in ${store.location}`,
  );
  return EXIT.ok;
}

/**
 * Runs `auth url`: step 1 of the headless flow.
 *
 * @param context The invocation.
 * @returns The exit code.
 */
export async function runAuthUrl(context: CommandContext): Promise<number> {
  const { connection, store } = setup(context);
  const client = oauthClient(context, connection, store);
  const request = await headlessAuthorizationUrl(client, {
    writer: false,
    signal: context.signal,
  });
  await context.out.info(
    [
      "Open this URL in a browser on any machine and approve the access.",
      "The browser then lands on the callback address (it may show an error page there: that is fine).",
      "Copy that whole address (or just its code) and run:",
      "  mondaykit auth exchange '<the address>'",
      `The pending login expires at ${
        new Date(request.expiresAt).toISOString()
      }.`,
    ].join("\n"),
  );
  await context.out.result(
    {
      url: request.url,
      callbackUrl: request.callbackUrl,
      expiresAt: new Date(request.expiresAt).toISOString(),
    },
    request.url,
  );
  return EXIT.ok;
}

/**
 * Runs `auth exchange`: step 2 of the headless flow.
 *
 * @param context The invocation.
 * @returns The exit code.
 */
export async function runAuthExchange(
  context: CommandContext,
): Promise<number> {
  const { connection, store } = setup(context);
  const client = oauthClient(context, connection, store);
  const tokens = await headlessExchange(client, context.positionals[0]!, {
    signal: context.signal,
  });
  await context.out.summary(
    { loggedIn: true, ...describeTokens(tokens, store.location) },
    `Logged in: ${tokenText(tokens)}; stored in ${store.location}`,
  );
  return EXIT.ok;
}

/** What `auth status` asks the API about the stored token's user. */
export const ME_DOCUMENT: string = "query { me { id name email } }";

/** How long `auth status` waits for the API to say who the token belongs to. */
const LOOKUP_TIMEOUT_MS = 10_000;

/**
 * Asks the GraphQL API (`me`) who a stored access token acts for, once, without retries:
 * `auth status` must answer quickly even offline. Notes whether the API refused the token.
 */
function userLookup(
  context: CommandContext,
  connection: ConnectionOptions,
  refused: { value: boolean },
) {
  return async (
    authorization: string,
    options: { signal?: AbortSignal },
  ): Promise<UserInfo> => {
    const apiUrl = new URL(connection.apiUrl ?? DEFAULT_API_URL);
    // A status check must never stop at a permission prompt: without network access to the
    // API, show what the store holds.
    const net = await Deno.permissions.query({
      name: "net",
      host: apiUrl.host,
    });
    if (net.state !== "granted") {
      throw new Error(
        `no network permission for '${apiUrl.host}' (add it to --allow-net)`,
      );
    }
    const { AuthenticationError } = await import("../../graphql/mod.ts");
    const client = graphqlClient(context, connection, {
      provider: { authorization: () => Promise.resolve(authorization) },
      graphql: {
        timeoutMs: Math.min(
          LOOKUP_TIMEOUT_MS,
          (connection.timeout ?? Infinity) * 1000,
        ),
        retry: false,
        onWarning: () => {},
      },
    });
    try {
      const { me } = await client.request<
        { me: { id: string; name: string | null; email: string | null } }
      >(ME_DOCUMENT, undefined, options);
      return {
        id: String(me.id),
        ...(me.name ? { name: me.name } : {}),
        ...(me.email ? { email: me.email } : {}),
      };
    } catch (error) {
      if (error instanceof AuthenticationError) refused.value = true;
      throw error;
    }
  };
}

/**
 * Runs `auth status`: who is logged in (asking the API's `me` for the name and email),
 * expiry, last 4 characters of the tokens.
 *
 * @param context The invocation.
 * @returns The exit code: 0 when a usable login is stored, else 3 (also when the API refuses the token).
 */
export async function runAuthStatus(context: CommandContext): Promise<number> {
  const { connection, store } = setup(context);
  const refused = { value: false };
  const status = await credentialStatus(store, {
    signal: context.signal,
    lookupUser: userLookup(context, connection, refused),
  });
  const lines: string[] = [];
  if (!status.loggedIn) {
    lines.push(`Not logged in (settings: ${status.location})`);
    if (status.pendingAuthorizations > 0) {
      lines.push(
        `${status.pendingAuthorizations} login(s) started with 'mondaykit auth url' await 'mondaykit auth exchange'`,
      );
    }
  } else {
    const ids = status.userId
      ? `user ${status.userId}${
        status.accountId ? `, account ${status.accountId}` : ""
      }`
      : undefined;
    const who = status.userName
      ? `${status.userName}${status.userEmail ? ` <${status.userEmail}>` : ""}${
        ids ? ` (${ids})` : ""
      }`
      : ids ?? "unknown user";
    lines.push(
      `Logged in as ${who}${
        status.expired
          ? " — the access token has EXPIRED"
          : refused.value
          ? " — the API REFUSED the access token"
          : ""
      }`,
    );
    if (status.userLookupError && !refused.value) {
      lines.push(
        `  (could not ask the API who this is: ${status.userLookupError})`,
      );
    }
    lines.push(`  settings       ${status.location}`);
    if (status.clientId) lines.push(`  client id      ${status.clientId}`);
    if (status.version) {
      lines.push(
        `  OAuth          ${
          status.version === "2.1"
            ? "2.1 (PKCE, rotating refresh tokens)"
            : "legacy 2.0"
        }`,
      );
    }
    if (status.scope) lines.push(`  scope          ${status.scope}`);
    if (status.accessToken) {
      lines.push(`  access token   ${status.accessToken}`);
    }
    lines.push(
      `  expires        ${
        status.expiresAt === undefined
          ? "never"
          : new Date(status.expiresAt).toISOString()
      }`,
    );
    if (status.refreshToken) {
      lines.push(`  refresh token  ${status.refreshToken}`);
    }
    if (status.obtainedAt !== undefined) {
      lines.push(
        `  obtained       ${new Date(status.obtainedAt).toISOString()}`,
      );
    }
  }
  const value = {
    ...status,
    ...(refused.value ? { refused: true } : {}),
    ...(status.expiresAt === undefined
      ? {}
      : { expiresAt: new Date(status.expiresAt).toISOString() }),
    ...(status.obtainedAt === undefined
      ? {}
      : { obtainedAt: new Date(status.obtainedAt).toISOString() }),
  };
  await context.out.result(value, lines.join("\n"));
  // An expired access token is still a usable login when a refresh token can renew it.
  const usable = status.loggedIn && !refused.value &&
    (!status.expired || status.refreshToken !== undefined);
  return usable ? EXIT.ok : EXIT.auth;
}

/**
 * Runs `auth refresh`.
 *
 * @param context The invocation.
 * @returns The exit code.
 */
export async function runAuthRefresh(context: CommandContext): Promise<number> {
  const { connection, store } = setup(context);
  const client = oauthClient(context, connection, store);
  const tokens = await client.refreshTokens({ signal: context.signal });
  await context.out.summary(
    { refreshed: true, ...describeTokens(tokens, store.location) },
    `Refreshed: ${tokenText(tokens)}`,
  );
  return EXIT.ok;
}

/**
 * Runs `auth logout [--revoke]`.
 *
 * @param context The invocation.
 * @returns The exit code.
 */
export async function runAuthLogout(context: CommandContext): Promise<number> {
  const { connection, store } = setup(context);
  if (context.flags.boolean("revoke")) {
    const client = oauthClient(context, connection, store);
    const result = await client.logout({ signal: context.signal });
    await context.out.summary(
      {
        hadTokens: result.hadTokens,
        revoked: result.revoked,
        deleted: result.hadTokens,
        ...(result.error ? { error: result.error } : {}),
      },
      !result.hadTokens
        ? `Nothing to log out: no tokens in ${store.location}`
        : result.revoked
        ? `Revoked the tokens at the OAuth server and deleted them from ${store.location}`
        : `Deleted the tokens from ${store.location}, but revocation failed: ${
          result.error ?? "unknown error"
        }`,
    );
    return result.hadTokens && !result.revoked ? EXIT.failure : EXIT.ok;
  }
  const status = await credentialStatus(store, { signal: context.signal });
  await store.delete({ signal: context.signal });
  await context.out.summary(
    { hadTokens: status.loggedIn, revoked: false, deleted: true },
    status.loggedIn
      ? `Deleted the tokens from ${store.location} (they stay valid until they expire; use --revoke to revoke them)`
      : `Nothing to log out: no tokens in ${store.location}`,
  );
  return EXIT.ok;
}

/**
 * Runs `auth export --out f`.
 *
 * @param context The invocation.
 * @returns The exit code.
 */
export async function runAuthExport(context: CommandContext): Promise<number> {
  const path = context.flags.required("out", "<file>");
  const { store } = setup(context);
  const passphrase = await readPassphrase(context, true);
  const blob = await exportCredentials(store, passphrase, {
    signal: context.signal,
  });
  const file = await AtomicFile.create(path, { mode: 0o600 });
  try {
    await file.writeBytes(blob);
    await file.commit();
  } catch (error) {
    await file.abort();
    throw error;
  }
  await context.out.summary(
    { exported: true, out: path, bytes: blob.length },
    `Exported the settings of ${store.location} to ${path} (encrypted with the passphrase). Copy it to the other machine and run 'mondaykit auth import ${path}'.`,
  );
  return EXIT.ok;
}

/**
 * Runs `auth import f`.
 *
 * @param context The invocation.
 * @returns The exit code.
 */
export async function runAuthImport(context: CommandContext): Promise<number> {
  const path = context.positionals[0]!;
  const blob = await readBytesArgument(path, "export file", context.spec.name);
  const { store } = setup(context);
  const passphrase = await readPassphrase(context, false);
  try {
    await importCredentials(store, blob, passphrase, {
      signal: context.signal,
    });
  } catch (error) {
    if (error instanceof Error && error.name === "SettingsDecryptError") {
      throw new CommandError(
        `Cannot import '${path}': wrong passphrase, or the file was changed`,
        {
          code: "decrypt_failed",
          cause: error,
        },
      );
    }
    throw error;
  }
  const status = await credentialStatus(store, { signal: context.signal });
  await context.out.summary(
    { imported: true, location: store.location, loggedIn: status.loggedIn },
    `Imported '${path}' into ${store.location}${
      status.loggedIn ? `; logged in, access token ${status.accessToken}` : ""
    }`,
  );
  return EXIT.ok;
}
