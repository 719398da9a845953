import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type TFunction } from 'i18next';

/** Languages residents can read the bot in; Vietnamese first. */
export const LOCALES = ['vi', 'en'] as const;
/** One of {@link LOCALES}. */
export type Locale = (typeof LOCALES)[number];

/** Folder holding `vi/` and `en/` (the repository's `locales/`). */
export function localesDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', 'locales');
}

/** Reads every `locales/<lang>/<namespace>.json` into i18next resources. */
export function loadResources(dir = localesDir()): Record<string, Record<string, unknown>> {
  const resources: Record<string, Record<string, unknown>> = {};
  for (const lng of LOCALES) {
    resources[lng] = {};
    for (const file of readdirSync(path.join(dir, lng)).filter((f) => f.endsWith('.json'))) {
      resources[lng][path.basename(file, '.json')] = JSON.parse(
        readFileSync(path.join(dir, lng, file), 'utf8'),
      );
    }
  }
  return resources;
}

/** Translations for one process: `t(locale)` gives a bound translate function. */
export interface Translator {
  t(locale: Locale): TFunction;
  /** True when `key` has a text in every locale (plural keys count through their `_one`/`_other` forms). */
  has(key: string): boolean;
}

/** Builds an isolated i18next instance (no global state) with the files in `locales/`. */
export async function createTranslator(defaultLocale: Locale, dir = localesDir()): Promise<Translator> {
  const instance = i18next.createInstance();
  await instance.init({
    resources: loadResources(dir) as never,
    lng: defaultLocale,
    fallbackLng: defaultLocale,
    supportedLngs: [...LOCALES],
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  });
  // One bound function per locale, made once: answering looks texts up many times per event.
  const fixed = new Map(LOCALES.map((lng) => [lng, instance.getFixedT(lng)]));
  return {
    t: (locale) => fixed.get(locale) ?? instance.getFixedT(locale),
    has: (key) => LOCALES.every((lng) => instance.exists(key, { lng, fallbackLng: false })),
  };
}

/** Narrows a stored string to a supported locale. */
export function asLocale(value: string | null | undefined, fallback: Locale): Locale {
  return (LOCALES as readonly string[]).includes(value ?? '') ? (value as Locale) : fallback;
}
