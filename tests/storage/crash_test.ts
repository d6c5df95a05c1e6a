import assert from "node:assert/strict";
import { fromFileUrl } from "./_path.ts";
import { EncryptedFileStore } from "../../storage/mod.ts";
import { randomKey, tempDir } from "./_helpers.ts";
import { timedTest, type TimedTestDefinition } from "../_time_limit.ts";

/** This file's tests run subprocesses or long loops: a longer limit. */
const timedTestLong = (
  nameOrDefinition: string | TimedTestDefinition,
  fn?: (t: Deno.TestContext) => Promise<void> | void,
) => timedTest(nameOrDefinition, fn, 120_000);

const WRITER = fromFileUrl(new URL("./_crash_writer.ts", import.meta.url));
const ROUNDS = 100;

/** Reads complete lines from a stream until it ends. */
async function collectLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      onLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
  }
}

timedTestLong({
  name:
    "EncryptedFileStore survives SIGKILL at random moments: the file always decrypts to the last or the in-flight record",
  ignore: Deno.build.os === "windows",
}, async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/settings.bin`;
  const key = randomKey();
  const store = new EncryptedFileStore(path, { key });
  await store.save({ seq: 0 });
  let lastConfirmed = 0;
  let killedMidWrite = 0;

  for (let round = 0; round < ROUNDS; round++) {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-lock",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        WRITER,
        path,
      ],
      env: { MONDAYKIT_SETTINGS_KEY: key },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => ready = resolve);
    let confirmed = lastConfirmed;
    const reading = collectLines(child.stdout, (line) => {
      if (line === "ready") ready();
      else confirmed = Number(line);
    });
    const stderr = new Response(child.stderr).text();
    // Kill as soon as the writer is up, or up to ~25 ms into its saves.
    const first = await Promise.race([
      isReady.then(() => "ready"),
      child.status.then(() => "exited"),
    ]);
    if (first === "exited") {
      await reading;
      assert.fail(`round ${round}: the writer exited early: ${await stderr}`);
    }
    const delay = Math.floor(Math.random() * 25);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    child.kill("SIGKILL");
    const status = await child.status;
    await reading;
    const errors = await stderr;
    assert.equal(status.signal, "SIGKILL", `writer died on its own: ${errors}`);

    const record = await store.load();
    assert.ok(record !== undefined, `round ${round}: the file vanished`);
    const seq = record.seq;
    assert.ok(
      seq === confirmed || seq === confirmed + 1,
      `round ${round}: file holds seq ${seq}, expected ${confirmed} or ${
        confirmed + 1
      }`,
    );
    if (seq === confirmed + 1) killedMidWrite++;
    lastConfirmed = seq as number;
  }
  // The writer made progress overall (the test exercised real saves).
  assert.ok(lastConfirmed > 0, "no save ever completed");
  let leftovers = 0;
  for await (const entry of Deno.readDir(dir.path)) {
    if (entry.name.endsWith(".tmp")) leftovers++;
  }
  console.log(
    `crash test: ${ROUNDS} kills, final seq ${lastConfirmed}, ${killedMidWrite} after a rename but before its report, ${leftovers} while writing a temp file`,
  );
});
