import assert from "node:assert/strict";
import { readBodyText, ResponseTooLargeError } from "../../_http/mod.ts";

Deno.test("readBodyText reads a multi-byte body split across chunks", async () => {
  const bytes = new TextEncoder().encode("héllo wörld €");
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
      controller.close();
    },
  });
  assert.equal(await readBodyText(new Response(stream)), "héllo wörld €");
});

Deno.test("readBodyText refuses a declared Content-Length over the limit before reading", async () => {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(new Uint8Array(10));
    },
  });
  const response = new Response(stream, {
    status: 200,
    headers: { "content-length": "1000000" },
  });
  await assert.rejects(
    readBodyText(response, { maxBytes: 1000 }),
    (error: unknown) =>
      error instanceof ResponseTooLargeError && error.maxBytes === 1000 &&
      error.status === 200 && error.retryable === false,
  );
  assert.ok(pulled <= 1, `pulled ${pulled} chunks`);
});

Deno.test("readBodyText stops an endless body at the limit", async () => {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(new Uint8Array(64 * 1024));
    },
  });
  await assert.rejects(
    readBodyText(new Response(stream, { status: 502 }), {
      maxBytes: 1024 * 1024,
      what: "Audit log response",
    }),
    /Audit log response is larger than the limit of 1048576 bytes \(HTTP 502\)/,
  );
  assert.ok(pulled <= 18, `pulled ${pulled} chunks of 64 KiB`);
});

Deno.test("readBodyText accepts a body of exactly the limit and an empty body", async () => {
  assert.equal(
    await readBodyText(new Response("abcd"), { maxBytes: 4 }),
    "abcd",
  );
  assert.equal(await readBodyText(new Response(null)), "");
});

Deno.test("readBodyText: a body longer than its declared Content-Length fails (the fast path is bounded by it)", async () => {
  // A raw server that declares 5 bytes and sends far more.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const served = (async () => {
    const conn = await listener.accept();
    const buffer = new Uint8Array(4096);
    await conn.read(buffer);
    await conn.write(
      new TextEncoder().encode(
        "HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\n" +
          "x".repeat(100_000),
      ),
    ).catch(() => 0);
    conn.close();
  })();
  const response = await fetch(`http://127.0.0.1:${port}/`);
  const text = await readBodyText(response, { maxBytes: 10 });
  assert.ok(text.length <= 5, `read ${text.length} characters`);
  await served;
  listener.close();
});

Deno.test("readBodyText with a Content-Length within the limit reads through the runtime's own text(), never the body stream", async () => {
  const headers = new Headers({ "content-length": "5" });
  const response = {
    headers,
    status: 200,
    text: () => Promise.resolve("hello"),
    get body(): ReadableStream<Uint8Array> {
      throw new Error("the body stream was touched");
    },
  } as unknown as Response;
  assert.equal(await readBodyText(response), "hello");
});

Deno.test("readBodyText counts decoded bytes when the body is compressed (its Content-Length counts the gzip)", async () => {
  const plain = new TextEncoder().encode("a".repeat(1_000_000));
  const gzip = new Uint8Array(
    await new Response(
      new Blob([plain]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer(),
  );
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () =>
      new Response(gzip, {
        headers: {
          "content-encoding": "gzip",
          "content-length": String(gzip.byteLength),
        },
      }),
  );
  const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
  assert.ok(gzip.byteLength < 10_000, "the compressed body is small");
  await assert.rejects(
    readBodyText(response, { maxBytes: 10_000 }),
    ResponseTooLargeError,
  );
});
