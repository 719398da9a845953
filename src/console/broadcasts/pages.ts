import type { Response } from 'express';
import type { BroadcastServices, BroadcastView } from '../../broadcasts/contract.js';
import type { Audience, BroadcastBody } from '../../broadcasts/types.js';
import { consoleBase, csrfTokenFor, signedInUser } from '../auth.js';
import { html } from '../html.js';
import { localeOf } from '../lang.js';
import { sendPage, sendRefusal } from '../views/page.js';
import type { BroadcastAssets } from './assets.js';
import { approvalBody, confirmBody, type ConfirmedAction } from './confirm-views.js';
import { composeBody, type ComposePage } from './compose-view.js';
import { detailBody, type DetailPage } from './detail-view.js';
import type { ComposeDraft } from './form.js';
import { phonePreview } from './phone-preview.js';
import { reportModel } from './report-model.js';
import { reportSection } from './report-view.js';
import { BROADCAST_TEXTS, type BroadcastTexts } from './texts.js';
import { toLocalInput } from './time.js';

/** What the page renderers need. */
export interface BroadcastPageDeps {
  broadcasts: BroadcastServices;
  timezone: string;
  /** Tags offered as audience checkboxes. */
  tags: (oaId: string) => Promise<string[]>;
  /** The name residents see for the OA (the phone preview's title bar); the OA id otherwise. */
  oaName?: (oaId: string) => string;
  assets: BroadcastAssets;
  now: () => Date;
}

/** How the compose page is shown: a new notice, or an existing draft being edited. */
export interface ComposeOptions {
  status: number;
  draft: ComposeDraft;
  existing?: BroadcastView;
  errors: string[];
}

/** How the detail page is shown after a read or a refused form. */
export interface DetailOptions {
  status?: number;
  notice?: string;
  error?: string;
  scheduleDraft?: DetailPage['scheduleDraft'];
}

/** The broadcast pages, rendered into the console layout with their scripts. */
export interface BroadcastPages {
  texts(res: Response): BroadcastTexts;
  notFound(res: Response): void;
  compose(res: Response, o: ComposeOptions): Promise<void>;
  detail(res: Response, b: BroadcastView, o: DetailOptions): Promise<void>;
  approval(res: Response, b: BroadcastView, status: number, error?: string): Promise<void>;
  confirm(res: Response, b: BroadcastView, action: ConfirmedAction): void;
}

const BEFORE_SENDING = new Set(['suggested', 'draft', 'awaiting_approval', 'scheduled']);

