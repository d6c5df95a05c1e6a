// Test helper: the emulator (startEmulator) seen through the few things the
// auth tests need: its OAuth app, requests per OAuth path, the emulator clock,
// fault injection on the OAuth routes, and whether a token works on the
// GraphQL API (`{ me { id } }`).

import {
  type Emulator,
  type EmulatorRoute,
  type Fault,
  startEmulator,
} from "../../emulator/mod.ts";

export interface AuthServer {
  readonly emulator: Emulator;
  /** The OAuth server base URL (= the emulator's). */
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: string[];
  /** Counters of the emulator's token registry. */
  readonly tokens: { readonly refreshes: number; readonly revoked: number };
  /** Requests seen per OAuth path (undefined when none). */
  readonly requests: Record<string, number | undefined>;
  now(): number;
  advance(ms: number): void;
  /** Answer the next `count` requests to an OAuth path with this instead. */
  inject(path: string, fault: Fault, count?: number): void;
  /** Whether an access token works on the GraphQL API right now. */
  works(accessToken: string): Promise<boolean>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface AuthServerOptions {
  redirectUris?: string[];
  consent?: "auto" | "page";
  accessTokenTtlSeconds?: number;
}

const ROUTE_OF: Record<string, EmulatorRoute> = {
  "/oauth2/authorize": "authorize",
  "/oauth2/token": "token_legacy",
  "/oauth_ms/oauth/token": "token",
  "/oauth_ms/oauth/revoke": "revoke",
};

/** Finds a free port on 127.0.0.1 (bind, read, close). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Starts the emulator (manual clock starting now) with the given OAuth app settings. */
export async function startAuthServer(
  options: AuthServerOptions = {},
): Promise<AuthServer> {
  const redirectUris = options.redirectUris ??
    ["http://127.0.0.1:8099/callback"];
  const emulator = await startEmulator({
    startTime: Date.now(),
    oauthRedirectUris: redirectUris,
    users: 3,
    boards: 1,
    items: 1,
    auditEntries: 1,
    ...(options.consent ? { consent: options.consent } : {}),
    ...(options.accessTokenTtlSeconds
      ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds }
      : {}),
  });
  const { clientId, clientSecret } = emulator.credentials.oauth;
  const requests = new Proxy({} as Record<string, number | undefined>, {
    get(_, path) {
      const route = ROUTE_OF[String(path)];
      if (route === undefined) return undefined;
      const count = emulator.stats().requests[route];
      return count === 0 ? undefined : count;
    },
  });
  return {
    emulator,
    url: emulator.authUrl,
    clientId,
    clientSecret,
    redirectUris,
    tokens: {
      get refreshes() {
        return emulator.stats().refreshes;
      },
      get revoked() {
        return emulator.stats().tokensRevoked;
      },
    },
    requests,
    now: () => emulator.now(),
    advance: (ms) => emulator.advance(ms),
    inject(path, fault, count = 1) {
      const route = ROUTE_OF[path];
      if (route === undefined) throw new TypeError(`No route for '${path}'`);
      emulator.inject(route, { ...fault, count });
    },
    async works(accessToken) {
      const response = await fetch(emulator.apiUrl, {
        method: "POST",
        headers: {
          authorization: `Bearer ${accessToken}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ query: "query { me { id } }" }),
      });
      const body = await response.json().catch(() => undefined);
      return response.ok && body?.data?.me?.id !== undefined;
    },
    close: () => emulator.close(),
    [Symbol.asyncDispose]: () => emulator.close(),
  };
}

/** Follows an authorization URL like a browser with auto consent: returns the redirect (callback) URL. */
export async function consent(authorizationUrl: string): Promise<string> {
  const response = await fetch(authorizationUrl, { redirect: "manual" });
  await response.body?.cancel();
  const location = response.headers.get("location");
  if (response.status !== 302 || !location) {
    throw new Error(`Authorize did not redirect: HTTP ${response.status}`);
  }
  return location;
}
