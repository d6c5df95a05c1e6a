import assert from "node:assert/strict";
import type { Emulator } from "../../emulator/mod.ts";

/** What a test sees of one HTTP answer. */
export interface Answer {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
  text: string;
}

/** POSTs a GraphQL document to the emulator and reads the whole answer. */
export async function gql(
  emulator: Emulator,
  query: string,
  options: {
    variables?: Record<string, unknown>;
    token?: string | null;
    headers?: Record<string, string>;
    url?: string;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    ...options.headers,
  };
  const token = options.token === undefined
    ? emulator.credentials.apiToken
    : options.token;
  if (token !== null) headers.Authorization = token;
  const response = await fetch(options.url ?? emulator.apiUrl, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables: options.variables ?? {} }),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** The id of the first (big) board. */
export async function firstBoardId(emulator: Emulator): Promise<string> {
  const answer = await gql(emulator, "{ boards(limit: 1) { id } }");
  return answer.body.data.boards[0].id;
}

/** What the emulator's token endpoints answer on a successful exchange. */
export interface TokenAnswer {
  access_token: string;
  /** OAuth 2.1 only. */
  refresh_token?: string;
  token_type: string;
  scope: string;
}

/**
 * Logs in through the emulator's OAuth app (automatic consent) and returns
 * the token endpoint's answer: a legacy OAuth 2.0 token, or OAuth 2.1 JWTs
 * (with PKCE) including a refresh token.
 */
export async function oauthTokens(
  emulator: Emulator,
  scope: string,
  kind: "legacy" | "2.1",
): Promise<TokenAnswer> {
  const { clientId, clientSecret, redirectUris } = emulator.credentials.oauth;
  const verifier = "v".repeat(50);
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)),
  );
  const challenge = btoa(String.fromCharCode(...digest)).replace(/\+/g, "-")
    .replace(/\//g, "_").replace(/=+$/, "");
  const authorize = new URL("/oauth2/authorize", emulator.authUrl);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUris[0]!,
    response_type: "code",
    scope,
    state: "s1",
    ...(kind === "2.1"
      ? { code_challenge: challenge, code_challenge_method: "S256" }
      : {}),
  }).toString();
  const redirect = await fetch(authorize, { redirect: "manual" });
  await redirect.body?.cancel();
  const code = new URL(redirect.headers.get("location")!).searchParams.get(
    "code",
  )!;
  const tokenUrl = kind === "legacy"
    ? `${emulator.authUrl}/oauth2/token`
    : `${emulator.authUrl}/oauth_ms/oauth/token`;
  const response = await fetch(tokenUrl, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uri: redirectUris[0]!,
      ...(kind === "2.1" ? { code_verifier: verifier } : {}),
    }),
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return body;
}

/** {@linkcode oauthTokens}, just the access token. */
export async function oauthToken(
  emulator: Emulator,
  scope: string,
  kind: "legacy" | "2.1",
): Promise<string> {
  return (await oauthTokens(emulator, scope, kind)).access_token;
}
