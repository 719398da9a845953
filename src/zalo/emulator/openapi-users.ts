import express, { type Response, type Router } from 'express';
import { invalidParam, zaloError, ZaloErrorCode } from './errors.js';
import { replyZalo } from './openapi-pipeline.js';
import { presentOaEntry } from './presenter.js';
import { emulatorBase, jsonBody, readDataParam, readId, readInt } from './request-helpers.js';
import type { ConversationEntry, EmulatorState, EmulatorUser } from './state.js';
import { inInteractionPeriod, vnDateDmy } from './vn-time.js';

/** Profile, follower list, tags, conversation history and OA info routes. */
export function createUserRoutes(deps: { state: EmulatorState; oaName: string }): Router {
  const { state } = deps;
  const router = express.Router();
  const json = express.json({ type: () => true, limit: '256kb' });

  const dataOr201 = (res: Response, data: Record<string, unknown> | undefined | null) => {
    if (!data) {
      replyZalo(state, res, invalidParam('data'));
      return undefined;
    }
    return data;
  };
  const avatar = (base: string, id: string) => `${base}/avatar/${encodeURIComponent(id)}`;

  router.get('/v3.0/oa/user/detail', (req, res) => {
    const data = dataOr201(res, readDataParam(req));
    if (!data) return;
    const userId = readId(data, 'user_id');
    const user = userId ? state.user(userId) : undefined;
    if (!user) return replyZalo(state, res, invalidParam('user_id'));
    const base = emulatorBase(res);
    const info = user.sharedInfo;
    replyZalo(state, res, {
      error: 0,
      message: 'Success',
      data: {
        user_id: user.userId,
        user_id_by_app: user.userIdByApp,
        user_external_id: '',
        display_name: user.displayName,
        user_alias: '',
        is_sensitive: false,
        user_last_interaction_date:
          user.lastInteractionAt === undefined ? '' : vnDateDmy(user.lastInteractionAt),
        user_is_follower: user.follower,
        avatar: avatar(base, user.userId),
        avatars: { '120': avatar(base, user.userId), '240': avatar(base, user.userId) },
        tags_and_notes_info: { notes: [], tag_names: [...user.tags] },
        ...(info
          ? {
              shared_info: {
                address: info.address ?? '',
                city: info.city ?? '',
                district: info.district ?? '',
                phone: info.phone ?? '',
                name: info.name ?? '',
              },
            }
          : {}),
      },
    });
  });

  router.get('/v3.0/oa/user/getlist', (req, res) => {
    const data = dataOr201(res, readDataParam(req) ?? (req.query.data === undefined ? {} : null));
    if (!data) return;
    const offset = readInt(data, 'offset', 0);
    const count = readInt(data, 'count', 50);
    if (offset === null || offset < 0 || offset > 9951) return replyZalo(state, res, invalidParam('offset'));
    if (count === null || count < 1 || count > 50) return replyZalo(state, res, invalidParam('count'));
    const period = data.last_interaction_period;
    const tagName = data.tag_name;
    const isFollower = data.is_follower;
    const now = state.now();
    if (
      period !== undefined &&
      (typeof period !== 'string' || inInteractionPeriod(period, now, now) === undefined)
    ) {
      return replyZalo(state, res, invalidParam('last_interaction_period'));
    }
    const matching = state
      .listUsers()
      .filter((u) => (typeof isFollower === 'boolean' ? u.follower === isFollower : true))
      .filter((u) => (typeof tagName === 'string' && tagName !== '' ? u.tags.has(tagName) : true))
      .filter((u) =>
        typeof period === 'string' ? inInteractionPeriod(period, u.lastInteractionAt, now) : true,
      )
      .sort((a, b) => (b.lastInteractionAt ?? b.createdAt) - (a.lastInteractionAt ?? a.createdAt));
    const page = matching.slice(offset, offset + count);
    replyZalo(state, res, {
      error: 0,
      message: 'Success',
      data: {
        total: matching.length,
        count: page.length,
        offset,
        users: page.map((u) => ({ user_id: u.userId })),
      },
    });
  });

  const tagChange = (add: boolean) => (req: express.Request, res: Response) => {
    const body = (jsonBody(req.body) ?? {}) as Record<string, unknown>;
    const userId = readId(body, 'user_id');
    const tagName = typeof body.tag_name === 'string' ? body.tag_name.trim() : '';
    if (!userId) return replyZalo(state, res, invalidParam('user_id'));
    if (!tagName) return replyZalo(state, res, invalidParam('tag_name'));
    const user = state.user(userId);
    if (!user) return replyZalo(state, res, invalidParam('user_id'));
    if (!user.follower) return replyZalo(state, res, zaloError(ZaloErrorCode.NotFollower));
    if (add) {
      state.tags.add(tagName);
      user.tags.add(tagName);
    } else {
      if (!user.tags.has(tagName)) return replyZalo(state, res, invalidParam('tag_name'));
      user.tags.delete(tagName);
    }
    state.userChanged(user);
    replyZalo(state, res, { error: 0, message: 'Success' });
  };
  router.post('/v2.0/oa/tag/tagfollower', json, tagChange(true));
  router.post('/v2.0/oa/tag/rmfollowerfromtag', json, tagChange(false));
  router.post('/v2.0/oa/tag/rmtag', json, (req, res) => {
    const body = (jsonBody(req.body) ?? {}) as Record<string, unknown>;
    const tagName = typeof body.tag_name === 'string' ? body.tag_name.trim() : '';
    if (!tagName || !state.tags.has(tagName)) return replyZalo(state, res, invalidParam('tag_name'));
    state.tags.delete(tagName);
    for (const u of state.listUsers()) u.tags.delete(tagName);
    replyZalo(state, res, { error: 0, message: 'Success' });
  });
  router.get('/v2.0/oa/tag/gettagsofoa', (_req, res) => {
    replyZalo(state, res, { error: 0, message: 'Success', data: [...state.tags] });
  });

  router.get('/v2.0/oa/conversation', (req, res) => {
    const data = dataOr201(res, readDataParam(req));
    if (!data) return;
    const userId = readId(data, 'user_id');
    const user = userId ? state.user(userId) : undefined;
    if (!user) return replyZalo(state, res, invalidParam('user_id'));
    const offset = readInt(data, 'offset', 0);
    const count = readInt(data, 'count', 5);
    if (offset === null || offset < 0) return replyZalo(state, res, invalidParam('offset'));
    if (count === null || count < 1 || count > 10) return replyZalo(state, res, invalidParam('count'));
    const base = emulatorBase(res);
    const items = [...state.conversation(user.userId)]
      .reverse()
      .slice(offset, offset + count)
      .map((e) => conversationItem(e, user, state, deps.oaName, base));
    replyZalo(state, res, { error: 0, message: 'Success', data: items });
  });

  router.get('/v2.0/oa/listrecentchat', (req, res) => {
    const data = dataOr201(res, readDataParam(req) ?? (req.query.data === undefined ? {} : null));
    if (!data) return;
    const offset = readInt(data, 'offset', 0);
    const count = readInt(data, 'count', 5);
    if (offset === null || offset < 0) return replyZalo(state, res, invalidParam('offset'));
    if (count === null || count < 1 || count > 10) return replyZalo(state, res, invalidParam('count'));
    const base = emulatorBase(res);
    const latest = state
      .listUsers()
      .map((u) => ({ user: u, entry: state.conversation(u.userId).at(-1) }))
      .filter((x): x is { user: EmulatorUser; entry: ConversationEntry } => x.entry !== undefined)
      .sort((a, b) => b.entry.sentTime - a.entry.sentTime)
      .slice(offset, offset + count)
      .map((x) => conversationItem(x.entry, x.user, state, deps.oaName, base));
    replyZalo(state, res, { error: 0, message: 'Success', data: latest });
  });

  router.get('/v2.0/oa/getoa', (_req, res) => {
    const base = emulatorBase(res);
    replyZalo(state, res, {
      error: 0,
      message: 'Success',
      data: {
        oa_id: state.oaId,
        oaid: state.oaId,
        name: deps.oaName,
        description: 'Official Account giả lập (emulator) — không phải Zalo thật',
        is_verified: true,
        oa_type: 2,
        num_follower: state.listUsers().filter((u) => u.follower).length,
        avatar: avatar(base, 'oa'),
        cover: '',
        package_name: 'Emulator',
      },
    });
  });

  return router;
}

