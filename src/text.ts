/** Edit distance (insertions, deletions, substitutions) between two short words. */
function distance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1))
    previous = current
  }
  return previous[b.length] ?? 0
}

/** The candidate a typo most likely meant, or undefined when none is close (more than a third of the word differs). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: {candidate: string; cost: number} | undefined
  for (const candidate of candidates) {
    const cost = distance(word.toLowerCase(), candidate.toLowerCase())
    if (!best || cost < best.cost) best = {candidate, cost}
  }
  return best && best.cost <= Math.max(1, Math.floor(best.candidate.length / 3)) ? best.candidate : undefined
}
