/**
 * Passphrases for `auth export` / `auth import`: from a file, the environment, or a silent prompt.
 *
 * @module
 */

import type { CommandContext } from "./context.ts";
import { UsageError } from "./errors.ts";
import { readTextArgument } from "./read_input.ts";
import { MIN_TRANSFER_PASSPHRASE_LENGTH } from "../storage/mod.ts";

/** The variable holding the transfer passphrase. */
export const PASSPHRASE_VARIABLE = "MONDAYKIT_TRANSFER_PASSPHRASE";

async function promptSilently(
  context: CommandContext,
  question: string,
): Promise<string> {
  await context.out.stderr(question);
  Deno.stdin.setRaw(true);
  const bytes: number[] = [];
  const buffer = new Uint8Array(64);
  try {
    for (;;) {
      const n = await Deno.stdin.read(buffer);
      if (n === null) break;
      let done = false;
      for (const byte of buffer.subarray(0, n)) {
        if (byte === 3) throw new DOMException("Interrupted", "AbortError"); // Ctrl-C in raw mode
        if (byte === 13 || byte === 10) {
          done = true;
          break;
        }
        if (byte === 127 || byte === 8) bytes.pop();
        else bytes.push(byte);
      }
      if (done) break;
    }
  } finally {
    Deno.stdin.setRaw(false);
    await context.out.stderr("\n");
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/**
 * Refuses a passphrase for a new export that is shorter than the library's
 * minimum, naming where it came from (the library would refuse it too, but
 * without knowing the source, and only after the prompt asked twice).
 */
function checkNewPassphrase(
  context: CommandContext,
  passphrase: string,
  source: string,
): void {
  const length = [...passphrase.normalize("NFC")].length;
  if (length < MIN_TRANSFER_PASSPHRASE_LENGTH) {
    throw new UsageError(
      `Invalid passphrase from ${source}: expected at least ${MIN_TRANSFER_PASSPHRASE_LENGTH} characters, got ${length} (the exported file may travel and be attacked offline; several words make a good passphrase)`,
      context.spec.name,
    );
  }
}

/**
 * Gets the transfer passphrase: `--passphrase-file`, `$MONDAYKIT_TRANSFER_PASSPHRASE`, else a
 * prompt without echo when stdin is a terminal.
 *
 * @param context The invocation.
 * @param confirm Ask twice, and require the minimum length (export).
 * @returns The passphrase.
 * @throws {UsageError} When there is no way to get one, the two entries differ, or a new
 * passphrase is shorter than {@linkcode MIN_TRANSFER_PASSPHRASE_LENGTH}.
 */
export async function readPassphrase(
  context: CommandContext,
  confirm: boolean,
): Promise<string> {
  const file = context.flags.string("passphrase-file");
  if (file !== undefined) {
    const text = await readTextArgument(
      file,
      "passphrase file",
      context.spec.name,
    );
    const passphrase = text.split(/\r?\n/)[0] ?? "";
    if (confirm) {
      checkNewPassphrase(context, passphrase, `--passphrase-file '${file}'`);
    }
    return passphrase;
  }
  const fromEnv = context.io.env(PASSPHRASE_VARIABLE);
  if (fromEnv !== undefined && fromEnv !== "") {
    if (confirm) checkNewPassphrase(context, fromEnv, PASSPHRASE_VARIABLE);
    return fromEnv;
  }
  if (!context.io.stdinIsTerminal) {
    throw new UsageError(
      `No passphrase: pass --passphrase-file <file>, set ${PASSPHRASE_VARIABLE}, or run in a terminal to be asked`,
      context.spec.name,
    );
  }
  const first = await promptSilently(context, "Passphrase: ");
  if (confirm) {
    checkNewPassphrase(context, first, "the prompt");
    const second = await promptSilently(context, "Repeat the passphrase: ");
    if (first !== second) {
      throw new UsageError("The passphrases differ", context.spec.name);
    }
  }
  return first;
}
