// The engine's rule for a key that is probably misspelt (Python's difflib.get_close_matches with
// n=1 and cutoff 0.8), in Node, so that synth refuses exactly what the jobs would refuse. Internal
// module.

/** The known key `key` was probably meant to be, as the engine's `_unknown_keys` finds it; none if no key is that close. */
export function closeMatch(key: string, known: readonly string[], cutoff = 0.8): string | undefined {
  let best: { name: string; score: number } | undefined;
  for (const name of known) {
    const score = similarity(name, key);
    // get_close_matches keeps the largest (score, name) pair.
    if (score >= cutoff && (!best || score > best.score || (score === best.score && name > best.name))) best = { name, score };
  }
  return best?.name;
}

/** difflib.SequenceMatcher(None, a, b).ratio() for short strings (no junk heuristics apply). */
export function similarity(a: string, b: string): number {
  if (a.length + b.length === 0) return 1;
  return (2 * matchingCharacters(a, b, 0, a.length, 0, b.length)) / (a.length + b.length);
}

/** The characters of the matching blocks: the longest common run, then recursively either side of it. */
function matchingCharacters(a: string, b: string, alo: number, ahi: number, blo: number, bhi: number): number {
  let [besti, bestj, bestsize] = [alo, blo, 0];
  let runs = new Map<number, number>();
  for (let i = alo; i < ahi; i++) {
    const next = new Map<number, number>();
    for (let j = blo; j < bhi; j++) {
      if (a[i] !== b[j]) continue;
      const k = (runs.get(j - 1) ?? 0) + 1;
      next.set(j, k);
      if (k > bestsize) [besti, bestj, bestsize] = [i - k + 1, j - k + 1, k];
    }
    runs = next;
  }
  if (bestsize === 0) return 0;
  let total = bestsize;
  if (alo < besti && blo < bestj) total += matchingCharacters(a, b, alo, besti, blo, bestj);
  if (besti + bestsize < ahi && bestj + bestsize < bhi) total += matchingCharacters(a, b, besti + bestsize, ahi, bestj + bestsize, bhi);
  return total;
}
