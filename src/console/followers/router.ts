import express, { type Request, type Response, type Router } from 'express';
import { DEFAULT_PAGE } from '../../broadcasts/follower-list.js';
import { FollowerError, type Followers } from '../../broadcasts/followers.js';
import type { Database } from '../../db/connection.js';
import { consoleBase, csrfTokenFor, requireRole, signedInUser } from '../auth.js';
import { localeOf } from '../lang.js';
import { mayWorkOn } from '../users.js';
import { sendPage, sendRefusal } from '../views/page.js';
import { auditFollowerSync, followerTags } from './queries.js';
import { readFollowerFilter, splitTags } from './query.js';
import { FOLLOWER_TEXTS, fill, type FollowerTexts } from './texts.js';
import { followerListBody, followerTagsBody, type FollowerTagsPage } from './views.js';

/** What the followers pages need. */
export interface FollowerPagesDeps {
  db: Database;
  followers: Followers;
  /** The tags residents can choose in chat (the OA's topics), offered when tagging. */
  topics?: (oaId: string) => readonly string[];
  /** The office's IANA time zone, for last-message times. */
  timezone: string;
}

const text = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');
const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : [v]).filter((s): s is string => typeof s === 'string').map((s) => s.slice(0, 100));

/**
 * The console's followers pages: the residents of an OA with their tags (filtered by tag and
 * state, in pages), one resident's tags set by an editor or admin (hamlets, topics; mirrored to
 * Zalo by the followers service), and "Đồng bộ từ Zalo", which reads followers and tags from Zalo.
 * Officers may read the list; changes are for editors and admins, and are audited.
 */
export function createFollowerPagesRouter(deps: FollowerPagesDeps): Router {
  const router = express.Router();
  const readers = requireRole('officer', 'editor', 'admin');
  const editors = requireRole('editor', 'admin');
  const textsOf = (res: Response): FollowerTexts => FOLLOWER_TEXTS[localeOf(res).lang];

  /** The OA a request names (query `oa` or field `oaId`), when the account works on it. */
  const oaOf = (req: Request, res: Response): string | undefined => {
    const user = signedInUser(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const asked = text(body.oaId, 100) || text(req.query.oa, 100) || user.oaIds[0] || '';
    return mayWorkOn(user, asked) ? asked : undefined;
  };

  const sendList = async (
    req: Request,
    res: Response,
    status: number,
    extra: { notice?: string; error?: string },
  ) => {
    const user = signedInUser(res);
    const t = textsOf(res);
    const filter = readFollowerFilter(req.query, user.oaIds[0] ?? '');
    if (!mayWorkOn(user, filter.oaId)) return sendRefusal(res, 403, t.noOa);
    const [page, tags] = await Promise.all([
      deps.followers.listFollowers(filter.oaId, {
        offset: (filter.page - 1) * DEFAULT_PAGE,
        limit: DEFAULT_PAGE,
        status: filter.status,
        ...(filter.tag ? { tag: filter.tag } : {}),
      }),
      deps.followers.listTags(filter.oaId),
    ]);
    const body = followerListBody({
      t,
      base: consoleBase(res),
      csrf: csrfTokenFor(res),
      timezone: deps.timezone,
      filter,
      followers: page.followers,
      total: page.total,
      pageSize: DEFAULT_PAGE,
      tags,
      mayEdit: user.role !== 'officer',
      showOa: user.oaIds.length > 1,
      ...extra,
    });
    sendPage(res, { status, title: t.title, body, here: `${consoleBase(res)}/followers` });
  };

  router.get('/followers', readers, async (req, res) => {
    const t = textsOf(res);
    const q = req.query;
    const notice =
      q.synced === '1'
        ? fill(t.synced, {
            followers: Number(q.followers) || 0,
            tags: Number(q.tags) || 0,
            tagged: Number(q.tagged) || 0,
            untagged: Number(q.untagged) || 0,
          }) + (q.truncated === '1' ? ` ${t.truncated}` : '')
        : undefined;
    await sendList(req, res, 200, notice ? { notice } : {});
  });

  router.post('/followers/sync', editors, async (req, res) => {
    const oaId = oaOf(req, res);
    if (!oaId) return sendRefusal(res, 403, textsOf(res).noOa);
    try {
      const report = await deps.followers.sync(oaId);
      await auditFollowerSync(deps.db, { officer: signedInUser(res).username, oaId, report: { ...report } });
      const q = new URLSearchParams({
        synced: '1',
        followers: String(report.followers),
        tags: String(report.tags),
        tagged: String(report.tagged),
        untagged: String(report.untagged),
        ...(report.truncated ? { truncated: '1' } : {}),
      });
      res.redirect(303, `${consoleBase(res)}/followers?${q.toString()}`);
    } catch (err) {
      if (!(err instanceof FollowerError)) throw err;
      await sendList(req, res, err.code === 'no_zalo' ? 503 : 400, { error: textsOf(res).problem[err.code] });
    }
  });

  const sendTags = async (
    res: Response,
    status: number,
    page: Omit<FollowerTagsPage, 't' | 'base' | 'csrf' | 'offered'>,
  ) => {
    const t = textsOf(res);
    const inUse = (await deps.followers.listTags(page.oaId)).map((c) => c.tag);
    const offered = [...new Set([...inUse, ...(deps.topics?.(page.oaId) ?? [])])];
    const body = followerTagsBody({ t, base: consoleBase(res), csrf: csrfTokenFor(res), offered, ...page });
    const here = `${consoleBase(res)}/followers/${encodeURIComponent(page.userId)}`;
    sendPage(res, { status, title: fill(t.tagsTitle, { user: page.userId }), body, here });
  };

  router.get('/followers/:userId', editors, async (req, res) => {
    const t = textsOf(res);
    const oaId = oaOf(req, res);
    if (!oaId) return sendRefusal(res, 403, t.noOa);
    const userId = text(req.params.userId, 100);
    const current = await followerTags(deps.db, oaId, userId);
    if (!current) return sendRefusal(res, 404, t.problem.not_found);
    const done = text(req.query.done, 20);
    const notice =
      done === 'saved' ? t.saved : done === 'unmirrored' ? `${t.saved} ${t.notMirrored}` : undefined;
    await sendTags(res, 200, { oaId, userId, current, ...(notice ? { notice } : {}) });
  });

  router.post('/followers/:userId/tags', editors, async (req, res) => {
    const t = textsOf(res);
    const oaId = oaOf(req, res);
    if (!oaId) return sendRefusal(res, 403, t.noOa);
    const userId = text(req.params.userId, 100);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const typed = text(body.newTags, 400);
    const wanted = [...list(body.tag), ...splitTags(typed)].slice(0, 100);
    try {
      const change = await deps.followers.setTags(oaId, userId, wanted, signedInUser(res).username);
      const oa = signedInUser(res).oaIds.length > 1 ? `&oa=${encodeURIComponent(oaId)}` : '';
      const done = change.mirrored ? 'saved' : 'unmirrored';
      res.redirect(303, `${consoleBase(res)}/followers/${encodeURIComponent(userId)}?done=${done}${oa}`);
    } catch (err) {
      if (!(err instanceof FollowerError)) throw err;
      const current = await followerTags(deps.db, oaId, userId);
      if (!current) return sendRefusal(res, 404, t.problem.not_found);
      await sendTags(res, 400, { oaId, userId, current, typed, error: t.problem[err.code] });
    }
  });

  return router;
}
