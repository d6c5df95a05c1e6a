// Internal: the OAuth server's token and revoke endpoints. Builds the form
// POST with the client's authentication, never follows a redirect, reads the
// answer with a byte limit, parses a token response and maps every failure
// to an error in which each string the server sent is redacted.

import {
  type Clock,
  defaultRetryAfterMs,
  type HttpEvent,
  HttpTransport,
  isRetryableStatus,
  readBodyText,
  redactUrl,
  type RetryPolicy,
  type SecretSet,
} from "../_http/mod.ts";
import { LoginRequiredError, OAuthError } from "./errors.ts";

/** RFC 6749 §5.2 errors that no retry can fix: the user must log in again. */
const PERMANENT_ERRORS: ReadonlySet<string> = new Set([
  "invalid_request",
  "invalid_client",
  "invalid_grant",
  "unauthorized_client",
  "unsupported_grant_type",
  "invalid_scope",
]);

/** A successful token response, its fields checked. */
export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  token_type?: string;
  scope?: string;
  expires_in?: number;
}

/** What the endpoint needs from its client. */
export interface TokenEndpointOptions {
  clientId: string;
  clientSecret: string | undefined;
  clientAuthentication: "client_secret_post" | "client_secret_basic";
  /** The client's secrets; the endpoint pins the Basic credential in it. */
  secrets: SecretSet;
  clock: Clock;
  maxResponseBytes: number;
  fetch?: typeof fetch;
  retry?: RetryPolicy | false;
  timeoutMs?: number;
  onEvent?: (event: HttpEvent) => void;
}

/** The token and revoke endpoints of one OAuth client. */
export class TokenEndpoint {
  readonly #clientId: string;
  readonly #clientSecret: string | undefined;
  readonly #basic: string | undefined;
  readonly #secrets: SecretSet;
  readonly #clock: Clock;
  readonly #maxResponseBytes: number;
  readonly #transport: HttpTransport;

  constructor(options: TokenEndpointOptions) {
    this.#clientId = options.clientId;
    this.#clientSecret = options.clientSecret;
    this.#secrets = options.secrets;
    this.#secrets.pin(options.clientSecret);
    if (
      options.clientAuthentication === "client_secret_basic" &&
      options.clientSecret
    ) {
      const pair = `${encodeURIComponent(options.clientId)}:${
        encodeURIComponent(options.clientSecret)
      }`;
      this.#basic = btoa(pair);
      this.#secrets.pin(this.#basic);
    }
    this.#clock = options.clock;
    this.#maxResponseBytes = options.maxResponseBytes;
    const transportOptions: ConstructorParameters<typeof HttpTransport>[0] = {
      clock: options.clock,
      secrets: () => this.#secrets.list(),
    };
    if (options.fetch) transportOptions.fetch = options.fetch;
    if (options.retry !== undefined) transportOptions.retry = options.retry;
    if (options.timeoutMs !== undefined) {
      transportOptions.timeoutMs = options.timeoutMs;
    }
    if (options.onEvent) transportOptions.onEvent = options.onEvent;
    this.#transport = new HttpTransport(transportOptions);
  }

