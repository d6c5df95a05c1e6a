// Internal: the one-shot HTTP server on a loopback address that receives the
// OAuth redirect in the desktop flow.

import { isLoopbackHost } from "../_http/mod.ts";
import { timingSafeEqual } from "./_callback_input.ts";

/** What the callback request must look like. */
export interface CallbackExpectation {
  /** The exact path, e.g. `/callback`. */
  path: string;
  /** The exact `Host` header value, e.g. `127.0.0.1:8085` (lowercase). */
  host: string;
}

/** The verdict on one incoming request. */
export type CallbackCheck =
  | { ok: true; url: URL }
  | { ok: false; status: number; reason: string };

/**
 * Decides whether a request is the OAuth callback: GET, from a loopback
 * address, with the expected Host (against DNS rebinding) and the exact path.
 */
export function checkCallbackRequest(
  request: Request,
  remoteHostname: string,
  expected: CallbackExpectation,
): CallbackCheck {
  if (!isLoopbackHost(remoteHostname)) {
    return {
      ok: false,
      status: 403,
      reason: `request from non-loopback address '${remoteHostname}'`,
    };
  }
  const host = (request.headers.get("host") ?? "").toLowerCase();
  if (host !== expected.host && host !== `${expected.host}:80`) {
    return {
      ok: false,
      status: 400,
      reason: `wrong Host header '${
        host.slice(0, 100)
      }' (expected '${expected.host}')`,
    };
  }
  const url = new URL(request.url);
  if (url.pathname !== expected.path) {
    return {
      ok: false,
      status: 404,
      reason: `unexpected path '${url.pathname.slice(0, 100)}'`,
    };
  }
  if (request.method !== "GET") {
    return {
      ok: false,
      status: 405,
      reason: `unexpected method '${request.method}'`,
    };
  }
  return { ok: true, url };
}

/** A page shown to the user in the browser tab. */
export interface CallbackPage {
  status: number;
  title: string;
  message: string;
}

/** Renders a small self-contained HTML page. */
export function renderPage(page: CallbackPage): Response {
  const escape = (text: string) =>
    text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(page.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#323338}</style>
</head><body><h1>${escape(page.title)}</h1><p>${
    escape(page.message)
  }</p></body></html>
`;
  return new Response(html, {
    status: page.status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
    },
  });
}

/** The callback that arrived; answer it with `respond`. */
export interface ReceivedCallback {
  url: URL;
  respond(page: CallbackPage): void;
}

/** A running loopback server. */
export interface LoopbackServer {
  /** The redirect URI with the real port. */
  readonly callbackUrl: string;
  /** Resolves with the first valid callback request. */
  readonly received: Promise<ReceivedCallback>;
  /** Requests refused so far (reasons, no secrets). */
  readonly refused: readonly string[];
  /**
   * Sets the `state` the callback must carry. Until it is set, and for any
   * request with another (or no) state, the request is answered with an
   * error page and the server keeps waiting: a stray request (a local
   * process, a web page loading an image from the loopback address) cannot
   * end the login.
   */
  expectState(state: string): void;
  /** Stops listening (after answering the pending callback). */
  close(): Promise<void>;
}

/**
 * Starts the server on the callback URL's loopback host and port (port 0 picks
 * a free one) and waits for one valid callback: the right peer, Host, path
 * and method, and the state set with `expectState`.
 */
export function startLoopbackServer(
  callbackUrl: string,
  options: {
    onRefused?: (reason: string) => void;
    remoteHostname?: (info: Deno.ServeHandlerInfo) => string;
  } = {},
): LoopbackServer {
  let url: URL;
  try {
    url = new URL(callbackUrl);
  } catch {
    throw new TypeError(
      `Cannot start login callback server: callbackUrl '${callbackUrl}' is not an absolute URL`,
    );
  }
  if (url.protocol !== "http:" || !isLoopbackHost(url.hostname)) {
    throw new TypeError(
      `Cannot start login callback server: callbackUrl '${callbackUrl}' must be http:// on a loopback host (127.0.0.1, [::1] or localhost)`,
    );
  }
  const hostname = url.hostname === "[::1]"
    ? "::1"
    : url.hostname === "localhost"
    ? "127.0.0.1"
    : url.hostname;
  const port = url.port === "" ? 80 : Number(url.port);
  const refused: string[] = [];
  let accept!: (callback: ReceivedCallback) => void;
  const received = new Promise<ReceivedCallback>((resolve) => accept = resolve);
  let accepted = false;
  let expectedState: string | undefined;
  let expected: CallbackExpectation = { path: url.pathname, host: "" };
  const remoteOf = options.remoteHostname ??
    ((info: Deno.ServeHandlerInfo) =>
      (info.remoteAddr as Deno.NetAddr).hostname);
  let closed = false;
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname,
      port,
      onListen: () => {},
    }, (request, info) => {
      let check = checkCallbackRequest(request, remoteOf(info), expected);
      if (check.ok && accepted) {
        check = { ok: false, status: 409, reason: "callback already received" };
      } else if (check.ok) {
        const state = check.url.searchParams.get("state");
        if (expectedState === undefined) {
          check = {
            ok: false,
            status: 409,
            reason: "no login is waiting for a callback yet",
          };
        } else if (state === null || state === "") {
          check = {
            ok: false,
            status: 400,
            reason: "callback without a state",
          };
        } else if (!timingSafeEqual(state, expectedState)) {
          // The state is secret: the reason never shows it.
          check = {
            ok: false,
            status: 400,
            reason: "callback with a state of another login",
          };
        }
      }
      if (!check.ok) {
        const reason = check.reason;
        refused.push(reason);
        options.onRefused?.(reason);
        return renderPage({
          status: check.status,
          title: "Request refused",
          message:
            `This is mondaykit's login callback; the request was refused: ${reason}.`,
        });
      }
      accepted = true;
      return new Promise<Response>((resolve) => {
        accept({
          url: check.url,
          respond: (page) => resolve(renderPage(page)),
        });
      });
    });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new Error(
        `Cannot start login callback server: port ${port} on ${hostname} is in use (the callback URL '${callbackUrl}' names it)`,
      );
    }
    throw error;
  }
  const actual = new URL(url);
  actual.port = String(server.addr.port);
  expected = {
    path: url.pathname,
    host: actual.host.toLowerCase(),
  };
  const callback = port === 0 ? actual.toString() : callbackUrl;
  return {
    callbackUrl: callback,
    received,
    refused,
    expectState(state: string) {
      expectedState = state;
    },
    async close() {
      if (!closed) {
        closed = true;
        await server.shutdown();
      }
      await server.finished;
    },
  };
}
