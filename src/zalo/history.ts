import type { ZaloClient } from './client.js';
import type { ZaloMessage } from './messages.js';
import type { FindSentMessage } from './sender.js';

/** Zalo serves conversation history 10 messages a page. */
const PAGE = 10;
/** How far back to look; a resident typing fast can push our reply many lines down. */
const MAX_PAGES = 10;

/**
 * Reconciles a send whose outcome is unknown (timeout, or the sender died
 * mid-call) against Zalo's own conversation history: an OA message at or after
 * `since` with the same text, not already matched to another outbox row, means
 * it went, so it is not sent again. Pages back until the history is older than
 * `since`. Messages without text cannot be matched and are resent.
 */
export function findSentInHistory(client: Pick<ZaloClient, 'getConversation'>): FindSentMessage {
  return async (userId, message: ZaloMessage, since, known) => {
    if (!message.text) return null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const items = await client.getConversation(userId, page * PAGE, PAGE);
      const match = items.find(
        (m) =>
          m.src !== 1 && m.time >= since.getTime() && m.message === message.text && !known.has(m.message_id),
      );
      if (match) return match.message_id;
      const oldest = items.at(-1);
      if (items.length < PAGE || !oldest || oldest.time < since.getTime()) return null;
    }
    return null;
  };
}
