/*
 * Typo tolerance: an unknown word within one edit (a letter added, dropped, changed, or two
 * letters swapped) of exactly one lexicon word is read as that word ("kahi" → "khai",
 * "thuongg" → "thuong"). Lookups use the symmetric-delete trick: every lexicon word is stored
 * under itself and each one-letter deletion, so a query costs a dozen map lookups.
 */

/** Edit distance with adjacent swaps (optimal string alignment), capped at `limit + 1`. */
export function editDistance(a: string, b: string, limit = 2): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const prev = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return Math.min((rows[a.length] as number[])[b.length] as number, limit + 1);
}

/** Words whose correction is remembered (the memo is emptied when full; results never change). */
const MEMO_LIMIT = 10_000;

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** Corrects words one edit away from a lexicon word. */
export interface TypoIndex {
  /** The lexicon word `word` is a typo of, or null when there is none or more than one. */
  correct(word: string): string | null;
}

/** Indexes `words` (only those at least `minLength` long are typo targets). */
export function createTypoIndex(words: Iterable<string>, minLength = 4): TypoIndex {
  const index = new Map<string, string[]>();
  const add = (key: string, word: string) => {
    const list = index.get(key);
    if (!list) index.set(key, [word]);
    else if (!list.includes(word)) list.push(word);
  };
  for (const word of words) {
    if (word.length < minLength) continue;
    add(word, word);
    for (const d of deletions(word)) add(d, word);
  }
  const memo = new Map<string, string | null>();
  const lookup = (word: string): string | null => {
    const found = new Set<string>();
    for (const key of [word, ...deletions(word)]) for (const w of index.get(key) ?? []) found.add(w);
    const near = [...found].filter((w) => editDistance(word, w, 1) <= 1);
    return near.length === 1 ? (near[0] as string) : null;
  };
  return {
    correct(word) {
      if (word.length < minLength || !/^[a-z]+$/.test(word)) return null;
      let out = memo.get(word);
      if (out === undefined) {
        out = lookup(word);
        if (memo.size >= MEMO_LIMIT) memo.clear();
        memo.set(word, out);
      }
      return out;
    },
  };
}
