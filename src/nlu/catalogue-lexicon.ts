import type { ProcedureLexiconEntry } from './types.js';

/*
 * The bridge from the catalogue (`flows/procedures/*.yaml`) to the matcher. It only reads the
 * fields the matcher needs, so the matcher itself never depends on the catalogue.
 */

/** The fields of a catalogue procedure the matcher reads. */
export interface CatalogueProcedureLike {
  code: string;
  also_codes?: readonly string[];
  name: { vi: string; en: string };
  short_name: { vi: string; en: string };
  agency: 'ubnd_xa' | 'cong_an_xa';
  aliases: readonly string[];
  examples: readonly string[];
}

/** Maps catalogue procedures to the matcher's lexicon entries (names in both languages, aliases, examples). */
export function lexiconFromCatalogue(procedures: Iterable<CatalogueProcedureLike>): ProcedureLexiconEntry[] {
  return [...procedures].map((p) => ({
    code: p.code,
    alsoCodes: [...(p.also_codes ?? [])],
    names: [...new Set([p.name.vi, p.name.en, p.short_name.vi, p.short_name.en])],
    aliases: [...p.aliases],
    examples: [...p.examples],
    agency: p.agency,
  }));
}