const USER_TYPES: Record<string, string> = {
  image: 'photo',
  gif: 'gif',
  sticker: 'sticker',
  file: 'file',
  location: 'location',
  link: 'link',
  audio: 'voice',
  video: 'video',
};

function conversationItem(
  entry: ConversationEntry,
  user: EmulatorUser,
  state: EmulatorState,
  oaName: string,
  base: string,
): Record<string, unknown> {
  const oa = { id: state.oaId, name: oaName, avatar: `${base}/avatar/oa` };
  const person = {
    id: user.userId,
    name: user.displayName,
    avatar: `${base}/avatar/${encodeURIComponent(user.userId)}`,
  };
  const [from, to] = entry.direction === 'user' ? [person, oa] : [oa, person];
  const common = {
    src: entry.direction === 'user' ? 1 : 0,
    time: entry.sentTime,
    sent_time: new Date(entry.sentTime).toISOString(),
    from_id: from.id,
    from_display_name: from.name,
    from_avatar: from.avatar,
    to_id: to.id,
    to_display_name: to.name,
    to_avatar: to.avatar,
    message_id: entry.messageId,
  };
  if (entry.direction === 'user') {
    const a = entry.attachments[0];
    if (!a) return { ...common, type: 'text', message: entry.text ?? '' };
    const p = a.payload ?? {};
    return {
      ...common,
      type: USER_TYPES[a.type ?? ''] ?? 'unknown',
      message: a.type === 'location' ? JSON.stringify(p.coordinates ?? {}) : (entry.text ?? ''),
      ...(p.url ? { url: p.url } : {}),
      ...(p.thumbnail ? { thumb: p.thumbnail } : {}),
      ...(p.description ? { description: p.description } : {}),
    };
  }
  const shown = presentOaEntry(entry, state, base);
  const a = shown.attachment;
  const type =
    a?.type === 'image'
      ? 'photo'
      : a?.type === 'gif' || a?.type === 'sticker' || a?.type === 'file'
        ? a.type
        : shown.buttons || a
          ? 'template'
          : 'text';
  return {
    ...common,
    type,
    message: shown.text ?? '',
    ...(a && 'url' in a ? { url: a.url, thumb: a.url } : {}),
  };
}
