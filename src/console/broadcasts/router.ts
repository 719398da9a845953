import express, { type Request, type Response, type Router } from 'express';
import { BroadcastError, type BroadcastServices, type BroadcastView } from '../../broadcasts/contract.js';
import type { BroadcastStatus } from '../../broadcasts/types.js';
import type { Followers } from '../../broadcasts/followers.js';
import type { Database } from '../../db/connection.js';
import { requireRole, signedInUser } from '../auth.js';
import { mayWorkOn } from '../users.js';
import { sendPage } from '../views/page.js';
import { createFollowerPagesRouter } from '../followers/router.js';
import { loadBroadcastAssets, type BroadcastAsset } from './assets.js';
import type { ConfirmedAction } from './confirm-views.js';
import { writeRecipientsCsv } from './csv.js';
import { flashStillTrue } from './detail-view.js';
import {
  audienceFromQuery,
  audienceOf,
  bodyOf,
  readComposeForm,
  TEXT_LIMIT,
  type ComposeDraft,
} from './form.js';
import { fill } from './texts.js';
import { listBody, type ListedBroadcast } from './list-view.js';
import { createBroadcastPages } from './pages.js';
import { auditRecipientsExport, existingTags } from './queries.js';
import { reportModel } from './report-model.js';
import { createComposeReader, type UploadedImage } from './upload.js';
import { parseLocalInput } from './time.js';

/** What the broadcast pages need. */
export interface BroadcastPagesDeps {
  db: Database;
  broadcasts: BroadcastServices;
  /** The office's IANA time zone: times are shown and scheduling is read on its clock. */
  timezone: string;
  /** The followers service: when given, the followers pages are served too and its tags offered. */
  followers?: Followers;
  /** The tags residents can choose in chat (the OA's topics), offered as audience tags too. */
  topics?: (oaId: string) => readonly string[];
  /** The name residents see for an OA, shown in the phone preview; the OA id when not given. */
  oaName?: (oaId: string) => string;
  /** Most notices the list shows; 200 by default. */
  listLimit?: number;
  now?: () => Date;
}

/** A scheduled time this far in the past still counts as "now" (the form took a moment). */
const PAST_SLACK_MS = 60_000;
const CONFIRMED: ConfirmedAction[] = ['pause', 'resume', 'cancel'];
const DONE_OF: Record<ConfirmedAction, 'paused' | 'resumed' | 'cancelled'> = {
  pause: 'paused',
  resume: 'resumed',
  cancel: 'cancelled',
};

const text = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');

/** True when a stream ended because the client went away (nothing left to answer). */
const clientGone = (err: unknown, res: Response) =>
  res.destroyed || (err as { code?: unknown } | null)?.code === 'ERR_STREAM_PREMATURE_CLOSE';

function sendScript(res: Response, asset: BroadcastAsset): void {
  // The URL carries the content's version, so the file may be kept for long.
  res
    .set('Cache-Control', 'private, max-age=31536000, immutable')
    .type('application/javascript')
    .send(asset.body);
}

function draftOf(b: BroadcastView): ComposeDraft {
  return {
    oaId: b.oaId,
    title: b.title,
    text: b.body.text,
    linkTitle: b.body.link?.title ?? '',
    linkUrl: b.body.link?.url ?? '',
    audienceKind: b.audience.kind === 'tags' ? 'tags' : 'all',
    tags: b.audience.kind === 'tags' ? b.audience.tags : [],
    needsApproval: b.needsApproval,
  };
}

/**
 * The console's broadcast pages (mounted inside the console router, after sign-in and CSRF):
 * the list with suggested notices first; composing and editing with a phone preview and the
 * recipient counts; scheduling, a second officer's approval, pausing, resuming and cancelling;
 * the delivery report with a live chart and the recipients' CSV (audited). Editors and admins
 * compose and act; officers read notices and reports. Only notices of the account's OAs are shown.
 * With the followers service it also serves the followers pages (see createFollowerPagesRouter).
 */
