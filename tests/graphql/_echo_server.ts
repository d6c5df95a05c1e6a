/**
 * A hostile API stub for the redaction tests: every error body it sends
 * echoes the whole request (method, URL, headers, body) in every field it
 * has (message, path, code, extensions, error_data, the legacy fields, the
 * request id), raw, URL-encoded and base64-encoded.
 *
 * @module
 */

/** The error-body shapes the stub answers with, in turn per request. */
export const ECHO_SHAPES = [
  "current",
  "legacy",
  "strings",
  "text",
] as const;

/** One of {@linkcode ECHO_SHAPES}. */
export type EchoShape = typeof ECHO_SHAPES[number];

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary);
}

/** The echo of a request in its three spellings. */
export function echoForms(echo: string): string[] {
  return [echo, encodeURIComponent(echo), base64(echo)];
}

function bodyFor(shape: EchoShape, echo: string): {
  status: number;
  body: string;
} {
  const [raw, url, b64] = echoForms(echo) as [string, string, string];
  switch (shape) {
    case "current":
      return {
        status: 200,
        body: JSON.stringify({
          data: { echoed: raw },
          errors: [{
            message: `Echo ${raw}`,
            path: ["me", raw],
            locations: [{ line: 1, column: 1 }],
            extensions: {
              code: raw,
              status_code: 200,
              request: raw,
              encoded: url,
              base64: b64,
              [raw]: "as a key",
              error_data: { raw, url, b64, nested: [{ deeper: [b64] }] },
            },
          }, `second ${url}`],
          extensions: { request_id: raw },
        }),
      };
    case "legacy":
      return {
        status: 400,
        body: JSON.stringify({
          error_code: raw,
          error_message: `Legacy ${url}`,
          status_code: 400,
          error_data: { raw, b64 },
          account_id: 1,
        }),
      };
    case "strings":
      return {
        status: 400,
        body: JSON.stringify({ errors: [raw, url, b64] }),
      };
    case "text":
      return { status: 400, body: `Plain text ${raw} ${url} ${b64}` };
  }
}

/** A running stub. */
export interface EchoServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>/v2`. */
  readonly apiUrl: string;
  /** How many requests it answered. */
  readonly requests: number;
}

/**
 * Starts the stub on 127.0.0.1. It answers with `shape`, or with each shape
 * in turn when none is given.
 *
 * @param shape The one shape to answer with.
 * @returns The server; dispose of it to stop it.
 */
export function startEchoServer(shape?: EchoShape): EchoServer {
  let requests = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const body = await request.text();
      const echo = JSON.stringify({
        method: request.method,
        url: request.url,
        headers: Object.fromEntries(request.headers),
        body,
      });
      const answer = bodyFor(
        shape ?? ECHO_SHAPES[requests % ECHO_SHAPES.length]!,
        echo,
      );
      requests++;
      return new Response(answer.body, {
        status: answer.status,
        headers: {
          "content-type": answer.body.startsWith("{")
            ? "application/json"
            : "text/plain",
          "x-request-id": base64(echo).slice(0, 200),
        },
      });
    },
  );
  return {
    apiUrl: `http://127.0.0.1:${server.addr.port}/v2`,
    get requests() {
      return requests;
    },
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/**
 * Every spelling of `secret` that must not appear: raw, URL-encoded,
 * form-encoded, and base64 (standard and URL-safe) at each of the three
 * alignments it can have inside a longer base64 text.
 *
 * @param secret The secret.
 * @returns The forbidden substrings.
 */
export function secretForms(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret);
  const forms = new Set<string>([
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
  ]);
  for (let offset = 0; offset < 3; offset++) {
    const padded = new Uint8Array(offset + bytes.length);
    padded.set(bytes, offset);
    let binary = "";
    for (const byte of padded) binary += String.fromCharCode(byte);
    const encoded = btoa(binary);
    // Characters wholly made of the secret's bits, whatever surrounds it.
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const inner = encoded.slice(start, end);
    forms.add(inner);
    forms.add(inner.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return [...forms];
}

/**
 * Asserts that `text` holds no spelling of any of `secrets`.
 *
 * @param text The text to check.
 * @param secrets The secrets.
 * @param where What the text is, for the failure message.
 */
export function assertNoSecret(
  text: string,
  secrets: readonly string[],
  where: string,
): void {
  for (const secret of secrets) {
    for (const form of secretForms(secret)) {
      if (text.includes(form)) {
        throw new Error(
          `A secret (as '${form.slice(0, 6)}…') leaked into ${where}: ${
            text.slice(
              Math.max(0, text.indexOf(form) - 60),
              text.indexOf(form) + form.length + 20,
            )
          }`,
        );
      }
    }
  }
}
