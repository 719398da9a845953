import type { TFunction } from 'i18next';
import type { Procedure } from '../catalogue/schema.js';
import type { Locale } from '../i18n.js';
import type { Logger } from '../log.js';
import type { Classification, Matcher, Topic } from '../nlu/index.js';
import type { ZaloEvent } from '../zalo/events.js';
import { buttonsMessage, textMessage, type ZaloButton, type ZaloMessage } from '../zalo/messages.js';
import { foldForMatch, parsePayload, typedCommand, type Command } from './commands.js';
import {
  advance,
  migratePosition,
  type ActionRegistry,
  type EngineContext,
  type EngineInput,
  type EngineResult,
  type FlowPosition,
} from './engine.js';
import type { Flow } from './flow-schema.js';
import {
  procedurePayload,
  procedureSummary,
  redirectAnswer,
  topicAnswer,
  TOPICS,
  type DeskInfo,
} from './guidance.js';

/**
 * Decides the bot's answer to one resident event: global commands first, then
 * the step the resident is waiting at, then the matcher. Pure: it returns the
 * messages, the new state and the language; the caller stores and sends them.
 */

/** What is kept per conversation between events. */
export interface ConversationState {
  position?: FlowPosition;
  /** The procedure being talked about, for follow-up questions. */
  procedure?: string;
  /** Messages in a row the bot did not understand. */
  misses?: number;
  lastActiveAt?: number;
  /** What the dossier desk keeps (read by the desk itself). */
  desk?: unknown;
}

/** The procedures and desk facts of one OA. */
export interface CatalogueView {
  get(code: string): Procedure | undefined;
  /** The desk's name, address, hours and portal in one language. */
  desk(locale: Locale): DeskInfo;
  /**
   * An answer composed from this view alone (a procedure's summary or topic in
   * one language), built once per catalogue version; each call gets its own copy.
   */
  composed?(key: string, build: () => ZaloMessage[]): ZaloMessage[];
}

/** What answering needs. */
export interface RespondContext {
  flows: ReadonlyMap<string, Flow>;
  catalogue: CatalogueView;
  matcher: Matcher;
  t: (locale: Locale) => TFunction;
  officeName?: string;
  /** A conversation idle longer than this starts fresh with a short reminder. */
  idleMs: number;
  /** After this many misses in a row the bot offers an officer. */
  missesBeforeOfficer: number;
  logger?: Pick<Logger, 'debug'>;
}

/** The answer to one event. */
export interface Reply {
  messages: ZaloMessage[];
  state: ConversationState;
  locale: Locale;
  /** The procedure this turn answered about, if any (kept as the resident's interest). */
  answered?: string;
}

/** Reads a stored state defensively (it is JSON from the database). */
export function asConversationState(value: unknown): ConversationState {
  if (!value || typeof value !== 'object') return {};
  const v = value as Record<string, unknown>;
  const pos = v.position as FlowPosition | undefined;
  return {
    ...(pos && typeof pos.flow === 'string' && typeof pos.step === 'string' ? { position: pos } : {}),
    ...(typeof v.procedure === 'string' ? { procedure: v.procedure } : {}),
    ...(typeof v.misses === 'number' ? { misses: v.misses } : {}),
    ...(v.desk && typeof v.desk === 'object' ? { desk: v.desk } : {}),
    ...(typeof v.lastActiveAt === 'number' ? { lastActiveAt: v.lastActiveAt } : {}),
  };
}

/** Answers one event. */
export function respond(
  ctx: RespondContext,
  input: { event: ZaloEvent; locale: Locale; state: ConversationState; now: number },
): Reply {
  const turn = new Turn(ctx, input.locale, input.state, input.now);
  turn.handle(input.event);
  return turn.result();
}

class Turn {
  private readonly out: ZaloMessage[] = [];
  private state: ConversationState;
  private readonly engine: EngineContext;
  private answered: string | undefined;

  constructor(
    private readonly ctx: RespondContext,
    private locale: Locale,
    saved: ConversationState,
    private readonly now: number,
  ) {
    this.state = { ...saved };
    this.engine = {
      flows: ctx.flows,
      actions: this.actions(),
      matchChoice: (text, choices) => {
        const typed = foldForMatch(text);
        return choices.find((c) => foldForMatch(this.t(c.label)) === typed)?.id;
      },
    };
  }

  result(): Reply {
    return {
      messages: this.out,
      state: { ...this.state, lastActiveAt: this.now },
      locale: this.locale,
      ...(this.answered ? { answered: this.answered } : {}),
    };
  }

  private get t(): TFunction {
    return this.ctx.t(this.locale);
  }

  private say(key: string, vars: Record<string, unknown> = {}, buttons: ZaloButton[] = []) {
    const text = this.t(key, { ...this.deskVars(), ...vars });
    this.out.push(buttons.length ? buttonsMessage(text, buttons) : textMessage(text));
  }

