/**
 * Seeded pseudo-random numbers for the emulator, so every run with the same
 * seed serves the same data.
 *
 * @module
 */

/**
 * Creates a deterministic random source (mulberry32) from a seed.
 *
 * @param seed Any integer; equal seeds give equal sequences.
 * @returns A function returning numbers in `[0, 1)`, like `Math.random`.
 * @example Same seed, same sequence
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRandom } from "./_random.ts";
 * const a = createRandom(7);
 * const b = createRandom(7);
 * assert.equal(a(), b());
 * ```
 */
export function createRandom(seed: number): () => number {
  return mulberry32((Math.trunc(seed) ^ 0x9e3779b9) >>> 0);
}

/**
 * The mulberry32 generator started from a raw 32-bit state, for callers that
 * seed it their own way (the audit log's data keeps its own seeding).
 *
 * @param state The starting state; only its low 32 bits count.
 * @returns A function returning numbers in `[0, 1)`, like `Math.random`.
 * @example Equal states, equal sequences
 * ```ts
 * import assert from "node:assert/strict";
 * import { mulberry32 } from "./_random.ts";
 * assert.equal(mulberry32(3)(), mulberry32(3)());
 * ```
 */
export function mulberry32(state: number): () => number {
  let current = state >>> 0;
  return () => {
    current = (current + 0x6d2b79f5) >>> 0;
    let t = current;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Hashes a few integers into one unsigned 32-bit integer, for values that are
 * computed on demand (an item's column value) instead of stored.
 *
 * @param values The integers to mix, e.g. seed, item number and column index.
 * @returns An unsigned 32-bit integer.
 * @example Stable hash
 * ```ts
 * import assert from "node:assert/strict";
 * import { hashInts } from "./_random.ts";
 * assert.equal(hashInts(1, 2, 3), hashInts(1, 2, 3));
 * assert.notEqual(hashInts(1, 2, 3), hashInts(1, 2, 4));
 * ```
 */
export function hashInts(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const value of values) {
    h = Math.imul(h ^ (value | 0), 0x01000193);
    h ^= h >>> 13;
    h = Math.imul(h, 0x5bd1e995);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

/**
 * Makes a random string from a seeded source.
 *
 * @param random The random source.
 * @param length How many characters.
 * @param alphabet The characters to pick from.
 * @returns The string.
 * @example Deterministic token
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRandom, randomString } from "./_random.ts";
 * assert.equal(randomString(createRandom(1), 8), randomString(createRandom(1), 8));
 * ```
 */
export function randomString(
  random: () => number,
  length: number,
  alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    // The modulo keeps a source that returns 1 inside the alphabet.
    out += alphabet[Math.floor(random() * alphabet.length) % alphabet.length];
  }
  return out;
}
