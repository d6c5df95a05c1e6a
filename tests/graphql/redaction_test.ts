// A server that echoes the request back in its error bodies must not get the
// token into anything a caller can print: the thrown error's message, fields,
// errors[].extensions, cause, stack or Deno.inspect output.
import assert from "node:assert/strict";
import { MondayApiError, MondayClient } from "../../graphql/mod.ts";
import {
  assertNoSecret,
  ECHO_SHAPES,
  startEchoServer,
} from "./_echo_server.ts";

/** Not JWT-shaped, so only knowing the token (not a pattern) can hide it. */
export const ECHO_TOKEN = "s3cr3t+tok/en=Value_0123456789";

function everything(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  for (
    let e: unknown = error;
    e !== undefined && !seen.has(e);
    e = (e as { cause?: unknown })?.cause
  ) {
    seen.add(e);
    if (e instanceof Error) {
      parts.push(e.message, e.stack ?? "");
      parts.push(JSON.stringify({ ...e }));
    }
    parts.push(
      Deno.inspect(e, {
        depth: Infinity,
        strAbbreviateSize: Infinity,
        iterableLimit: Infinity,
      }),
    );
  }
  return parts.join("\n");
}

for (const shape of ECHO_SHAPES) {
  Deno.test(`redaction: an error body echoing the request (${shape}) keeps the token out of the error`, async () => {
    await using server = startEchoServer(shape);
    const client = new MondayClient({
      token: ECHO_TOKEN,
      apiUrl: server.apiUrl,
      retry: false,
      onWarning: () => {},
    });
    const error = await client.request(
      "query Echo($note: String) { me { id } }",
      { note: ECHO_TOKEN },
    ).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof MondayApiError, String(error));
    assert.equal(server.requests, 1);
    assertNoSecret(everything(error), [ECHO_TOKEN], `the ${shape} error`);
    for (const entry of error.errors) {
      assertNoSecret(
        JSON.stringify(entry.extensions ?? {}),
        [ECHO_TOKEN],
        "errors[].extensions",
      );
    }
    // The echo is still there, only the token is masked.
    assert.match(everything(error), /…6789/);
  });
}

Deno.test("redaction: a static token given as 'Bearer <token>' keeps the bare token out of the error too", async () => {
  await using server = startEchoServer(ECHO_SHAPES[0]);
  const client = new MondayClient({
    token: `Bearer ${ECHO_TOKEN}`,
    apiUrl: server.apiUrl,
    retry: false,
    onWarning: () => {},
  });
  // The bare token comes back in the echoed variables.
  const error = await client.request(
    "query Echo($note: String) { me { id } }",
    { note: ECHO_TOKEN },
  ).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof MondayApiError, String(error));
  assertNoSecret(everything(error), [ECHO_TOKEN], "the error");
});