  private deskVars() {
    const desk = this.ctx.catalogue.desk(this.locale);
    const office = desk.office?.name ?? this.ctx.officeName ?? this.t('office_default');
    return {
      office,
      address: desk.office?.address ?? this.t('desk.address_default', { office }),
      hours: desk.office?.hours ?? this.t('desk.hours_default'),
      phone_line: desk.office?.phone ? this.t('desk.phone', { phone: desk.office.phone }) : '',
      portal: desk.provincialPortalUrl ?? 'https://dichvucong.gov.vn',
    };
  }

  handle(event: ZaloEvent) {
    this.resumeOrForget();
    switch (event.kind) {
      case 'user_message':
        if (event.eventName === 'user_send_text') return this.text(event.text ?? '');
        return this.attachments(
          event.attachments.map((a, i) => ('url' in a && a.url) || `${event.msgId}:${i}`),
        );
      case 'follow':
        this.state = {};
        return this.startFlow('menu', { greet: 'yes' }, 'follow_welcome');
      case 'chat_now':
        return this.startFlow('menu', { greet: 'yes' });
      default:
        return;
    }
  }

  /** Forgets a conversation idle too long, and a position its flow no longer has. */
  private resumeOrForget() {
    const { lastActiveAt, position, procedure } = this.state;
    if (lastActiveAt !== undefined && this.now - lastActiveAt > this.ctx.idleMs && (position || procedure)) {
      this.state = {};
      this.say('conversation.timed_out');
      return;
    }
    if (position) {
      const migrated = migratePosition(this.ctx.flows, position);
      if (!migrated) {
        delete this.state.position;
        this.say('conversation.flow_updated');
      } else this.state.position = migrated;
    }
  }

  private text(raw: string) {
    const command = parsePayload(raw) ?? typedCommand(raw);
    if (command) return this.command(command);
    if (this.state.position) {
      const res = advance(this.engine, this.state.position, { kind: 'text', text: raw });
      if (res.outcome !== 'not_understood') return this.apply(res);
    }
    this.understand(this.ctx.matcher.classify(raw));
  }

  private attachments(ids: string[]) {
    if (this.state.position) {
      const res = advance(this.engine, this.state.position, { kind: 'attachments', ids });
      if (res.outcome !== 'not_understood') return this.apply(res);
    }
    this.startFlow('menu', {}, 'attachment_received');
  }

  private understand(c: Classification) {
    this.ctx.logger?.debug(
      { intent: c.intent, procedure: c.procedure, action: c.action, explain: c.explain },
      'understood',
    );
    if (c.action === 'handoff') return this.command({ kind: 'officer' });
    // A follow-up such as "mất mấy ngày" is about the procedure already being discussed.
    if (c.topic && this.state.procedure && c.intent !== 'procedure') {
      return this.command({ kind: 'topic', code: this.state.procedure, topic: c.topic });
    }
    if (c.action === 'clarify') return this.clarify(c);
    if (c.intent === 'procedure' && c.procedure) {
      // "… cần gì" asks for the checklist, which is what the summary leads with.
      const topic = c.topic === 'documents' ? undefined : (c.topic ?? undefined);
      return this.command(
        topic ? { kind: 'topic', code: c.procedure, topic } : { kind: 'procedure', code: c.procedure },
      );
    }
    const topic = c.topic ?? undefined;
    switch (c.intent) {
      case 'greeting':
        return this.startFlow('menu', { greet: 'yes' });
      case 'menu':
        return this.command({ kind: 'menu' });
      case 'thanks':
        this.state.misses = 0;
        return this.say('conversation.thanks', {}, [this.hidden('flow.common.menu', '#menu')]);
      case 'dossier_status':
        return this.command({ kind: 'dossier' });
      case 'feedback':
        this.state.misses = 0;
        return this.say('conversation.feedback', {}, [
          this.hidden('menu.officer', '#officer'),
          this.hidden('flow.common.menu', '#menu'),
        ]);
      default:
        return this.miss(topic);
    }
  }

  private miss(topic: Topic | undefined) {
    const misses = (this.state.misses ?? 0) + 1;
    this.state.misses = misses;
    delete this.state.position;
    if (misses >= this.ctx.missesBeforeOfficer) {
      return this.say('conversation.offer_officer', {}, [
        this.hidden('menu.officer', '#officer'),
        this.hidden('menu.procedures', '#c menu.main procedures'),
        this.hidden('flow.common.menu', '#menu'),
      ]);
    }
    this.say(
      topic
        ? 'conversation.which_procedure'
        : misses === 1
          ? 'conversation.not_understood'
          : 'conversation.not_understood_again',
      {},
      [
        this.hidden('menu.procedures', '#c menu.main procedures'),
        this.hidden('menu.dossier', '#dossier'),
        this.hidden('menu.officer', '#officer'),
      ],
    );
  }

