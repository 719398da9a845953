/*
 * Repairs of words typed without a working Vietnamese keyboard. With Telex, "giấy" is typed
 * "giaays": doubled vowels ("aa", "ee", "oo") and "w" ("aw", "ow", "uw") add the hat or horn,
 * "dd" is đ, and a final s/f/r/x/j is the tone. When the keyboard is off, those letters stay in
 * the text. Doubled final letters ("sinhh") are slips of the same kind. A repair is only taken
 * when it turns an unknown word into a known one.
 */

const TONE_LETTER = /^(.*[a-z])[sfrxj]$/;
const MARKS = /aa|aw|ee|oo|ow|uw|dd/g;
const DOUBLED_END = /^(.*?)([a-z])\2$/;

const stripTone = (w: string): string => TONE_LETTER.exec(w)?.[1] ?? w;
const collapseMarks = (w: string): string => w.replace(MARKS, (m) => m[0] ?? m);
const undouble = (w: string): string => {
  const m = DOUBLED_END.exec(w);
  return m ? `${m[1] ?? ''}${m[2] ?? ''}` : w;
};

const STEPS: ReadonlyArray<ReadonlyArray<(w: string) => string>> = [
  [stripTone],
  [collapseMarks],
  [undouble],
  [collapseMarks, stripTone],
  [stripTone, undouble],
  [collapseMarks, undouble],
  [collapseMarks, stripTone, undouble],
];

/** The known word a Telex leftover or doubled last letter stands for, or null ("giaays" → "giay"). */
export function repairTelex(word: string, known: (w: string) => boolean): string | null {
  if (word.length < 3 || !/^[a-z]+$/.test(word)) return null;
  for (const steps of STEPS) {
    const candidate = steps.reduce((w, step) => step(w), word);
    if (candidate !== word && candidate.length >= 1 && known(candidate)) return candidate;
  }
  return null;
}

/** Splits a run-together word into known words ("khaisinh" → ["khai", "sinh"]), or null. */
export function splitCompound(word: string, known: (w: string) => boolean, depth = 3): string[] | null {
  if (depth === 0 || word.length < 4 || !/^[a-z]+$/.test(word)) return null;
  const middle = Math.floor(word.length / 2);
  for (let offset = 0; offset < word.length; offset++) {
    for (const cut of offset === 0 ? [middle] : [middle - offset, middle + offset]) {
      if (cut < 2 || cut > word.length - 2) continue;
      const head = word.slice(0, cut);
      if (!known(head)) continue;
      const tail = word.slice(cut);
      if (known(tail)) return [head, tail];
      const rest = splitCompound(tail, known, depth - 1);
      if (rest) return [head, ...rest];
    }
  }
  return null;
}
