import type { NextFunction, Request, Response } from 'express';
import { consoleTexts, type ConsoleLang, type ConsoleT } from './texts.js';

/** The cookie that remembers a `?lang=` choice. */
export const LANG_COOKIE = 'motcua.lang';

/** The language and translator of the current console request. */
export interface ConsoleLocale {
  lang: ConsoleLang;
  t: ConsoleT;
}

const isLang = (v: unknown): v is ConsoleLang => v === 'vi' || v === 'en';

/**
 * Picks the console language: `?lang=vi|en` (remembered in a cookie), else the cookie, else
 * Vietnamese. Needs cookie-parser before it.
 */
export function consoleLanguage(cookiePath: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const asked = req.query.lang;
    const cookies = req.cookies as Record<string, string> | undefined;
    let lang: ConsoleLang = 'vi';
    if (isLang(asked)) {
      lang = asked;
      res.cookie(LANG_COOKIE, lang, {
        path: cookiePath,
        httpOnly: true,
        sameSite: 'lax',
        secure: req.secure,
        maxAge: 365 * 24 * 3600_000,
      });
    } else if (isLang(cookies?.[LANG_COOKIE])) {
      lang = cookies[LANG_COOKIE];
    }
    res.locals.consoleLocale = { lang, t: consoleTexts(lang) } satisfies ConsoleLocale;
    next();
  };
}

/** The current request's language (Vietnamese when none was picked). */
export function localeOf(res: Response): ConsoleLocale {
  const locale = (res.locals as { consoleLocale?: ConsoleLocale }).consoleLocale;
  return locale ?? { lang: 'vi', t: consoleTexts('vi') };
}
