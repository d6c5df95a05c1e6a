import assert from "node:assert/strict";
import { startEmulator } from "../../emulator/mod.ts";
import { MondayClient, NetworkError } from "../../graphql/mod.ts";
import { prepareUpload } from "../../graphql/upload_file.ts";
import { EmulatorClock } from "./_emulator_clock.ts";

async function setup(maxFileSize?: number) {
  const emulator = await startEmulator({ items: 3 });
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    clock: new EmulatorClock(emulator),
    onWarning: () => {},
    ...(maxFileSize ? { maxFileSize } : {}),
  });
  const { boards } = await client.request<
    { boards: { id: string; items_page: { items: { id: string }[] } }[] }
  >("query { boards(limit: 1) { id items_page(limit: 1) { items { id } } } }");
  return { emulator, client, itemId: boards[0]!.items_page.items[0]!.id };
}

type FileCell = { column_values: { id: string; value: string | null }[] };

async function filesOf(
  client: MondayClient,
  itemId: string,
): Promise<string[]> {
  const { items } = await client.request<{ items: FileCell[] }>(
    `query { items(ids: [${itemId}]) { column_values(ids: ["files"]) { id value } } }`,
  );
  const value = items[0]!.column_values[0]!.value;
  if (!value) return [];
  const parsed = JSON.parse(value) as { files?: { name: string }[] };
  return (parsed.files ?? []).map((f) => f.name);
}

Deno.test("uploadFile: a File, bytes and a path land in the item's file column", async () => {
  const { emulator, client, itemId } = await setup();
  await using _ = emulator;
  emulator.resetStats();
  const fromFile = await client.uploadFile({
    itemId,
    columnId: "files",
    file: new File(["hello"], "hello.txt", { type: "text/plain" }),
  });
  assert.equal(fromFile.name, "hello.txt");
  assert.equal(fromFile.file_size, 5);
  assert.equal(fromFile.file_extension, "txt");

  const fromBytes = await client.uploadFile({
    itemId: Number(itemId),
    columnId: "files",
    file: new Uint8Array([1, 2, 3, 4]),
    fileName: "data.bin",
  });
  assert.equal(fromBytes.file_size, 4);

  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/report.csv`;
    await Deno.writeTextFile(path, "a,b\n1,2\n");
    const fromPath = await client.uploadFile({
      itemId,
      columnId: "files",
      file: path,
    });
    assert.equal(fromPath.name, "report.csv");
    assert.equal(fromPath.file_size, 8);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const stats = emulator.stats();
  assert.equal(stats.requests.file, 3);
  assert.equal(stats.executed.byField.add_file_to_column, 3);
  const names = await filesOf(client, itemId);
  for (const name of ["hello.txt", "data.bin", "report.csv"]) {
    assert.ok(names.includes(name), `${name} in ${names}`);
  }
});

Deno.test("uploadFile: a lost response is not retried (nothing says /v2/file honours the key); the caller finds the file once", async () => {
  const { emulator, itemId } = await setup();
  await using _ = emulator;
  // No pooled connections, so the runtime cannot resend by itself.
  using http = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  const attempts: number[] = [];
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    clock: new EmulatorClock(emulator),
    onWarning: () => {},
    fetch: (input, init) => fetch(input, { ...init, client: http }),
    onRequest: (info) => attempts.push(info.attempt),
  });
  emulator.resetStats();
  emulator.inject("file", { reset: "after" });
  await assert.rejects(
    () =>
      client.uploadFile({
        itemId,
        columnId: "files",
        file: new Blob(["once"]),
        fileName: "once.txt",
      }),
    NetworkError,
  );
  assert.deepEqual(attempts, [1]);
  assert.equal(emulator.stats().requests.file, 1);
  assert.equal(emulator.stats().executed.byField.add_file_to_column, 1);
  // How a caller checks whether the file arrived: read the file column.
  const names = await filesOf(client, itemId);
  assert.equal(names.filter((n) => n === "once.txt").length, 1);
});

Deno.test("uploadFile: sizes are checked before anything is sent", async () => {
  const { emulator, client, itemId } = await setup(10);
  await using _ = emulator;
  emulator.resetStats();
  await assert.rejects(
    () =>
      client.uploadFile({
        itemId,
        columnId: "files",
        file: new Uint8Array(11),
      }),
    /size 11 bytes exceeds the limit of 10 bytes/,
  );
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/big.bin`;
    await Deno.writeFile(path, new Uint8Array(64));
    await assert.rejects(
      () => client.uploadFile({ itemId, columnId: "files", file: path }),
      RangeError,
    );
    await assert.rejects(
      () =>
        client.uploadFile({
          itemId,
          columnId: "files",
          file: new URL(`file://${path}`),
          maxFileSize: 63,
        }),
      /exceeds the limit of 63 bytes/,
    );
    const ok = await client.uploadFile({
      itemId,
      columnId: "files",
      file: new URL(`file://${path}`),
      maxFileSize: 64,
    });
    assert.equal(ok.file_size, 64);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.equal(emulator.stats().requests.file, 1);
});

Deno.test("uploadFile: bad targets and files are refused with the input named", async () => {
  await assert.rejects(
    () =>
      prepareUpload({ itemId: "x1", columnId: "files", file: new Blob([]) }),
    /Invalid 'itemId'/,
  );
  await assert.rejects(
    () => prepareUpload({ itemId: "1", columnId: "", file: new Blob([]) }),
    /Invalid 'columnId'/,
  );
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => prepareUpload({ itemId: "1", columnId: "files", file: 42 as any }),
    /Invalid 'file'/,
  );
  await assert.rejects(
    () =>
      prepareUpload({
        itemId: "1",
        columnId: "files",
        file: new URL("https://example.com/a"),
      }),
    /only file: URLs/,
  );
  const update = await prepareUpload({ updateId: "77", file: new Blob(["x"]) });
  assert.equal(update.field, "add_file_to_update");
  assert.match(
    update.query,
    /add_file_to_update\(file: \$file, update_id: "77"\)/,
  );
  const column = await prepareUpload({
    itemId: 5,
    columnId: 'we"ird',
    file: new Blob(["x"], { type: "text/plain" }),
  });
  assert.match(column.query, /column_id: "we\\"ird"/);
  assert.equal(column.blob.type, "text/plain");
});