  /**
   * Posts a grant to the token endpoint and returns the checked answer.
   * Throws LoginRequiredError for permanent grant errors, OAuthError for the
   * rest (retryable for 429, 5xx, `temporarily_unavailable`, `server_error`).
   */
  requestTokens(
    url: string,
    body: URLSearchParams,
    signal: AbortSignal | undefined,
  ): Promise<TokenResponse> {
    return this.#post(url, body, async (response) => {
      const text = await this.#read(response, "Token request failed");
      if (response.ok) {
        const parsed = parseJson(text);
        const tokens = toTokenResponse(parsed);
        if (tokens !== undefined) return tokens;
        if (typeof (parsed as { error?: unknown })?.error === "string") {
          // Some servers answer errors with HTTP 200.
          throw this.#errorFor(response, parsed, "Token request failed");
        }
        throw new OAuthError(
          "Token request failed: the answer has no 'access_token'",
          { code: "invalid_response", status: response.status },
        );
      }
      throw this.#errorFor(response, parseJson(text), "Token request failed");
    }, signal);
  }

  /** Posts a token to the revoke endpoint; resolves once the server confirmed. */
  revoke(
    url: string,
    body: URLSearchParams,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    return this.#post(url, body, async (response) => {
      const text = await this.#read(response, "Revocation failed");
      if (response.ok) return;
      throw this.#errorFor(response, parseJson(text), "Revocation failed");
    }, signal);
  }

  async #read(response: Response, what: string): Promise<string> {
    if (
      response.type === "opaqueredirect" ||
      (response.status >= 300 && response.status < 400)
    ) {
      await response.body?.cancel().catch(() => {});
      const location = response.headers.get("location");
      let target = "an unnamed location";
      if (location !== null) {
        let resolved = location;
        try {
          resolved = new URL(location, response.url || undefined).href;
        } catch {
          // keep the raw text; it is redacted below
        }
        target = `'${
          this.#clean(redactUrl(resolved, this.#secrets.list()), 300)
        }'`;
      }
      throw new OAuthError(
        `${what}: the OAuth server answered HTTP ${response.status} redirecting to ${target}; OAuth requests never follow redirects (check 'authUrl')`,
        { code: "redirect_refused", status: response.status },
      );
    }
    return await readBodyText(response, {
      maxBytes: this.#maxResponseBytes,
      what: `${what}: the OAuth server's answer`,
    });
  }

  /** Redacts, escapes control characters and bounds a string from the server. */
  #clean(text: string, max: number): string {
    const redacted = this.#secrets.redact(text);
    const escaped = redacted.replace(
      // deno-lint-ignore no-control-regex
      /[\u0000-\u001f\u007f-\u009f]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
  }

  #errorFor(response: Response, parsed: unknown, what: string): Error {
    let code: string | undefined;
    let description: string | undefined;
    const fields = (parsed !== null && typeof parsed === "object")
      ? parsed as Record<string, unknown>
      : {};
    if (typeof fields.error === "string" && fields.error !== "") {
      // A known RFC 6749 code is shown as is; anything else is server text.
      code = PERMANENT_ERRORS.has(fields.error) ||
          fields.error === "temporarily_unavailable" ||
          fields.error === "server_error"
        ? fields.error
        : this.#clean(fields.error, 100);
    }
    if (typeof fields.error_description === "string") {
      description = this.#clean(fields.error_description, 300);
    }
    const status = response.status;
    if (code !== undefined && PERMANENT_ERRORS.has(code)) {
      return new LoginRequiredError(
        `${what}: '${code}'${description ? ` (${description})` : ""}`,
        description === undefined
          ? { code, status }
          : { code, status, description },
      );
    }
    const retryable = isRetryableStatus(status) ||
      code === "temporarily_unavailable" || code === "server_error";
    const retryAfterMs = defaultRetryAfterMs(response, this.#clock.now());
    return new OAuthError(
      `${what}: HTTP ${status}${code ? ` '${code}'` : ""}${
        description ? ` (${description})` : ""
      }`,
      {
        code: code ?? `http_${status}`,
        status,
        retryable,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
    );
  }

  #post<T>(
    url: string,
    body: URLSearchParams,
    interpret: (response: Response) => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const headers = new Headers({
      "content-type": "application/x-www-form-urlencoded",
      "accept": "application/json",
    });
    const form = new URLSearchParams(body);
    if (this.#basic !== undefined) {
      headers.set("authorization", `Basic ${this.#basic}`);
    } else {
      form.set("client_id", this.#clientId);
      if (this.#clientSecret) form.set("client_secret", this.#clientSecret);
    }
    const text = form.toString();
    return this.#transport.send(
      () =>
        new Request(url, {
          method: "POST",
          headers,
          body: text,
          // A redirect would re-send the secrets in the body (307/308) to
          // wherever `Location` points: never follow one.
          redirect: "manual",
        }),
      interpret,
      signal ? { signal } : {},
    );
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toTokenResponse(parsed: unknown): TokenResponse | undefined {
  const candidate = parsed as Partial<TokenResponse> | undefined;
  if (
    !candidate || typeof candidate.access_token !== "string" ||
    candidate.access_token === ""
  ) {
    return undefined;
  }
  const out: TokenResponse = { access_token: candidate.access_token };
  if (typeof candidate.refresh_token === "string") {
    out.refresh_token = candidate.refresh_token;
  }
  if (typeof candidate.token_type === "string") {
    out.token_type = candidate.token_type;
  }
  if (typeof candidate.scope === "string") out.scope = candidate.scope;
  const expiresIn = Number(candidate.expires_in);
  if (candidate.expires_in !== undefined && Number.isFinite(expiresIn)) {
    out.expires_in = expiresIn;
  }
  return out;
}
