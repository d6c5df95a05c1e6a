import assert from "node:assert/strict";
import {
  type AuditLogRecord,
  CSV_COLUMNS,
  encodeRecord,
  FileSink,
  HttpSink,
  HttpSinkError,
  StdoutSink,
} from "../../auditlog/mod.ts";

const record = (
  n: number,
  extra: Record<string, unknown> = {},
): AuditLogRecord => ({
  id: `id${n}`,
  timestamp: new Date(Date.UTC(2026, 10, 1, 0, 0, n)).toISOString(),
  user_id: n,
  event: "login",
  ...extra,
});

Deno.test("CSV rows follow RFC 4180 with a stable column order and JSON for nested values", () => {
  const row = encodeRecord(
    record(1, {
      user_agent: 'Mozilla "quoted", with comma',
      activity_metadata: { board_name: "Q1\r\nplan" },
      future_field: 3,
    }),
    "csv",
  );
  assert.ok(row.endsWith("\r\n"));
  assert.equal(CSV_COLUMNS[0], "id");
  assert.equal(CSV_COLUMNS.at(-1), "extra");
  // Parse it back with a minimal RFC 4180 reader.
  const fields: string[] = [];
  let i = 0;
  const text = row.slice(0, -2);
  while (i <= text.length) {
    if (text[i] === '"') {
      let value = "";
      i++;
      while (true) {
        if (text[i] === '"' && text[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else value += text[i++];
      }
      fields.push(value);
      i++;
    } else {
      const end = text.indexOf(",", i) === -1
        ? text.length
        : text.indexOf(",", i);
      fields.push(text.slice(i, end));
      i = end + 1;
    }
  }
  assert.equal(fields.length, CSV_COLUMNS.length);
  const by = Object.fromEntries(CSV_COLUMNS.map((c, k) => [c, fields[k]]));
  assert.equal(by.user_agent, 'Mozilla "quoted", with comma');
  assert.deepEqual(JSON.parse(by.activity_metadata!), {
    board_name: "Q1\r\nplan",
  });
  assert.deepEqual(JSON.parse(by.extra!), { future_field: 3 });
  assert.equal(by.user_id, "1");
  assert.equal(by.os_name, "");
});

Deno.test("FileSink rewinds to the checkpointed length and writes one CSV header", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/out.csv`;
  try {
    let sink = new FileSink(path, { format: "csv" });
    const start = await sink.open(undefined);
    assert.equal(start.bytes, 0);
    const acked = await sink.write([record(1), record(2)]);
    await sink.write([record(3)]); // written, but "crashed" before its checkpoint
    await sink.close();
    sink = new FileSink(path, { format: "csv" });
    assert.deepEqual(await sink.open(acked), acked);
    await sink.write([record(3)]);
    await sink.close();
    const lines = (await Deno.readTextFile(path)).split("\r\n");
    assert.equal(lines[0], CSV_COLUMNS.join(","));
    assert.deepEqual(lines.slice(1, -1).map((l) => l.split(",")[0]), [
      "id1",
      "id2",
      "id3",
    ]);
    // A file shorter than the checkpoint says was changed by someone else.
    await Deno.writeTextFile(path, "x");
    await assert.rejects(
      () => new FileSink(path).open(acked),
      /holds 1 bytes but the checkpoint recorded/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("FileSink without a checkpoint drops a trailing partial line and appends", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/out.jsonl`;
  try {
    await Deno.writeTextFile(
      path,
      JSON.stringify(record(1)) + "\n" + '{"id":"id2","tim',
    );
    const sink = new FileSink(path);
    await sink.open(undefined);
    await sink.write([record(2)]);
    await sink.close();
    const ids = (await Deno.readTextFile(path)).trimEnd().split("\n").map((l) =>
      JSON.parse(l).id
    );
    assert.deepEqual(ids, ["id1", "id2"]);
    await assert.rejects(
      () => new FileSink(path).write([record(3)]),
      /not open/,
    );
    assert.throws(
      () => new FileSink(path, { format: "xml" as "csv" }),
      TypeError,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("StdoutSink writes JSON Lines, or CSV with a single header", async () => {
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  const writer = {
    write: (p: Uint8Array) => {
      const n = Math.min(p.length, 7); // short writes must be continued
      chunks.push(decoder.decode(p.subarray(0, n), { stream: true }));
      return Promise.resolve(n);
    },
  };
  const csv = new StdoutSink({ format: "csv", writer });
  await csv.write([record(1)]);
  await csv.write([record(2)]);
  const text = chunks.join("");
  assert.equal(text.split(CSV_COLUMNS.join(",")).length, 2);
  assert.equal(text.split("\r\n").length, 4);
  chunks.length = 0;
  await new StdoutSink({ writer }).write([record(1)]);
  assert.deepEqual(JSON.parse(chunks.join("")), record(1));
});

Deno.test("HttpSink posts NDJSON batches with an idempotency key and retries 5xx", async () => {
  const bodies: string[] = [];
  const keys: string[] = [];
  let calls = 0;
  await using server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
  }, async (request) => {
    calls++;
    const body = await request.text();
    if (calls === 2) return new Response("oops", { status: 502 });
    bodies.push(body);
    keys.push(request.headers.get("idempotency-key") ?? "");
    assert.equal(request.headers.get("content-type"), "application/x-ndjson");
    assert.equal(request.headers.get("x-api-key"), "k");
    return new Response(null, { status: 200 });
  });
  const sink = new HttpSink(`http://127.0.0.1:${server.addr.port}/`, {
    batchSize: 2,
    headers: { "X-Api-Key": "k" },
  });
  await sink.write([record(1), record(2), record(3)]);
  assert.equal(bodies.length, 2);
  assert.deepEqual(bodies.map((b) => b.trimEnd().split("\n").length), [2, 1]);
  assert.ok(keys.every((k) => /^[0-9a-f]{64}$/.test(k)) && keys[0] !== keys[1]);
  const refusing = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("no", { status: 403 }),
  );
  try {
    await assert.rejects(
      () =>
        new HttpSink(`http://127.0.0.1:${refusing.addr.port}/`).write([
          record(1),
        ]),
      { name: "HttpSinkError", status: 403, retryable: false },
    );
  } finally {
    await refusing.shutdown();
  }
  assert.throws(
    () => new HttpSink("http://collector.example.com/"),
    /must use https/,
  );
});

Deno.test("HttpSinkError: retryable is declared, true for 429 and 5xx only", () => {
  assert.equal(new HttpSinkError("x", 503).retryable, true);
  assert.equal(new HttpSinkError("x", 429).retryable, true);
  assert.equal(new HttpSinkError("x", 404).retryable, false);
  assert.equal(
    new HttpSinkError("x", 404, { retryable: true }).retryable,
    true,
  );
});
