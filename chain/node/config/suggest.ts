// "Did you mean ...?" for an unknown config key: the closest known key, comparing without case, '_'
// and '-' (so the JSON form's `maxBodyBytes` finds `max_body_bytes`), or a key with the same last part
// in another section.

const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, "");

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

const lastPart = (key: string) => key.slice(key.lastIndexOf(".") + 1);

/** The known key closest to `unknown`, when close enough to be a likely typo. */
export function closestKey(unknown: string, known: readonly string[]): string | undefined {
  const target = norm(unknown);
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(target.length / 4)) + 1;
  for (const k of known) {
    const d = editDistance(target, norm(k));
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best ?? known.find((k) => norm(lastPart(k)) === norm(lastPart(unknown)));
}
