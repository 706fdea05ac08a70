// "Did you mean": the closest real spelling to a mistyped option or verb,
// by edit distance, so that an error names the fix instead of leaving the
// user to read the whole usage text.

/**
 * Optimal string alignment distance (Levenshtein plus the swap of two
 * neighbours, the commonest typing slip: `--cycel-time`). Case counts.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2][j - 2] + 1);
      d[i][j] = best;
    }
  }
  return d[a.length][b.length];
}

/**
 * How many edits still read as a slip on this candidate: none on a one-letter
 * option (`-j` is not a typo of `-i`: every letter is some option), one on
 * short words, a third of longer ones. Leading dashes do not count.
 */
function allowedEdits(candidate: string): number {
  const letters = candidate.replace(/^-+/, '').length;
  if (letters <= 1) return 0;
  if (letters <= 4) return 1;
  return Math.max(2, Math.floor(letters / 3));
}

/**
 * The candidate closest to `typed`, or undefined when none is close enough
 * to be a plausible slip (allowedEdits), so a wild guess is never offered.
 * Ties go to the earlier candidate (the tables list the common options
 * first). Comparison ignores case, so `-x` finds `-X`.
 */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    const allowed = allowedEdits(candidate);
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
