/**
 * The desktop login flow: a one-shot server on a loopback address receives the
 * OAuth redirect, the browser is opened for the user and the URL is always
 * printed too.
 *
 * @module
 */

import { type Clock, systemClock } from "../_http/mod.ts";
import { startLoopbackServer } from "./_loopback_server.ts";
import { stderrWriter } from "./_writer.ts";
import { OAuthCallbackError } from "./errors.ts";
import type { OAuthClient } from "./oauth_client.ts";
import { openBrowser } from "./open_browser.ts";
import type { OAuthTokens, Opener, Writer } from "./types.ts";

/** Options for {@linkcode desktopLogin}. */
export interface DesktopLoginOptions {
  /**
   * The registered redirect URI, http:// on 127.0.0.1, [::1] or localhost;
   * its port is bound (port 0 picks a free one, only if registered that way).
   *
   * @default {the client's callbackUrl}
   */
  callbackUrl?: string;
  /** Scopes, space-separated. Defaults to the client's scope. */
  scope?: string;
  /**
   * Opens the authorization URL; `false` only prints it.
   *
   * @default {openBrowser}
   */
  opener?: Opener | false;
  /**
   * Receives the text for the user (the URL, notes).
   *
   * @default {a writer to stderr}
   */
  writer?: Writer;
  /**
   * How long to wait for the callback, in ms.
   *
   * @default {300000}
   */
  timeoutMs?: number;
  /** Aborts the login (the server is closed). */
  signal?: AbortSignal;
  /**
   * The clock that measures the timeout.
   *
   * @default {systemClock}
   */
  clock?: Clock;
}

/**
 * Logs in through the browser: starts a one-shot HTTP server on the callback
 * URL's loopback address, builds the authorization URL (PKCE and state kept
 * in the client's store), prints it, opens it with the opener (failure to open
 * is reported, not fatal), waits for one callback on the exact path with the
 * expected `Host` from a loopback address and this login's `state`, exchanges
 * the code, saves the tokens, and shows a page telling the user the tab can be
 * closed. Any other request to the callback address (a wrong or missing
 * state, a local process, a web page loading an image from 127.0.0.1) gets an
 * error page and is counted; the login keeps waiting for the right one until
 * the timeout or an abort.
 *
 * Needs `--allow-net` for the loopback port and the OAuth server, and
 * optionally `--allow-run` for the default opener.
 *
 * @param client The OAuth client (with its store).
 * @param options Callback URL, opener, writer, timeout, signal.
 * @returns The saved tokens.
 * @throws {OAuthCallbackError} On an `error=` callback carrying this login's
 * state (code such as `access_denied`) or a timeout (code `timeout`, with
 * `refusedRequests`: how many other requests were refused meanwhile).
 * @throws {LoginRequiredError} If the server refuses the code.
 * @throws {TypeError} If the callback URL is missing or not a loopback http URL.
 *
 * @example Log in against the emulator, following the URL over HTTP
 * ```ts
 * import { desktopLogin } from "./desktop_flow.ts";
 * import { OAuthClient } from "./oauth_client.ts";
 * import { startEmulator } from "../emulator/mod.ts";
 * import assert from "node:assert/strict";
 *
 * // The app's registered redirect URI (monday matches it exactly).
 * const free = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const callbackUrl = `http://127.0.0.1:${free.addr.port}/callback`;
 * free.close();
 * await using emulator = await startEmulator({ oauthRedirectUris: [callbackUrl] });
 * const { clientId, clientSecret } = emulator.credentials.oauth;
 * const client = new OAuthClient({ clientId, clientSecret, authUrl: emulator.authUrl, callbackUrl });
 * let browser: Promise<void> | undefined;
 * const tokens = await desktopLogin(client, {
 *   writer: () => {}, // the URL is printed to stderr by default
 *   opener: (url) => {
 *     // A stand-in browser: consent, then follow the redirect to the loopback server.
 *     browser = (async () => {
 *       const consent = await fetch(url, { redirect: "manual" });
 *       await consent.body?.cancel();
 *       await (await fetch(consent.headers.get("location")!)).text();
 *     })();
 *   },
 * });
 * await browser;
 * assert.equal(tokens.version, "2.1");
 * ```
 */
