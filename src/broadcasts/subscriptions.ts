import type { TFunction } from 'i18next';
import { draftingComplaint } from '../complaints/intake.js';
import { collectingDossier } from '../dossiers/repo.js';
import { activeTicket } from '../handoff/tickets.js';
import type { Locale } from '../i18n.js';
import type { ZaloEvent } from '../zalo/events.js';
import { buttonsMessage, type ZaloButton, type ZaloMessage } from '../zalo/messages.js';
import { addTags, optIn, optOut, removeTags, tagsOf, type Tx } from './follower-store.js';
import { readNoticeRequest } from './opt-out.js';
import { noticePayload, parseNoticePayload } from './payloads.js';
import { findTopic, topicById, type BroadcastTopic } from './topics.js';

/**
 * The resident's side of notices in chat: opting out and back in, and following or dropping a
 * topic, by typing or by tapping. It runs inside the inbound transaction before the dossier desk.
 *
 * The rule with unfinished work: a message that is only HỦY, DỪNG or STOP while the resident is
 * assembling a dossier, writing a report or waiting for an officer may mean "cancel this", since
 * those steps carry "Hủy" buttons. Nothing changes then; the bot asks which one they mean, with
 * buttons for both. Any other opt-out (the phrases, the button, the bare word when nothing is
 * unfinished) takes effect at once.
 */

/** What answering needs for one OA. */
export interface SubscriptionScope {
  t: (locale: Locale) => TFunction;
  officeName: (locale: Locale) => string;
  /** A procedure's name in one language, for the question about an unfinished dossier. */
  procedureName: (code: string, locale: Locale) => string;
  topics: readonly BroadcastTopic[];
}

/** One event for the subscriptions. */
export interface SubscriptionInput {
  event: ZaloEvent;
  locale: Locale;
  now: Date;
}

/** What the subscriptions did with an event; when not handled, nothing was written. */
export interface SubscriptionAnswer {
  handled: boolean;
  messages: ZaloMessage[];
}

/** Opt-out, opt-in and topics in chat. */
export interface Subscriptions {
  /** Answers a message about notices inside the transaction, or says it is not one. */
  handle(tx: Tx, input: SubscriptionInput): Promise<SubscriptionAnswer>;
}

type Action =
  | { kind: 'off'; ask: boolean }
  | { kind: 'on' }
  | { kind: 'add'; topic: BroadcastTopic | undefined }
  | { kind: 'drop'; topic: BroadcastTopic | undefined };

/** Builds the subscriptions over each OA's texts and topics. */
export function createSubscriptions(deps: { scope: (oaId: string) => SubscriptionScope }): Subscriptions {
  return {
    async handle(tx, input) {
      const { event } = input;
      if (event.kind !== 'user_message' || event.eventName !== 'user_send_text' || !event.userId)
        return { handled: false, messages: [] };
      const scope = deps.scope(event.oaId);
      const action = actionOf(event.text ?? '', scope.topics);
      if (!action) return { handled: false, messages: [] };
      const turn = new NoticeTurn(tx, event.oaId, event.userId, input.locale, scope, input.now);
      await turn.run(action);
      return { handled: true, messages: turn.out };
    },
  };
}

/** What a message or a tap asks for, or undefined when it is not about notices. */
function actionOf(text: string, topics: readonly BroadcastTopic[]): Action | undefined {
  const tapped = parseNoticePayload(text);
  if (tapped) {
    if (tapped.kind === 'off') return { kind: 'off', ask: false };
    if (tapped.kind === 'on') return { kind: 'on' };
    return { kind: tapped.kind, topic: topicById(tapped.topicId, topics) };
  }
  const typed = readNoticeRequest(text);
  switch (typed?.kind) {
    case undefined:
      return undefined;
    case 'opt_out':
      return { kind: 'off', ask: typed.alone };
    case 'opt_in':
      return { kind: 'on' };
    case 'subscribe':
      return { kind: 'add', topic: findTopic(typed.topic, topics) };
    case 'unsubscribe': {
      const topic = findTopic(typed.topic, topics);
      // "hủy tin nhắn vừa gửi" is not about notices; "hủy nhận tin <anything>" is.
      return topic || typed.explicit ? { kind: 'drop', topic } : undefined;
    }
  }
}

class NoticeTurn {
  readonly out: ZaloMessage[] = [];
  private readonly t: TFunction;

  constructor(
    private readonly tx: Tx,
    private readonly oaId: string,
    private readonly userId: string,
    private readonly locale: Locale,
    private readonly scope: SubscriptionScope,
    private readonly now: Date,
  ) {
    this.t = scope.t(locale);
  }