export function createBroadcastPagesRouter(deps: BroadcastPagesDeps): Router {
  const router = express.Router();
  const readers = requireRole('officer', 'editor', 'admin');
  const composers = requireRole('editor', 'admin');
  const services = deps.broadcasts;
  const now = deps.now ?? (() => new Date());
  const assets = loadBroadcastAssets();
  const readCompose = createComposeReader();
  const pages = createBroadcastPages({
    broadcasts: services,
    timezone: deps.timezone,
    tags: async (oaId) => {
      const inUse = deps.followers
        ? (await deps.followers.listTags(oaId)).map((c) => c.tag)
        : await existingTags(deps.db, oaId);
      return [...new Set([...inUse, ...(deps.topics?.(oaId) ?? [])])];
    },
    assets,
    now,
    ...(deps.oaName ? { oaName: deps.oaName } : {}),
  });
  const by = (res: Response) => signedInUser(res).username;
  const pathOf = (req: Request, id: number) => `${req.baseUrl}/broadcasts/${id}`;

  /** The notice named in the path, when it exists and belongs to one of the account's OAs. */
  const broadcastOf = async (req: Request, res: Response): Promise<BroadcastView | undefined> => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id <= 0) return undefined;
    const b = await services.get(id);
    return b && mayWorkOn(signedInUser(res), b.oaId) ? b : undefined;
  };

  const problemOf = (res: Response, err: unknown): { status: number; text: string } | undefined => {
    if (!(err instanceof BroadcastError)) return undefined;
    const status =
      err.code === 'not_found' ? 404 : err.code === 'wrong_state' || err.code === 'own_approval' ? 409 : 400;
    return { status, text: pages.texts(res).problem[err.code] };
  };

  if (deps.followers)
    router.use(
      createFollowerPagesRouter({
        db: deps.db,
        followers: deps.followers,
        timezone: deps.timezone,
        ...(deps.topics ? { topics: deps.topics } : {}),
      }),
    );

  router.get('/broadcasts/assets/chart.js', (_req, res) => sendScript(res, assets.chart));
  router.get('/broadcasts/assets/broadcasts.js', (_req, res) => sendScript(res, assets.page));

  router.get('/broadcasts', readers, async (req, res) => {
    const user = signedInUser(res);
    const t = pages.texts(res);
    const all = user.oaIds.length > 0 ? await services.list(user.oaIds, deps.listLimit ?? 200) : [];
    const others: ListedBroadcast[] = await Promise.all(
      all
        .filter((b) => b.status !== 'suggested')
        .map(async (view) => {
          if (!view.startedAt) return { view };
          const r = await services.report(view.id);
          return {
            view,
            delivered: {
              sent: r.byStatus.sent + r.byStatus.received + r.byStatus.seen,
              recipients: r.recipients,
            },
          };
        }),
    );
    const done = text(req.query.done, 20);
    const body = listBody({
      t,
      base: req.baseUrl,
      timezone: deps.timezone,
      mayCompose: user.role !== 'officer',
      suggested: all.filter((b) => b.status === 'suggested'),
      others,
      showOa: user.oaIds.length > 1,
      noOa: user.oaIds.length === 0,
      ...(done === 'cancelled' ? { notice: t.done.cancelled } : {}),
    });
    sendPage(res, { title: t.title, body, here: `${req.baseUrl}/broadcasts` });
  });

  router.get('/broadcasts/new', composers, async (_req, res) => {
    const user = signedInUser(res);
    const oaId = user.oaIds[0];
    if (!oaId) return pages.notFound(res);
    const draft: ComposeDraft = {
      oaId,
      title: '',
      text: '',
      linkTitle: '',
      linkUrl: '',
      audienceKind: 'all',
      tags: [],
      needsApproval: false,
    };
    await pages.compose(res, { status: 200, draft, errors: [] });
  });

  router.get('/broadcasts/audience.json', composers, async (req, res) => {
    const user = signedInUser(res);
    const oaId = text(req.query.oaId, 100) || user.oaIds[0] || '';
    if (!mayWorkOn(user, oaId)) return void res.status(403).json({ error: 'forbidden' });
    const audience = audienceFromQuery(req.query);
    const preview = audience
      ? await services.preview(oaId, audience)
      : { total: 0, deliverable: 0, refused: { opted_out: 0, unfollowed: 0, window_closed: 0 } };
    res.json(preview);
  });

  /** Reads and checks the compose form; renders it again (answering undefined) when it is refused. */
  const refusedCompose = async (
    req: Request,
    res: Response,
    existing?: BroadcastView,
  ): Promise<{ draft: ComposeDraft; image?: UploadedImage } | undefined> => {
    const user = signedInUser(res);
    const upload = await readCompose(req, res);
    const { draft, problems } = readComposeForm(req.body, existing?.oaId ?? user.oaIds[0] ?? '');
    if (existing) draft.oaId = existing.oaId;
    if (!mayWorkOn(user, draft.oaId)) problems.push('oa');
    if (upload.refused) problems.push('image');
    if (problems.length === 0) return { draft, ...(upload.image ? { image: upload.image } : {}) };
    const t = pages.texts(res);
    await pages.compose(res, {
      status: 400,
      draft,
      errors: problems.map((p) => fill(t.problem[p], { limit: TEXT_LIMIT })),
      ...(existing ? { existing } : {}),
    });
    return undefined;
  };

  /** Shows a services refusal on the compose page; rethrows anything else. */
  const composeRefused = async (
    res: Response,
    err: unknown,
    draft: ComposeDraft,
    existing?: BroadcastView,
  ) => {
    const problem = problemOf(res, err);
    if (!problem) throw err;
    await pages.compose(res, {
      status: problem.status,
      draft,
      errors: [problem.text],
      ...(existing ? { existing } : {}),
    });
  };

  router.post('/broadcasts', composers, async (req, res) => {
    const form = await refusedCompose(req, res);
    if (!form) return;
    const { draft, image } = form;
    let id: number;
    try {
      id = await services.create({
        oaId: draft.oaId,
        title: draft.title,
        body: bodyOf(draft),
        audience: audienceOf(draft),
        needsApproval: draft.needsApproval,
        createdBy: by(res),
      });
    } catch (err) {
      return composeRefused(res, err, draft);
    }
    if (image) {
      try {
        await services.attachImage(id, image, by(res));
      } catch (err) {
        const created = await services.get(id);
        return composeRefused(res, err, draft, created);
      }
    }
    res.redirect(303, `${pathOf(req, id)}?done=created`);
  });

  router.get('/broadcasts/:id', readers, async (req, res) => {
    const b = await broadcastOf(req, res);
    if (!b) return pages.notFound(res);
    const done = text(req.query.done, 30) as keyof ReturnType<typeof pages.texts>['done'];
    const notice = flashStillTrue(done, b.status)
      ? (pages.texts(res).done[done] as string | undefined)
      : undefined;
    await pages.detail(res, b, notice ? { notice } : {});
  });

  router.get('/broadcasts/:id/edit', composers, async (req, res) => {
    const b = await broadcastOf(req, res);
    if (!b) return pages.notFound(res);
    if (b.status !== 'draft' && b.status !== 'suggested')
      return pages.detail(res, b, { status: 409, error: pages.texts(res).problem.wrong_state });
    await pages.compose(res, { status: 200, draft: draftOf(b), existing: b, errors: [] });
  });

  router.post('/broadcasts/:id', composers, async (req, res) => {
    const b = await broadcastOf(req, res);
    if (!b) return pages.notFound(res);
    const form = await refusedCompose(req, res, b);
    if (!form) return;
    const { draft, image } = form;
    try {
      await services.update(
        b.id,
        {
          title: draft.title,
          body: bodyOf(draft, b.body.imageFileId),
          needsApproval: draft.needsApproval,
          ...(b.audience.kind === 'procedure' ? {} : { audience: audienceOf(draft) }),
        },
        by(res),
      );
      if (image) await services.attachImage(b.id, image, by(res));
    } catch (err) {
      return composeRefused(res, err, draft, (await services.get(b.id)) ?? b);
    }
    res.redirect(303, `${pathOf(req, b.id)}?done=saved`);
  });

  router.get('/broadcasts/:id/image', readers, async (req, res) => {
    const b = await broadcastOf(req, res);
    const image = b ? await services.readImage(b.id) : undefined;
    if (!image) return void res.status(404).type('text').send('not found');
    res
      .status(200)
      .set({ 'Cache-Control': 'no-store', 'Content-Disposition': 'inline' })
      .type(image.mime)
      .send(image.data);
  });

  router.post('/broadcasts/:id/schedule', composers, async (req, res) => {
    const b = await broadcastOf(req, res);
    if (!b) return pages.notFound(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const when = text(body.when, 5) === 'at' ? 'at' : 'now';
    const raw = text(body.at, 40);
    const at = when === 'at' ? parseLocalInput(raw, deps.timezone) : undefined;
    if (when === 'at' && (!at || at.getTime() < now().getTime() - PAST_SLACK_MS))
      return pages.detail(res, b, {
        status: 400,
        error: pages.texts(res).problem.at,
        scheduleDraft: { when, at: raw },
      });
    let status: BroadcastStatus;
    try {
      status = await services.schedule(b.id, at, by(res));
    } catch (err) {
      const problem = problemOf(res, err);
      if (!problem) throw err;
      return pages.detail(res, (await services.get(b.id)) ?? b, {
        status: problem.status,
        error: problem.text,
      });
    }
    const done = status === 'awaiting_approval' ? status : when === 'now' ? 'sending' : 'scheduled';
    res.redirect(303, `${pathOf(req, b.id)}?done=${done}`);
  });

  router.get('/broadcasts/:id/approve', composers, async (req, res) => {
    const b = await broadcastOf(req, res);
    if (!b) return pages.notFound(res);
    if (b.status !== 'awaiting_approval')
      return pages.detail(res, b, { status: 409, error: pages.texts(res).problem.wrong_state });
    await pages.approval(res, b, 200);
  });

  router.post('/broadcasts/:id/approve', composers, async (req, res) => {
    const b = await broadcastOf(req, res);
    if (!b) return pages.notFound(res);
    try {
      await services.approve(b.id, by(res));
    } catch (err) {
      const problem = problemOf(res, err);
      if (!problem) throw err;
      const fresh = (await services.get(b.id)) ?? b;
      if (err instanceof BroadcastError && err.code === 'own_approval')
        return pages.approval(res, fresh, 403, problem.text);
      return pages.detail(res, fresh, { status: problem.status, error: problem.text });
    }
    res.redirect(303, `${pathOf(req, b.id)}?done=approved`);
  });

  for (const action of CONFIRMED) {
    router.get(`/broadcasts/:id/${action}`, composers, async (req, res) => {
      const b = await broadcastOf(req, res);
      if (!b) return pages.notFound(res);
      pages.confirm(res, b, action);
    });
    router.post(`/broadcasts/:id/${action}`, composers, async (req, res) => {
      const b = await broadcastOf(req, res);
      if (!b) return pages.notFound(res);
      try {
        await services[action](b.id, by(res));
      } catch (err) {
        const problem = problemOf(res, err);
        if (!problem) throw err;
        return pages.detail(res, (await services.get(b.id)) ?? b, {
          status: problem.status,
          error: problem.text,
        });
      }
      res.redirect(303, `${pathOf(req, b.id)}?done=${DONE_OF[action]}`);
    });
  }

  router.get('/broadcasts/:id/report.json', readers, async (req, res) => {
    const b = await broadcastOf(req, res);
    if (!b) return void res.status(404).json({ error: 'not found' });
    const t = pages.texts(res);
    res.json(reportModel(b, await services.report(b.id), t, deps.timezone, now()));
  });

  router.get('/broadcasts/:id/recipients.csv', readers, async (req, res) => {
    const b = await broadcastOf(req, res);
    if (!b) return pages.notFound(res);
    await auditRecipientsExport(deps.db, { officer: by(res), broadcastId: b.id, oaId: b.oaId });
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="thong-bao-${b.id}-nguoi-nhan.csv"`);
    try {
      await writeRecipientsCsv(res, pages.texts(res), services.recipientLines(b.id), deps.timezone);
    } catch (err) {
      if (clientGone(err, res)) return;
      throw err;
    }
  });

  return router;
}
