import type { Catalogue, CatalogueStore } from '../catalogue/index.js';
import type { Translator } from '../i18n.js';
import type { Logger } from '../log.js';
import { createMatcher, lexiconFromCatalogue, type Matcher } from '../nlu/index.js';
import type { FlowStore } from './flows.js';
import type { CatalogueView, RespondContext } from './respond.js';
import type { ZaloMessage } from '../zalo/messages.js';

/** Upper bound on answers kept per catalogue version (all OAs together). */
const MAX_COMPOSED = 20_000;

/**
 * Builds what answering needs for one OA from the live stores: the flows, the
 * OA's view of the catalogue, a matcher over that catalogue (rebuilt only
 * when the catalogue is reloaded), answers composed once per catalogue version,
 * and the translations.
 */
export function createConversationContext(deps: {
  catalogue: CatalogueStore;
  flows: FlowStore;
  translator: Translator;
  logger: Pick<Logger, 'debug'>;
  officeName?: string;
  idleMs: number;
  missesBeforeOfficer: number;
}): (oaId: string) => RespondContext {
  const matchers = new WeakMap<Catalogue, Matcher>();
  const matcherFor = (catalogue: Catalogue) => {
    let m = matchers.get(catalogue);
    if (!m) {
      m = rememberingLast(createMatcher(lexiconFromCatalogue(catalogue.procedures)));
      matchers.set(catalogue, m);
    }
    return m;
  };
  const answers = new WeakMap<Catalogue, Map<string, ZaloMessage[]>>();
  const composedFor = (catalogue: Catalogue, oaId: string) => {
    let memo = answers.get(catalogue);
    if (!memo) {
      memo = new Map();
      answers.set(catalogue, memo);
    }
    const cache = memo;
    return (key: string, build: () => ZaloMessage[]): ZaloMessage[] => {
      const full = `${oaId}\u0000${key}`;
      let found = cache.get(full);
      if (!found) {
        found = build();
        // Bounded by OAs x procedures x topics x languages; a stray key space must not grow it for ever.
        if (cache.size < MAX_COMPOSED) cache.set(full, found);
      }
      return structuredClone(found);
    };
  };
  return (oaId) => {
    const catalogue = deps.catalogue.current();
    const view = catalogue.forOa(oaId);
    const oaView: CatalogueView = {
      composed: composedFor(catalogue, oaId),
      get: (code) => view.get(code),
      desk: (locale) => ({
        ...(view.office
          ? {
              office: {
                name: view.office.name[locale],
                address: view.office.address[locale],
                hours: view.office.hours[locale],
                ...(view.office.phone ? { phone: view.office.phone } : {}),
              },
            }
          : {}),
        ...(view.provincialPortalUrl ? { provincialPortalUrl: view.provincialPortalUrl } : {}),
      }),
    };
    return {
      flows: deps.flows.current(),
      catalogue: oaView,
      matcher: matcherFor(catalogue),
      t: (locale) => deps.translator.t(locale),
      ...(deps.officeName ? { officeName: deps.officeName } : {}),
      idleMs: deps.idleMs,
      missesBeforeOfficer: deps.missesBeforeOfficer,
      logger: deps.logger,
    };
  };
}

/**
 * The dossier desk and the general answering may both classify the same message in one turn;
 * classification is pure, so the last answer is reused for the same text.
 */
function rememberingLast(matcher: Matcher): Matcher {
  let lastText: string | undefined;
  let last: ReturnType<Matcher['classify']> | undefined;
  return {
    classify(text) {
      if (text !== lastText || !last) {
        last = matcher.classify(text);
        lastText = text;
      }
      return last;
    },
  };
}
