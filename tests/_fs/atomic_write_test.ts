/**
 * The one atomic writer: what lands on disk, its mode, and the order of the
 * file-system calls (write, fsync, rename, directory fsync) for each of its
 * users: the settings file, the audit checkpoint and the CLI's output files.
 */
import assert from "node:assert/strict";
import {
  AtomicFile,
  type AtomicFileOps,
  fileOps,
  parseFileMode,
  writeFileAtomic,
} from "../../_fs/mod.ts";
import { EncryptedFileStore } from "../../storage/mod.ts";
import { FileCheckpointStore } from "../../auditlog/mod.ts";

const isWindows = Deno.build.os === "windows";

async function modeOf(path: string): Promise<number> {
  return ((await Deno.stat(path)).mode ?? 0) & 0o777;
}

async function withDir(
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "mondaykit_fs_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Wraps {@linkcode fileOps} so every call is recorded (with the file name
 * only, temp names shortened to "temp"), runs `fn`, then restores it.
 */
async function recording(
  fn: () => Promise<void>,
): Promise<string[]> {
  const calls: string[] = [];
  const name = (path: string) =>
    path.endsWith(".tmp") ? "temp" : path.split(/[\\/]/).at(-1)!;
  const saved: AtomicFileOps = { ...fileOps };
  fileOps.createNew = async (path, mode) => {
    calls.push(`create ${name(path)}`);
    const file = await saved.createNew(path, mode);
    return {
      write: (bytes) => {
        calls.push("write");
        return file.write(bytes);
      },
      sync: () => {
        calls.push("fsync");
        return file.sync();
      },
      close: () => {
        calls.push("close");
        file.close();
      },
    };
  };
  fileOps.rename = (from, to) => {
    calls.push(`rename ${name(from)} -> ${name(to)}`);
    return saved.rename(from, to);
  };
  fileOps.remove = (path) => {
    calls.push(`remove ${name(path)}`);
    return saved.remove(path);
  };
  fileOps.syncDirectory = (dir) => {
    calls.push("fsync dir");
    return saved.syncDirectory(dir);
  };
  try {
    await fn();
  } finally {
    Object.assign(fileOps, saved);
  }
  // Repeated writes of one file count once.
  return calls.filter((call, i) =>
    !(call === "write" && calls[i - 1] === "write")
  );
}

const ORDER = (target: string) => [
  "create temp",
  "write",
  "fsync",
  "close",
  `rename temp -> ${target}`,
  "fsync dir",
];

Deno.test("writeFileAtomic() writes, fsyncs, renames, then fsyncs the directory", async () => {
  await withDir(async (dir) => {
    const calls = await recording(() =>
      writeFileAtomic(`${dir}/out.txt`, "hello\n")
    );
    assert.deepEqual(calls, ORDER("out.txt"));
    assert.equal(await Deno.readTextFile(`${dir}/out.txt`), "hello\n");
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name),
      ["out.txt"],
      "no temp file is left",
    );
  });
});

Deno.test("the audit checkpoint is saved in the same order", async () => {
  await withDir(async (dir) => {
    const store = new FileCheckpointStore(`${dir}/cp.json`);
    const calls = await recording(() =>
      store.save({
        version: 1,
        timestamp: null,
        ids: [],
        exported: 0,
        updatedAt: new Date(0).toISOString(),
      })
    );
    assert.deepEqual(calls, ORDER("cp.json"));
  });
});

Deno.test("the settings file is saved in the same order", async () => {
  await withDir(async (dir) => {
    const key = btoa(
      String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))),
    );
    const store = new EncryptedFileStore(`${dir}/settings.bin`, { key });
    const calls = await recording(() =>
      store.withLock(() => store.save({ refreshToken: "r1" }))
    );
    assert.deepEqual(calls, ORDER("settings.bin"));
    assert.deepEqual(await store.load(), { refreshToken: "r1" });
  });
});

Deno.test("a CLI output file (AtomicFile) is committed in the same order", async () => {
  await withDir(async (dir) => {
    const calls = await recording(async () => {
      const file = await AtomicFile.create(`${dir}/items.csv`);
      await file.write("a,b\r\n");
      await file.commit();
    });
    assert.deepEqual(calls, ORDER("items.csv"));
    assert.equal(await Deno.readTextFile(`${dir}/items.csv`), "a,b\r\n");
  });
});

Deno.test({
  name: "atomic writes create files 0600 unless another mode is asked for",
  ignore: isWindows,
  fn: async () => {
    await withDir(async (dir) => {
      await writeFileAtomic(`${dir}/private`, "x");
      assert.equal(await modeOf(`${dir}/private`), 0o600);
      await writeFileAtomic(`${dir}/shared`, "x", { mode: 0o644 });
      assert.equal(await modeOf(`${dir}/shared`), 0o644 & ~Deno.umask());
      const file = await AtomicFile.create(`${dir}/out`);
      await file.commit();
      assert.equal(await modeOf(`${dir}/out`), 0o600);
      const store = new FileCheckpointStore(`${dir}/cp.json`);
      await store.save({
        version: 1,
        timestamp: null,
        ids: [],
        exported: 0,
        updatedAt: new Date(0).toISOString(),
      });
      assert.equal(await modeOf(`${dir}/cp.json`), 0o600);
      const open = new FileCheckpointStore(`${dir}/open.json`, {
        mode: 0o640,
      });
      await open.save({
        version: 1,
        timestamp: null,
        ids: [],
        exported: 0,
        updatedAt: new Date(0).toISOString(),
      });
      assert.equal(await modeOf(`${dir}/open.json`), 0o640 & ~Deno.umask());
    });
  },
});

Deno.test("an abort before the rename leaves the target untouched and no temp file", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/t`, "old");
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await assert.rejects(
      () => writeFileAtomic(`${dir}/t`, "new", { signal: controller.signal }),
      { message: "stop" },
    );
    assert.equal(await Deno.readTextFile(`${dir}/t`), "old");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["t"]);
  });
});

Deno.test("parseFileMode() reads octal modes and names a bad one", () => {
  assert.equal(parseFileMode("0600"), 0o600);
  assert.equal(parseFileMode("644"), 0o644);
  assert.equal(parseFileMode("0o640"), 0o640);
  assert.throws(() => parseFileMode("0999", "--mode"), {
    name: "RangeError",
    message: /Invalid --mode '0999'/,
  });
  assert.throws(() => parseFileMode("rw-r--r--"), RangeError);
});
