// Test helper: the emulator's own OAuth service (emulator/_oauth.ts and
// _tokens.ts) served on 127.0.0.1 with redirect URIs the test chooses, so the
// desktop flow can bind the exact registered port. Also answers POST /v2 with
// `{ me { id } }` for a valid token, so tests (and subprocesses) can check
// that a token works.

import { OAuthService } from "../../emulator/_oauth.ts";
import { TokenRegistry } from "../../emulator/_tokens.ts";

export interface AuthServer {
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: string[];
  readonly tokens: TokenRegistry;
  /** Requests per path. */
  readonly requests: Record<string, number>;
  now(): number;
  advance(ms: number): void;
  /** Answer the next `count` requests to `path` with this response instead. */
  inject(path: string, response: () => Response, count?: number): void;
  /** Whether a token works on /v2 right now. */
  works(accessToken: string): Promise<boolean>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface AuthServerOptions {
  redirectUris?: string[];
  consent?: "auto" | "page";
  accessTokenTtlSeconds?: number;
}

/** Finds a free port on 127.0.0.1 (bind, read, close). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

export function startAuthServer(options: AuthServerOptions = {}): AuthServer {
  const realStart = Date.now();
  let advanced = 0;
  const clock = { now: () => Date.now() + advanced };
  void realStart;
  const tokens = new TokenRegistry(clock);
  const clientId = "mondaykit-test-app";
  const clientSecret = "client-secret-ABCDEFGH12345678";
  const redirectUris = options.redirectUris ?? [
    "http://127.0.0.1:8099/callback",
  ];
  const service = new OAuthService({
    clock,
    tokens,
    clientId,
    clientSecret,
    redirectUris,
    consent: options.consent ?? "auto",
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
    userId: "42",
    random: Math.random,
  });
  const requests: Record<string, number> = {};
  const injected: { path: string; response: () => Response; count: number }[] =
    [];
  const controller = new AbortController();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: controller.signal,
    onListen: () => {},
  }, async (request) => {
    const path = new URL(request.url).pathname;
    requests[path] = (requests[path] ?? 0) + 1;
    const fault = injected.find((f) => f.path === path && f.count > 0);
    if (fault) {
      fault.count--;
      await request.body?.cancel();
      return fault.response();
    }
    if (path === "/v2") {
      await request.body?.cancel();
      const header = request.headers.get("authorization") ?? "";
      const check = tokens.check(header.replace(/^Bearer\s+/i, ""));
      if (!check.ok) {
        return Response.json({ error_message: "Not Authenticated" }, {
          status: 401,
        });
      }
      return Response.json({ data: { me: { id: check.info.userId } } });
    }
    return await service.handle(request);
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  const close = async () => {
    controller.abort();
    await server.finished;
  };
  return {
    url,
    clientId,
    clientSecret,
    redirectUris,
    tokens,
    requests,
    now: clock.now,
    advance: (ms) => {
      advanced += ms;
    },
    inject: (path, response, count = 1) => {
      injected.push({ path, response, count });
    },
    async works(accessToken) {
      const response = await fetch(`${url}/v2`, {
        method: "POST",
        headers: { authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ query: "{ me { id } }" }),
      });
      await response.body?.cancel();
      return response.ok;
    },
    close,
    [Symbol.asyncDispose]: close,
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
