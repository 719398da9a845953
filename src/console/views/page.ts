import type { Response } from 'express';
import { consoleBase, csrfTokenFor, signedInUser } from '../auth.js';
import type { SafeHtml } from '../html.js';
import { localeOf } from '../lang.js';
import { layout } from './layout.js';
import { messagePage } from './message.js';

/** What a signed-in console page is sent with. */
export interface PageOptions {
  /** The HTTP status; 200 unless told. */
  status?: number;
  title: string;
  body: SafeHtml;
  /** The page's own GET path, for the language switch; a page without it offers no switch. */
  here?: string;
}

/** Sends a signed-in console page in the layout: the account's name, the CSRF token, the language switch. */
export function sendPage(res: Response, o: PageOptions): void {
  const locale = localeOf(res);
  res
    .status(o.status ?? 200)
    .type('html')
    .send(
      layout({
        locale,
        title: o.title,
        body: o.body,
        base: consoleBase(res),
        userName: signedInUser(res).displayName,
        csrfToken: csrfTokenFor(res),
        ...(o.here === undefined
          ? {}
          : { langSwitch: `${o.here}?lang=${locale.lang === 'vi' ? 'en' : 'vi'}` }),
      }),
    );
}

/** Sends the plain page of a refused request (not found, forbidden), titled with its status. */
export function sendRefusal(res: Response, status: number, message: string): void {
  res
    .status(status)
    .type('html')
    .send(messagePage(localeOf(res), consoleBase(res), String(status), message));
}
