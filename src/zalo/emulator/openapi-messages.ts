import express, { type Router } from 'express';
import type { RawAttachment } from '../events.js';
import { zaloError, ZaloErrorCode } from './errors.js';
import type { EventBuilder, EventMessage } from './event-builders.js';
import { newMessageId } from './ids.js';
import { replyZalo } from './openapi-pipeline.js';
import { presentOaEntry } from './presenter.js';
import { emulatorBase, jsonBody } from './request-helpers.js';
import type { EmulatorState, OaEntry } from './state.js';
import { validateCsSend } from './validate-send.js';
import type { WebhookSender } from './webhook-sender.js';

/** The consultation window: the resident must have interacted within this time. */
export const CS_WINDOW_MS = 7 * 24 * 3600 * 1000;
/** Replies inside this time after the last interaction are free (`quota_type: reply`). */
export const FREE_REPLY_WINDOW_MS = 48 * 3600 * 1000;

/** `POST /v3.0/oa/message/cs` (and the shut-down v2 send). */
export function createMessageRoutes(deps: {
  state: EmulatorState;
  events: EventBuilder;
  webhooks: WebhookSender;
  echoes: boolean;
}): Router {
  const { state, events, webhooks } = deps;
  const router = express.Router();
  const json = express.json({ type: () => true, limit: '1mb' });

  router.post('/v3.0/oa/message/cs', json, (req, res) => {
    const now = state.now();
    const result = validateCsSend(jsonBody(req.body), {
      now,
      upload: (id) => state.uploads.get(id),
      hasMessage: (userId, messageId) => state.findEntry(userId, messageId) !== undefined,
    });
    if ('error' in result) return replyZalo(state, res, result);
    const user = state.user(result.userId);
    if (!user || (!user.follower && user.lastMessageAt === undefined)) {
      return replyZalo(state, res, zaloError(ZaloErrorCode.NotFollower));
    }
    const since = user.lastInteractionAt === undefined ? Infinity : now - user.lastInteractionAt;
    if (since > CS_WINDOW_MS) return replyZalo(state, res, zaloError(ZaloErrorCode.OutsideWindow));

    const messageId = newMessageId();
    const entry: OaEntry = {
      direction: 'oa',
      messageId,
      sentTime: now,
      eventName: result.eventName,
      message: structuredClone(result.message),
      seen: false,
    };
    state.append(user.userId, entry);
    state.counters.sends++;
    if (result.requestsInfo) {
      user.pendingInfoRequest = messageId;
      state.userChanged(user);
    }
    if (deps.echoes) {
      webhooks.send(
        user.userId,
        events.oaEcho(user, entry.eventName, echoMessage(entry, state, emulatorBase(res))),
      );
    }
    const quota =
      since <= FREE_REPLY_WINDOW_MS
        ? { quota_type: 'reply', remain: '8', total: '8' }
        : { quota_type: 'sub_quota', remain: '2000', total: '2000' };
    replyZalo(state, res, {
      error: 0,
      message: 'Success',
      data: { message_id: messageId, user_id: user.userId, sent_time: String(now), quota },
    });
  });

  router.post('/v2.0/oa/message', (_req, res) =>
    replyZalo(state, res, zaloError(ZaloErrorCode.MessageV2Shutdown)),
  );
  return router;
}

function echoMessage(entry: OaEntry, state: EmulatorState, mediaBase: string): EventMessage {
  const shown = presentOaEntry(entry, state, mediaBase);
  const out: EventMessage = { msg_id: entry.messageId };
  if (shown.text !== undefined) out.text = shown.text;
  const a = shown.attachment;
  let attachment: RawAttachment | undefined;
  if (a?.type === 'image' || a?.type === 'gif')
    attachment = { type: a.type, payload: { url: a.url, thumbnail: a.url } };
  else if (a?.type === 'sticker')
    attachment = { type: 'sticker', payload: { id: a.attachmentId, url: a.url } };
  else if (a?.type === 'file') {
    const ext = /\.([A-Za-z0-9]{1,8})$/.exec(a.name)?.[1]?.toLowerCase() ?? '';
    attachment = {
      type: 'file',
      payload: { url: a.url, name: a.name, size: String(a.size ?? 0), type: ext },
    };
  }
  if (attachment) out.attachments = [attachment];
  return out;
}
