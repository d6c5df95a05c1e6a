// The emulator's doors, over HTTP: it answers only loopback host names (a web
// page cannot reach it through DNS rebinding) and refuses bodies above its
// limit with 413 instead of reading them into memory.
import assert from "node:assert/strict";
import { startEmulator } from "../../emulator/mod.ts";

/** Sends one raw HTTP/1.1 request (any Host header) and reads the whole answer. */
async function raw(
  port: number,
  head: string,
  body = "",
): Promise<{ status: number; text: string }> {
  const connection = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const request = `${head}\r\nContent-Length: ${
      new TextEncoder().encode(body).byteLength
    }\r\nConnection: close\r\n\r\n${body}`;
    await connection.write(new TextEncoder().encode(request));
    const chunks: Uint8Array[] = [];
    const buffer = new Uint8Array(16 * 1024);
    for (;;) {
      const n = await connection.read(buffer);
      if (n === null) break;
      chunks.push(buffer.slice(0, n));
    }
    const text = new TextDecoder().decode(
      new Uint8Array(chunks.flatMap((c) => [...c])),
    );
    return { status: Number(text.split(" ")[1]), text };
  } finally {
    connection.close();
  }
}

function post(host: string | undefined, token: string): string {
  return [
    "POST /v2 HTTP/1.1",
    ...(host === undefined ? [] : [`Host: ${host}`]),
    `Authorization: ${token}`,
    "Content-Type: application/json",
  ].join("\r\n");
}

Deno.test("emulator: answers loopback host names only (DNS rebinding), with a clear 421", async () => {
  await using emulator = await startEmulator({ items: 1 });
  const port = Number(new URL(emulator.url).port);
  const token = emulator.credentials.apiToken;
  const body = JSON.stringify({ query: "{ me { id } }" });
  for (
    const host of [
      `127.0.0.1:${port}`,
      "127.0.0.1",
      `localhost:${port}`,
      "LOCALHOST",
      `[::1]:${port}`,
    ]
  ) {
    const answer = await raw(port, post(host, token), body);
    assert.equal(answer.status, 200, `${host}: ${answer.text}`);
    assert.match(answer.text, /"me":\{"id":/);
  }
  assert.equal(emulator.stats().requests.graphql, 5);
  for (
    const host of [
      `attacker.example:${port}`,
      "127.0.0.1.attacker.example",
      "localhost.attacker.example",
      `127.0.0.2:${port}`,
      "",
    ]
  ) {
    const answer = await raw(port, post(host, token), body);
    assert.equal(answer.status, 421, `${host}: ${answer.text}`);
    assert.match(
      answer.text,
      /answers only the loopback host names 127\.0\.0\.1, localhost and \[::1\]/,
    );
  }
  // HTTP/1.1 without Host is already a 400 from the HTTP layer.
  const missing = await raw(port, post(undefined, token), body);
  assert.equal(missing.status, 400, missing.text);
  assert.equal(
    emulator.stats().requests.graphql,
    5,
    "refused requests reach no route",
  );
});

Deno.test("emulator: a body over maxBodyBytes is refused with 413, declared or streamed", async () => {
  await using emulator = await startEmulator({ items: 1, maxBodyBytes: 2048 });
  const headers = {
    authorization: emulator.credentials.apiToken,
    "content-type": "application/json",
  };
  const padded = (size: number) => {
    const base = JSON.stringify({ query: "{ me { id } }", variables: {} });
    return base.slice(0, -2) +
      `"pad":"${"x".repeat(size - base.length - 8)}"}}`;
  };
  const fits = padded(2048);
  assert.equal(fits.length, 2048);
  const ok = await fetch(emulator.apiUrl, {
    method: "POST",
    headers,
    body: fits,
  });
  assert.equal(ok.status, 200, await ok.text());

  const declared = await fetch(emulator.apiUrl, {
    method: "POST",
    headers,
    body: padded(2049),
  });
  assert.equal(declared.status, 413);
  const answer = await declared.json();
  assert.equal(answer.errors[0].extensions.code, "PayloadTooLarge");
  assert.match(answer.errors[0].message, /at most 2048 bytes/);

  // No Content-Length: the body arrives in chunks and is cut off while read;
  // the rest (up to 20 MiB here) is dropped unread and the client still gets
  // the answer rather than a reset connection.
  const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
  let sent = 0;
  const streamed = await fetch(emulator.apiUrl, {
    method: "POST",
    headers,
    body: new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 320) controller.enqueue(chunk);
        else controller.close();
      },
    }),
  });
  assert.equal(streamed.status, 413);
  assert.equal(
    (await streamed.json()).errors[0].extensions.code,
    "PayloadTooLarge",
  );
  assert.equal(
    emulator.stats().requests.graphql,
    1,
    "only the fitting body ran",
  );

  // Every route is covered, not only GraphQL.
  const token = await fetch(`${emulator.url}/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "a=" + "x".repeat(4096),
  });
  assert.equal(token.status, 413);
  await token.body?.cancel();
});

Deno.test("emulator: maxBodyBytes must be a positive integer", async () => {
  await assert.rejects(
    startEmulator({ maxBodyBytes: 0 }),
    (error: unknown) =>
      error instanceof RangeError && /'maxBodyBytes'/.test(error.message),
  );
});