/** Builds the renderers of the broadcast pages. */
export function createBroadcastPages(deps: BroadcastPageDeps): BroadcastPages {
  const texts = (res: Response) => BROADCAST_TEXTS[localeOf(res).lang];
  const path = (res: Response, b: BroadcastView) => `${consoleBase(res)}/broadcasts/${b.id}`;
  const scripts = (res: Response, chart: boolean) => {
    const base = `${consoleBase(res)}/broadcasts/assets`;
    return html`${chart ? html`<script src="${base}/chart.js?v=${deps.assets.chart.version}"></script>` : ''}
      <script src="${base}/broadcasts.js?v=${deps.assets.page.version}"></script>`;
  };

  const preview = (res: Response, b: { body: BroadcastBody; oaId: string }, id?: number) => {
    // The image goes to Zalo only when sending starts; the preview draws the stored file.
    const message = deps.broadcasts.messageFor(b);
    const imageUrl =
      b.body.imageFileId !== undefined && id !== undefined
        ? `${consoleBase(res)}/broadcasts/${id}/image`
        : undefined;
    return phonePreview({
      message,
      oaName: deps.oaName?.(b.oaId) ?? b.oaId,
      imageAlt: texts(res).image,
      ...(imageUrl ? { imageUrl } : {}),
    });
  };

  const compose: BroadcastPages['compose'] = async (res, o) => {
    const t = texts(res);
    const base = consoleBase(res);
    const { draft, existing } = o;
    const fixed: Audience | undefined =
      existing?.audience.kind === 'procedure' ? existing.audience : undefined;
    const audience: Audience =
      fixed ?? (draft.audienceKind === 'tags' ? { kind: 'tags', tags: draft.tags } : { kind: 'all' });
    const body: BroadcastBody = {
      text: draft.text,
      ...(existing?.body.imageFileId !== undefined ? { imageFileId: existing.body.imageFileId } : {}),
      ...(draft.linkTitle && draft.linkUrl ? { link: { title: draft.linkTitle, url: draft.linkUrl } } : {}),
    };
    const counts =
      audience.kind === 'tags' && audience.tags.length === 0
        ? { total: 0, deliverable: 0, refused: { opted_out: 0, unfollowed: 0, window_closed: 0 } }
        : await deps.broadcasts.preview(draft.oaId, audience);
    const page: ComposePage = {
      t,
      base,
      csrf: csrfTokenFor(res),
      action: existing ? path(res, existing) : `${base}/broadcasts`,
      back: existing ? path(res, existing) : `${base}/broadcasts`,
      heading: existing ? t.editTitle : t.composeTitle,
      draft,
      oaChoices: existing ? [existing.oaId] : signedInUser(res).oaIds,
      tags: await deps.tags(draft.oaId),
      hasImage: body.imageFileId !== undefined,
      preview: preview(res, { body, oaId: draft.oaId }, existing?.id),
      counts,
      errors: o.errors,
      ...(fixed ? { fixedAudience: fixed } : { countsUrl: `${base}/broadcasts/audience.json` }),
    };
    const here = existing ? `${path(res, existing)}/edit` : `${base}/broadcasts/new`;
    sendPage(res, {
      status: o.status,
      title: page.heading,
      body: html`${composeBody(page)}${scripts(res, false)}`,
      here,
    });
  };

  const detail: BroadcastPages['detail'] = async (res, b, o) => {
    const t = texts(res);
    const base = consoleBase(res);
    const user = signedInUser(res);
    const before = BEFORE_SENDING.has(b.status) && !b.startedAt;
    const reported = !before || b.status === 'scheduled';
    const report = !reported
      ? undefined
      : reportSection({
          t,
          model: reportModel(b, await deps.broadcasts.report(b.id), t, deps.timezone, deps.now()),
          dataUrl: `${path(res, b)}/report.json`,
          csvUrl: `${path(res, b)}/recipients.csv`,
        });
    const page: DetailPage = {
      t,
      base,
      csrf: csrfTokenFor(res),
      timezone: deps.timezone,
      b,
      mayAct: user.role === 'editor' || user.role === 'admin',
      minAt: toLocalInput(deps.now(), deps.timezone),
      ...(before
        ? { preview: preview(res, b, b.id), counts: await deps.broadcasts.preview(b.oaId, b.audience) }
        : {}),
      ...(report ? { report } : {}),
      ...(o.notice ? { notice: o.notice } : {}),
      ...(o.error ? { error: o.error } : {}),
      ...(o.scheduleDraft ? { scheduleDraft: o.scheduleDraft } : {}),
    };
    sendPage(res, {
      status: o.status,
      title: b.title,
      body: html`${detailBody(page)}${scripts(res, report !== undefined)}`,
      here: path(res, b),
    });
  };

  return {
    texts,
    notFound(res) {
      sendRefusal(res, 404, texts(res).problem.not_found);
    },
    compose,
    detail,
    async approval(res, b, status, error) {
      const t = texts(res);
      const body = approvalBody({
        t,
        base: consoleBase(res),
        csrf: csrfTokenFor(res),
        b,
        preview: preview(res, b, b.id),
        counts: await deps.broadcasts.preview(b.oaId, b.audience),
        own: b.createdBy === signedInUser(res).username,
        ...(error ? { error } : {}),
      });
      sendPage(res, { status, title: t.approvalTitle, body, here: `${path(res, b)}/approve` });
    },
    confirm(res, b, action) {
      const t = texts(res);
      const body = confirmBody(t, consoleBase(res), csrfTokenFor(res), b, action);
      sendPage(res, { title: t.confirmTitle, body, here: `${path(res, b)}/${action}` });
    },
  };
}