  async run(action: Action): Promise<void> {
    switch (action.kind) {
      case 'off':
        if (action.ask && (await this.askAboutUnfinished())) return;
        await optOut(this.tx, this.oaId, this.userId, this.now);
        return this.say('notices.opted_out', [
          this.button('notices.button.on', noticePayload({ kind: 'on' })),
        ]);
      case 'on': {
        const resumed = await optIn(this.tx, this.oaId, this.userId);
        const offer = await this.topicsNotFollowed();
        const hint = offer.length > 0 ? `\n${this.t('notices.topics_hint')}` : '';
        return this.say(
          resumed ? 'notices.opted_in' : 'notices.already_in',
          offer.map((x) => this.add(x)),
          hint,
        );
      }
      case 'add':
        return action.topic ? this.follow(action.topic) : this.offerTopics();
      case 'drop':
        return action.topic ? this.unfollow(action.topic) : this.offerToDrop();
    }
  }

  /** Asks "cancel what?" when the resident has unfinished work; false when they have none. */
  private async askAboutUnfinished(): Promise<boolean> {
    const off = this.button('notices.button.off', noticePayload({ kind: 'off' }));
    const dossier = await collectingDossier(this.tx, this.oaId, this.userId);
    if (dossier) {
      const procedure = this.scope.procedureName(dossier.procedureCode, this.locale);
      this.say(
        'notices.ask_dossier',
        [
          this.button('intake.button.cancel', '#dz cancel'),
          this.button('intake.button.resume', '#dz resume'),
          off,
        ],
        '',
        { procedure },
      );
      return true;
    }
    if (await draftingComplaint(this.tx, this.oaId, this.userId)) {
      this.say('notices.ask_complaint', [
        this.button('notices.button.cancel_complaint', '#pa cancel'),
        this.button('notices.button.resume_complaint', '#pa resume'),
        off,
      ]);
      return true;
    }
    if ((await activeTicket(this.tx, this.oaId, this.userId))?.status === 'waiting') {
      this.say('notices.ask_ticket', [this.button('handoff.button.cancel', '#ticket cancel'), off]);
      return true;
    }
    return false;
  }

  private async follow(topic: BroadcastTopic) {
    await addTags(this.tx, this.oaId, this.userId, [topic.tag], 'resident');
    const resumed = await optIn(this.tx, this.oaId, this.userId);
    const drop = this.button('notices.button.drop', noticePayload({ kind: 'drop', topicId: topic.id }));
    this.say(resumed ? 'notices.subscribed_resumed' : 'notices.subscribed', [drop], '', {
      topic: this.title(topic),
    });
  }

  private async unfollow(topic: BroadcastTopic) {
    const removed = await removeTags(this.tx, this.oaId, this.userId, [topic.tag]);
    const again = this.button('notices.button.again', noticePayload({ kind: 'add', topicId: topic.id }));
    this.say(removed.length > 0 ? 'notices.unsubscribed' : 'notices.not_subscribed', [again], '', {
      topic: this.title(topic),
    });
  }

  private offerTopics() {
    if (this.scope.topics.length === 0) return this.say('notices.no_topics');
    this.say(
      'notices.pick_topic',
      this.scope.topics.map((x) => this.add(x)),
    );
  }

  private async offerToDrop() {
    const followed = await this.topicsFollowed();
    if (followed.length === 0)
      return this.say('notices.no_subscriptions', [
        this.button('notices.button.off', noticePayload({ kind: 'off' })),
      ]);
    this.say(
      'notices.pick_drop',
      followed.map((x) => this.titled(x, noticePayload({ kind: 'drop', topicId: x.id }))),
    );
  }

  private async topicsFollowed(): Promise<BroadcastTopic[]> {
    const mine = new Set((await tagsOf(this.tx, this.oaId, this.userId)).map((x) => x.tag));
    return this.scope.topics.filter((x) => mine.has(x.tag));
  }

  private async topicsNotFollowed(): Promise<BroadcastTopic[]> {
    const mine = new Set((await tagsOf(this.tx, this.oaId, this.userId)).map((x) => x.tag));
    return this.scope.topics.filter((x) => !mine.has(x.tag));
  }

  private title(topic: BroadcastTopic): string {
    return topic.title[this.locale];
  }

  private add(topic: BroadcastTopic): ZaloButton {
    return this.titled(topic, noticePayload({ kind: 'add', topicId: topic.id }));
  }

  private titled(topic: BroadcastTopic, payload: string): ZaloButton {
    return { title: this.title(topic), type: 'oa.query.hide', payload };
  }

  private button(labelKey: string, payload: string): ZaloButton {
    return { title: this.t(labelKey), type: 'oa.query.hide', payload };
  }

  private say(key: string, buttons: ZaloButton[] = [], suffix = '', vars: Record<string, unknown> = {}) {
    const text = this.t(key, { office: this.scope.officeName(this.locale), ...vars }) + suffix;
    this.out.push(buttonsMessage(text, buttons));
  }
}
