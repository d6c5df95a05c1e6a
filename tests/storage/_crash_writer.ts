// Subprocess for crash_test.ts: saves an increasing sequence number to the
// settings file in a loop, printing each number once its save has returned,
// until the parent kills it. Not a test file.
//
// Usage: deno run --allow-read --allow-write --allow-env _crash_writer.ts <path>
// The key comes from MONDAYKIT_SETTINGS_KEY.

import { EncryptedFileStore } from "../../storage/mod.ts";

const path = Deno.args[0];
if (path === undefined) throw new TypeError("Missing settings path argument");
const store = new EncryptedFileStore(path);
const current = await store.load();
let seq = typeof current?.seq === "number" ? current.seq : 0;
const encoder = new TextEncoder();
Deno.stdout.writeSync(encoder.encode("ready\n"));
while (true) {
  seq++;
  // Sizes vary so the kill lands in writes of different lengths.
  const padding = "x".repeat(Math.floor(Math.random() * 200_000));
  await store.save({ seq, padding });
  Deno.stdout.writeSync(encoder.encode(`${seq}\n`));
}
