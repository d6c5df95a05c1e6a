/**
 * The one "did you mean" rule, for mistyped connection-string properties,
 * option names, commands and flags: the nearest candidate by edit distance
 * (ignoring case), when it is near enough to be a typo.
 *
 * @module
 */

/**
 * The Levenshtein distance between two strings: the fewest single-character
 * insertions, deletions and substitutions that turn one into the other.
 *
 * @param a One string.
 * @param b The other.
 * @returns The distance.
 *
 * @example One substitution
 * ```ts
 * import { editDistance } from "./did_you_mean.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(editDistance("APITokn", "APIToken"), 1);
 * ```
 */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(
        above + 1,
        (row[j - 1] as number) + 1,
        diagonal + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

/**
 * The candidate closest to `input`, ignoring case, when it is close enough
 * to be a typo: at most 1 edit for inputs of up to 3 characters, 2 below 9,
 * 3 from 9. A candidate that starts with an input of 3 or more characters
 * counts as closer than any single edit (`--verb` → `--verbose`).
 *
 * @param input What the user typed.
 * @param candidates The valid names.
 * @returns The best candidate, or `undefined` when none is close.
 *
 * @example Typos and prefixes
 * ```ts
 * import { didYouMean } from "./did_you_mean.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(didYouMean("APITokn", ["Schema", "APIToken"]), "APIToken");
 * assert.equal(didYouMean("--verb", ["--verbose", "--version"]), "--verbose");
 * assert.equal(didYouMean("Password", ["Schema", "APIToken"]), undefined);
 * ```
 */
export function didYouMean(
  input: string,
  candidates: Iterable<string>,
): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = input.toLowerCase();
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    const distance = lower.length >= 3 && other.startsWith(lower)
      ? 0.5
      : editDistance(lower, other);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = input.length <= 3 ? 1 : input.length < 9 ? 2 : 3;
  return bestDistance <= limit ? best : undefined;
}
