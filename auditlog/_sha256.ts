/**
 * The package's one SHA-256 (FIPS 180-4) of a string's UTF-8 bytes,
 * synchronous: entry ids, and the HTTP sink's idempotency keys. WebCrypto's `crypto.subtle.digest` is asynchronous and costs a round
 * trip through the event loop per call, far more than hashing a few hundred
 * bytes. `node:crypto` hashes synchronously, but loading it costs tens of
 * milliseconds, and each of its hash objects holds native memory until the
 * garbage collector runs, so a long export's memory grew with its length.
 * This one works in one reused buffer and allocates only the result.
 * `@noble/hashes` 2.4.0 (audited, synchronous) was measured in its place on
 * the audit-export benchmark: it took about 1.4 times as long to hash
 * (100,000 entry texts) and made the 1,000,000-entry export about a quarter
 * slower with a higher peak RSS (it allocates per call), so this one stays;
 * `tests/auditlog/_sha256_test.ts` checks it against the FIPS vectors and
 * WebCrypto.
 *
 * @module
 */

const K = new Int32Array([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);
const HEX = new TextEncoder().encode("0123456789abcdef");
const encoder = new TextEncoder();
const w = new Int32Array(64);
const digest = new Int32Array(8);
const hex = new Uint16Array(64);
let buffer = new Uint8Array(4096);

/**
 * Hashes a string's UTF-8 bytes (lone surrogates as U+FFFD, as
 * `TextEncoder` writes them).
 *
 * @param text The text.
 * @returns The digest as 64 lowercase hex digits.
 */
export function sha256Hex(text: string): string {
  if (buffer.length < text.length * 3 + 72) {
    buffer = new Uint8Array(text.length * 3 + 72);
  }
  const b = buffer;
  const n = encoder.encodeInto(text, b).written;
  // Padding: 0x80, zeros, then the length in bits as 64 bits big-endian.
  const total = (n + 72) & ~63;
  b.fill(0, n, total);
  b[n] = 0x80;
  const high = Math.floor((n * 8) / 0x100000000);
  const low = (n * 8) >>> 0;
  b[total - 8] = high >>> 24;
  b[total - 7] = high >>> 16;
  b[total - 6] = high >>> 8;
  b[total - 5] = high;
  b[total - 4] = low >>> 24;
  b[total - 3] = low >>> 16;
  b[total - 2] = low >>> 8;
  b[total - 1] = low;

  let h0 = 0x6a09e667 | 0;
  let h1 = 0xbb67ae85 | 0;
  let h2 = 0x3c6ef372 | 0;
  let h3 = 0xa54ff53a | 0;
  let h4 = 0x510e527f | 0;
  let h5 = 0x9b05688c | 0;
  let h6 = 0x1f83d9ab | 0;
  let h7 = 0x5be0cd19 | 0;
  for (let offset = 0; offset < total; offset += 64) {
    for (let i = 0, j = offset; i < 16; i++, j += 4) {
      w[i] = (b[j]! << 24) | (b[j + 1]! << 16) | (b[j + 2]! << 8) | b[j + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!;
      const y = w[i - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^
        (y >>> 10);
      w[i] = (s0 + s1 + w[i - 16]! + w[i - 7]!) | 0;
    }
    let a = h0, c1 = h1, c2 = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^
        ((e >>> 25) | (e << 7));
      const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^
        ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & c1) ^ (a & c2) ^ (c1 & c2))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c2;
      c2 = c1;
      c1 = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + c1) | 0;
    h2 = (h2 + c2) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  digest[0] = h0;
  digest[1] = h1;
  digest[2] = h2;
  digest[3] = h3;
  digest[4] = h4;
  digest[5] = h5;
  digest[6] = h6;
  digest[7] = h7;
  for (let i = 0; i < 8; i++) {
    const word = digest[i]!;
    for (let s = 0; s < 8; s++) {
      hex[i * 8 + s] = HEX[(word >>> (28 - 4 * s)) & 15]!;
    }
  }
  return String.fromCharCode.apply(null, hex as unknown as number[]);
}