  private clarify(c: Classification) {
    const buttons: ZaloButton[] = [];
    for (const cand of c.candidates) {
      if (buttons.length >= 3) break;
      const button = this.candidateButton(cand.label);
      if (button && !buttons.some((b) => b.title === button.title)) buttons.push(button);
    }
    if (buttons.length < 2) return this.miss(c.topic ?? undefined);
    buttons.push(this.hidden('menu.officer', '#officer'));
    this.state.misses = 0;
    delete this.state.position;
    this.say('conversation.clarify', {}, buttons);
  }

  private candidateButton(label: string): ZaloButton | undefined {
    if (label.startsWith('intent:')) {
      const intent = label.slice('intent:'.length);
      const map: Record<string, [string, string]> = {
        dossier_status: ['menu.dossier', '#dossier'],
        handoff: ['menu.officer', '#officer'],
        feedback: ['conversation.button.feedback', '#pa start'],
      };
      const hit = map[intent];
      return hit ? this.hidden(hit[0], hit[1]) : undefined;
    }
    const p = this.ctx.catalogue.get(label);
    return p
      ? { title: p.short_name[this.locale], type: 'oa.query.hide', payload: procedurePayload(p.code) }
      : undefined;
  }

  private hidden(labelKey: string, payload: string): ZaloButton {
    return { title: this.t(labelKey), type: 'oa.query.hide', payload };
  }

  private command(cmd: Command) {
    if (cmd.kind !== 'choice') this.state.misses = 0;
    switch (cmd.kind) {
      case 'menu':
        return this.startFlow('menu');
      case 'restart':
        this.state = {};
        return this.startFlow('menu', { greet: 'yes' });
      case 'language': {
        const to = cmd.to ?? (this.locale === 'vi' ? 'en' : 'vi');
        this.locale = to;
        this.say('language_changed');
        return this.startFlow('menu');
      }
      case 'officer':
        return this.startFlow('handoff');
      case 'dossier':
        return this.startFlow('dossier');
      case 'procedure':
        return this.startFlow('guidance', { procedure: cmd.code });
      case 'topic':
        return this.startFlow('topic', { procedure: cmd.code, topic: cmd.topic });
      case 'choice': {
        const res = advance(this.engine, this.state.position ?? null, { ...cmd, kind: 'choice' });
        if (res.outcome !== 'not_understood') {
          this.state.misses = 0;
          return this.apply(res);
        }
        // A button from an earlier message: run it from its own step when that step still exists.
        const flow = this.ctx.flows.get(cmd.flow);
        if (flow?.steps[cmd.step]) {
          const stale: FlowPosition = { flow: flow.id, version: flow.version, step: cmd.step, vars: {} };
          const again = advance(this.engine, stale, { ...cmd, kind: 'choice' });
          if (again.outcome !== 'not_understood') return this.apply(again);
        }
        return this.startFlow('menu');
      }
    }
  }

  private startFlow(flow: string, vars: Record<string, string> = {}, introKey?: string) {
    if (introKey) this.say(introKey);
    const input: EngineInput = { kind: 'start', flow, vars };
    this.apply(advance(this.engine, null, input));
  }

  private apply(res: EngineResult) {
    if (res.position) this.state.position = res.position;
    else delete this.state.position;
    for (const effect of res.effects) {
      switch (effect.type) {
        case 'say':
          this.say(
            effect.key,
            effect.vars,
            effect.buttons.map((b) => this.hidden(b.labelKey, b.payload)),
          );
          break;
        case 'messages':
          this.out.push(...effect.messages);
          break;
        case 'command':
          this.command(parsePayload(effect.command) ?? { kind: 'menu' });
          break;
        case 'collected':
          break;
      }
    }
  }

  private actions(): ActionRegistry {
    const desk = () => this.ctx.catalogue.desk(this.locale);
    const composed = (key: string, build: () => ZaloMessage[]) =>
      this.ctx.catalogue.composed ? this.ctx.catalogue.composed(`${this.locale}:${key}`, build) : build();
    return {
      'procedure.answer': (vars) => {
        const p = vars.procedure ? this.ctx.catalogue.get(vars.procedure) : undefined;
        if (!p)
          return { result: 'unknown', messages: [textMessage(this.t('conversation.unknown_procedure'))] };
        this.state.procedure = p.code;
        this.answered = p.code;
        const messages = composed(`summary:${p.code}`, () =>
          p.agency === 'cong_an_xa'
            ? redirectAnswer(p, this.locale, this.t)
            : procedureSummary(p, this.locale, this.t, desk()),
        );
        return { result: p.agency, messages };
      },
      'procedure.topic': (vars) => {
        const p = vars.procedure ? this.ctx.catalogue.get(vars.procedure) : undefined;
        const topic = TOPICS.find((x) => x === vars.topic);
        if (!p || !topic)
          return { result: 'unknown', messages: [textMessage(this.t('conversation.unknown_procedure'))] };
        this.state.procedure = p.code;
        this.answered = p.code;
        const messages = composed(`topic:${p.code}:${topic}`, () =>
          topicAnswer(p, topic, this.locale, this.t, desk()),
        );
        return { result: 'ok', messages };
      },
    };
  }
}
