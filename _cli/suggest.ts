/**
 * "Did you mean" suggestions for mistyped commands and flags.
 *
 * @module
 */

function distance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/**
 * Returns the candidate closest to `input`, when it is close enough to be a typo.
 *
 * @param input What the user typed.
 * @param candidates The valid names.
 * @returns The best candidate, or `undefined` when none is close.
 */
export function suggest(
  input: string,
  candidates: Iterable<string>,
): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = input.toLowerCase();
  for (const candidate of candidates) {
    const d = candidate.startsWith(lower) && lower.length >= 3
      ? 0.5
      : distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = input.length <= 3 ? 1 : input.length < 9 ? 2 : 3;
  return bestDistance <= limit ? best : undefined;
}
