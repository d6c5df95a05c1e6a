import assert from "node:assert/strict";
import { sha256Hex } from "../../auditlog/_sha256.ts";

async function webSha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("sha256Hex() equals WebCrypto's SHA-256 of the UTF-8 bytes, at every padding boundary", async () => {
  // FIPS 180-4 test vectors.
  assert.equal(
    sha256Hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(
    sha256Hex(""),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  const pieces = ["a", "é", "€", "😀", "\ud800", "\n", '"'];
  let text = "";
  for (let length = 0; length < 300; length++) {
    assert.equal(sha256Hex(text), await webSha256Hex(text), `length ${length}`);
    text += pieces[(length * 7) % pieces.length];
  }
  const long = "x".repeat(100_000) + "é";
  assert.equal(sha256Hex(long), await webSha256Hex(long));
  // The shared buffer is reused: a short text after a long one is unaffected.
  assert.equal(
    sha256Hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});
