import type { RespondContext } from '../conversation/respond.js';
import type { SubscriptionScope } from './subscriptions.js';
import type { BroadcastTopic } from './topics.js';

/** What the notices in chat need for one OA, from that OA's answering context and topics. */
export function subscriptionScope(
  ctx: RespondContext,
  topics: readonly BroadcastTopic[],
  officeName?: string,
): SubscriptionScope {
  return {
    t: ctx.t,
    officeName: (l) => ctx.catalogue.desk(l).office?.name ?? officeName ?? ctx.t(l)('office_default'),
    procedureName: (code, l) => ctx.catalogue.get(code)?.name[l] ?? code,
    topics,
  };
}
