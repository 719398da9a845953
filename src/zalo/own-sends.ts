import type { Redis } from 'ioredis';

/**
 * Remembers the message ids of what motcua itself sent, so that Zalo's
 * `oa_send_*` echo of each one can be acknowledged at the webhook without being
 * queued and stored again (the outbox already holds it). Echoes of messages a
 * person typed in Zalo's OA chat tool are not in here and go through as usual;
 * so does an echo that arrives before the send call returned.
 */
export interface OwnSends {
  /** Records a message id Zalo returned for one of our sends. */
  remember(oaId: string, messageId: string): Promise<void>;
  /** True, once, when the echo with this message id is of our own send. */
  claimEcho(oaId: string, messageId: string): Promise<boolean>;
}

/** How long an id waits for its echo; Zalo echoes within seconds. */
const KEEP_SECONDS = 3600;

/** Builds the registry on Redis (shared by every process of a deployment). */
export function createOwnSends(redis: Redis): OwnSends {
  const key = (oaId: string, messageId: string) => `motcua:own-send:${oaId}:${messageId}`;
  return {
    async remember(oaId, messageId) {
      await redis.set(key(oaId, messageId), '1', 'EX', KEEP_SECONDS);
    },
    async claimEcho(oaId, messageId) {
      return (await redis.del(key(oaId, messageId))) === 1;
    },
  };
}