export async function desktopLogin(
  client: OAuthClient,
  options: DesktopLoginOptions = {},
): Promise<OAuthTokens> {
  const callbackUrl = options.callbackUrl ?? client.callbackUrl;
  if (callbackUrl === undefined) {
    throw new TypeError(
      "Cannot log in: no 'callbackUrl' given or configured (the app's registered redirect URI, for example 'http://localhost:8085/callback')",
    );
  }
  const timeoutMs = options.timeoutMs ?? 300_000;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new RangeError(
      `Cannot log in: 'timeoutMs' must be a positive number, got ${timeoutMs}`,
    );
  }
  const writer = options.writer ?? stderrWriter;
  const opener = options.opener ?? openBrowser;
  const clock = options.clock ?? systemClock;
  const signal = options.signal;
  signal?.throwIfAborted();

  const server = startLoopbackServer(callbackUrl, {
    onRefused: (reason) => {
      void Promise.resolve(
        writer(`Ignored a request to the login callback: ${reason}\n`),
      ).catch(() => {});
    },
  });
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const request = await client.getAuthorizationUrl({
      callbackUrl: server.callbackUrl,
      ...(options.scope === undefined ? {} : { scope: options.scope }),
      signal: stop.signal,
    });
    server.expectState(request.state);
    await writer(
      `Open this URL in a browser to log in to monday.com:\n\n  ${request.url}\n\nWaiting for the browser to return to ${server.callbackUrl} ...\n`,
    );
    if (opener !== false) {
      // Not awaited: the browser's request to the callback is answered only
      // after the code is exchanged, and some openers wait for the browser.
      Promise.resolve().then(() => opener(request.url)).catch((error) =>
        writer(
          `Could not open a browser (${
            error instanceof Error ? error.message : String(error)
          }); open the URL above yourself.\n`,
        )
      ).catch(() => {});
    }
    const timeout = clock.sleep(timeoutMs, stop.signal).then(() => {
      const count = server.refused.length;
      const refused = count
        ? ` (refused ${count} other request(s) to the callback address: ${
          [...new Set(server.refused)].slice(0, 3).join("; ")
        })`
        : "";
      throw new OAuthCallbackError(
        `No login callback arrived within ${
          Math.round(timeoutMs / 1000)
        } s${refused}`,
        { code: "timeout", refusedRequests: count },
      );
    });
    const aborted = new Promise<never>((_, reject) => {
      if (stop.signal.aborted) reject(stop.signal.reason);
      stop.signal.addEventListener(
        "abort",
        () => reject(stop.signal.reason),
        { once: true },
      );
    });
    // Keep the losing promises from being reported as unhandled.
    timeout.catch(() => {});
    aborted.catch(() => {});
    const callback = await Promise.race([server.received, timeout, aborted]);
    try {
      const tokens = await client.exchangeCode(callback.url.href, {
        signal: stop.signal,
      });
      callback.respond({
        status: 200,
        title: "Logged in to monday.com",
        message: "mondaykit has its tokens. You may close this tab.",
      });
      const count = server.refused.length;
      await writer(
        count
          ? `Logged in (refused ${count} other request(s) to the callback address).\n`
          : "Logged in.\n",
      );
      return tokens;
    } catch (error) {
      callback.respond({
        status: 400,
        title: "Login failed",
        message: `${
          error instanceof OAuthCallbackError
            ? error.message
            : "The authorization could not be completed"
        }. Return to the terminal for details; you may close this tab.`,
      });
      throw error;
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    stop.abort();
    await server.close();
  }
}
