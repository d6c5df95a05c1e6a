/**
 * A synchronous SHA-256 for entry ids. WebCrypto's `crypto.subtle.digest`
 * is asynchronous and costs a round trip through the event loop per call,
 * which for audit-log entries (a few hundred bytes each) is far more than the
 * hashing itself. `node:crypto` (in Deno, and on Deno Deploy) hashes
 * synchronously; it is loaded on first use, never at import time.
 *
 * @module
 */

/** Hashes a string's UTF-8 bytes and returns 64 lowercase hex digits. */
export type Sha256Hex = (text: string) => string;

let loading: Promise<Sha256Hex | undefined> | undefined;

/**
 * Loads the synchronous SHA-256 once; resolves to `undefined` where the
 * runtime has no `node:crypto` (callers then use WebCrypto).
 *
 * @returns The hash function, or `undefined`.
 */
export function loadSha256Hex(): Promise<Sha256Hex | undefined> {
  loading ??= import("node:crypto").then(
    (nodeCrypto): Sha256Hex | undefined => {
      const oneShot = (nodeCrypto as {
        hash?: (algorithm: string, data: string, encoding: "hex") => string;
      }).hash;
      if (typeof oneShot === "function") {
        return (text) => oneShot("sha256", text, "hex");
      }
      if (typeof nodeCrypto.createHash === "function") {
        return (text) =>
          nodeCrypto.createHash("sha256").update(text, "utf8").digest("hex");
      }
      return undefined;
    },
    () => undefined,
  );
  return loading;
}

const encoder = new TextEncoder();

/**
 * SHA-256 through WebCrypto, for runtimes without `node:crypto`.
 *
 * @param text The text (hashed as UTF-8).
 * @returns 64 lowercase hex digits.
 */
export async function webSha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", encoder.encode(text)),
  );
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
