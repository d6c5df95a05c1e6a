// Internal: the default writer (stderr) for text meant for the user.

import type { Writer } from "./types.ts";

/** Writes text to stderr. */
export const stderrWriter: Writer = (text: string) => {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) {
    written += Deno.stderr.writeSync(bytes.subarray(written));
  }
};
