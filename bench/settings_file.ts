// The encrypted settings file. Save and load with a raw key and
// with a passphrase; the passphrase's PBKDF2 (600,000 iterations) is paid when
// a store first derives its key, and not again by that store.

import { EncryptedFileStore } from "../storage/mod.ts";
import { size, table } from "./_lib.ts";

const OPS = size(200, 10);
const RECORD = {
  accessToken: "a".repeat(900),
  refreshToken: "r".repeat(900),
  expiresAt: 1_800_000_000_000,
  scope: "boards:read boards:write users:read me:read",
};

async function measure(options: { key: string } | { passphrase: string }) {
  const dir = await Deno.makeTempDir({ prefix: "mondaykit-bench-" });
  try {
    const path = `${dir}/settings.bin`;
    const store = new EncryptedFileStore(path, options);
    let start = performance.now();
    await store.save(RECORD);
    const firstSave = performance.now() - start;
    start = performance.now();
    for (let i = 0; i < OPS; i++) await store.save({ ...RECORD, n: i });
    const save = (performance.now() - start) / OPS;
    start = performance.now();
    for (let i = 0; i < OPS; i++) await store.load();
    const load = (performance.now() - start) / OPS;
    // A second store on the same file: a new process would pay this too.
    const fresh = new EncryptedFileStore(path, options);
    start = performance.now();
    await fresh.load();
    const firstLoad = performance.now() - start;
    return { firstSave, save, load, firstLoad };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs the settings file benchmark and returns its report section. */
export async function settingsFile(): Promise<string> {
  const key = btoa(
    String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))),
  );
  const raw = await measure({ key });
  const pass = await measure({ passphrase: "correct horse battery staple" });
  return [
    "## Settings file",
    "",
    `A ~2 KB record; ${OPS} saves (each: encrypt, temp file, fsync, rename, directory fsync) and ${OPS} loads per store, in ms per operation. "first" is a new store's first operation, which derives the key.`,
    "",
    table([
      "key source",
      "first save",
      "save",
      "load",
      "first load (new store)",
    ], [
      [
        "raw 256-bit key (HKDF)",
        raw.firstSave,
        raw.save,
        raw.load,
        raw.firstLoad,
      ],
      [
        "passphrase (PBKDF2, 600,000 iterations)",
        pass.firstSave,
        pass.save,
        pass.load,
        pass.firstLoad,
      ],
    ]),
    "",
    `- PBKDF2 is paid once per store: a passphrase store's later saves cost ${
      (pass.save / raw.save).toFixed(2)
    }x a raw-key store's and its loads ${
      (pass.load / raw.load).toFixed(2)
    }x; its first operation costs ${
      pass.firstLoad.toFixed(0)
    } ms by design (the work factor that slows down guessing).`,
  ].join("\n");
}
