import axios, { type AxiosInstance } from 'axios';
import type { Logger } from '../log.js';
import { ZaloApiError, ZaloHttpError, zaloHttpErrorFrom } from './errors.js';
import {
  buttonsMessage,
  fileMessage,
  imageMessage,
  requestUserInfoMessage,
  textMessage,
  type ZaloButton,
  type ZaloMessage,
} from './messages.js';

/**
 * Thin typed client for the Zalo OA Open API. It builds the URL and the
 * `access_token` header, sends, checks the body's `error` (Zalo reports errors
 * with HTTP 200) and maps failures to ZaloApiError / ZaloHttpError. It repeats a
 * call only once, after a token refresh; other retries belong to retry.ts.
 */

/** Where the client gets the OA access token, and a fresh one after Zalo rejects it. */
export interface TokenProvider {
  /** A token believed valid now. */
  getAccessToken(): Promise<string>;
  /** A token other than `rejected`, refreshing it unless someone already has. */
  refreshAfterRejection(rejected: string): Promise<string>;
}

/** What the client needs; `http` lets tests or callers supply their own axios instance. */
export interface ZaloClientDeps {
  /** e.g. https://openapi.zalo.me, no trailing slash. */
  apiBase: string;
  timeoutMs: number;
  tokens: TokenProvider;
  logger?: Logger;
  http?: AxiosInstance;
}

/** One API call: GET queries travel as a single `data` parameter holding JSON. */
export interface ZaloRequest {
  method: 'GET' | 'POST';
  /** Path under the API base, e.g. /v3.0/oa/message/cs. */
  path: string;
  query?: Record<string, unknown>;
  body?: Record<string, unknown> | FormData;
}

/** The answer to a consultation send. `messageId` is what Zalo's delivery events refer to. */
export interface SendResult {
  messageId: string;
  userId: string;
  /** Epoch milliseconds, when Zalo reports it. */
  sentTime?: number;
}

/** A resident's profile from /v3.0/oa/user/detail, with Zalo's field names. */
export interface ZaloUserDetail {
  user_id: string;
  user_id_by_app?: string;
  user_external_id?: string;
  display_name?: string;
  user_alias?: string;
  is_sensitive?: boolean;
  /** DD/MM/YYYY. */
  user_last_interaction_date?: string;
  user_is_follower?: boolean;
  avatar?: string;
  avatars?: Record<string, string>;
  dynamic_param?: string;
  tags_and_notes_info?: { notes?: string[]; tag_names?: string[] };
  shared_info?: { address?: string; city?: string; district?: string; phone?: string; name?: string };
}

/** One page of /v3.0/oa/user/getlist (count at most 50, offset at most 9,951). */
export interface ZaloFollowerPage {
  total: number;
  count: number;
  offset: number;
  users: Array<{ user_id: string }>;
}

/** One message of /v2.0/oa/conversation; `src` 1 means the resident sent it. */
export interface ZaloConversationMessage {
  src: number;
  time: number;
  type: string;
  message?: string;
  message_id: string;
  from_id: string;
  to_id: string;
  from_display_name?: string;
  from_avatar?: string;
  to_display_name?: string;
  to_avatar?: string;
  url?: string;
  thumb?: string;
  location?: string;
  links?: unknown[];
}

/** The calls motcua makes to Zalo for one OA. */
export interface ZaloClient {
  /** Any Open API call; resolves to the envelope's `data`. */
  call<T>(request: ZaloRequest): Promise<T>;
  /** POST /v3.0/oa/message/cs. Not repeated on timeout: the outcome is unknown to us. */
  sendMessage(userId: string, message: ZaloMessage): Promise<SendResult>;
  /** A text message (cut to Zalo's 2,000 characters). */
  sendText(userId: string, text: string): Promise<SendResult>;
  /** An image by URL or uploaded attachment id, with an optional caption. */
  sendImage(
    userId: string,
    image: { url: string } | { attachmentId: string },
    caption?: string,
  ): Promise<SendResult>;
  /** A file uploaded through {@link ZaloClient.uploadFile}. */
  sendFile(userId: string, token: string): Promise<SendResult>;
  /** Text with up to five buttons under it. */
  sendButtons(userId: string, text: string, buttons: ZaloButton[]): Promise<SendResult>;
  /** Asks the resident to share name and phone; the answer comes back as `user_submit_info`. */
  sendRequestUserInfo(
    userId: string,
    card: { title: string; subtitle: string; imageUrl: string },
  ): Promise<SendResult>;
  /** Uploads a JPG/PNG (at most 1 MB); the attachment id expires after about 7 days. */
  uploadImage(data: Buffer, filename: string, mimeType: string): Promise<string>;
  /** Uploads a PDF/DOC/DOCX (at most 5 MB); the token expires after about 7 days. */
  uploadFile(data: Buffer, filename: string, mimeType: string): Promise<string>;
  /** A resident's profile, tags and shared info. */
  getUserDetail(userId: string): Promise<ZaloUserDetail>;
  /** One page of the OA's users, optionally only those with a tag, or only followers (`isFollower`). */
  getFollowers(page: {
    offset: number;
    count: number;
    tagName?: string;
    isFollower?: boolean;
  }): Promise<ZaloFollowerPage>;
  /** Adds a tag to a follower; Zalo creates the tag if it does not exist. */
  tagFollower(userId: string, tagName: string): Promise<void>;
  /** Removes a tag from a follower. */
  untagFollower(userId: string, tagName: string): Promise<void>;
  /** Recent messages with a resident, newest first (count at most 10). */
  getConversation(userId: string, offset: number, count: number): Promise<ZaloConversationMessage[]>;
}

interface ZaloEnvelope {
  error?: unknown;
  message?: unknown;
  data?: unknown;
}

type Caller = <T>(request: ZaloRequest) => Promise<T>;

/** Builds a client bound to one OA's token provider. */
export function createZaloClient(deps: ZaloClientDeps): ZaloClient {
  const call = createCaller(deps);
  const send = (userId: string, message: ZaloMessage) => sendConsultation(call, userId, message);
  return {
    call,
    sendMessage: send,
    sendText: (userId, text) => send(userId, textMessage(text)),
    sendImage: (userId, image, caption) => send(userId, imageMessage(image, caption)),
    sendFile: (userId, token) => send(userId, fileMessage(token)),
    sendButtons: (userId, text, buttons) => send(userId, buttonsMessage(text, buttons)),
    sendRequestUserInfo: (userId, card) =>
      send(userId, requestUserInfoMessage(card.title, card.subtitle, card.imageUrl)),
    uploadImage: (data, filename, mimeType) =>
      upload(call, '/v2.0/oa/upload/image', 'attachment_id', { data, filename, mimeType }),
    uploadFile: (data, filename, mimeType) =>
      upload(call, '/v2.0/oa/upload/file', 'token', { data, filename, mimeType }),
    getUserDetail: (userId) =>
      call<ZaloUserDetail>({ method: 'GET', path: '/v3.0/oa/user/detail', query: { user_id: userId } }),
    getFollowers: (page) =>
      call<ZaloFollowerPage>({ method: 'GET', path: '/v3.0/oa/user/getlist', query: followerQuery(page) }),
    tagFollower: (userId, tagName) => postTag(call, '/v2.0/oa/tag/tagfollower', userId, tagName),
    untagFollower: (userId, tagName) => postTag(call, '/v2.0/oa/tag/rmfollowerfromtag', userId, tagName),
    getConversation: (userId, offset, count) => readConversation(call, userId, offset, count),
  };
}

async function sendConsultation(call: Caller, userId: string, message: ZaloMessage): Promise<SendResult> {
  const data = await call<Record<string, unknown> | undefined>({
    method: 'POST',
    path: '/v3.0/oa/message/cs',
    body: { recipient: { user_id: userId }, message },
  });
  return toSendResult(data, userId);
}

async function upload(
  call: Caller,
  path: string,
  field: string,
  file: { data: Buffer; filename: string; mimeType: string },
): Promise<string> {
  const data = await call<Record<string, unknown> | undefined>({
    method: 'POST',
    path,
    body: fileForm(file),
  });
  return requiredString(data?.[field], path, field);
}

async function postTag(call: Caller, path: string, userId: string, tagName: string): Promise<void> {
  await call<unknown>({ method: 'POST', path, body: { user_id: userId, tag_name: tagName } });
}

async function readConversation(call: Caller, userId: string, offset: number, count: number) {
  const query = { user_id: userId, offset, count };
  const data = await call<ZaloConversationMessage[] | undefined>({
    method: 'GET',
    path: '/v2.0/oa/conversation',
    query,
  });
  return data ?? [];
}

/** The authenticated call with its single refresh-and-repeat on a rejected token. */
function createCaller(deps: ZaloClientDeps): Caller {
  const http = deps.http ?? axios.create();
  const once = <T>(request: ZaloRequest, token: string) => callOnce<T>(http, deps, request, token);
  return async <T>(request: ZaloRequest): Promise<T> => {
    const token = await deps.tokens.getAccessToken();
    try {
      return await once<T>(request, token);
    } catch (err) {
      if (!(err instanceof ZaloApiError) || err.decision !== 'refresh_token') throw err;
      deps.logger?.info(
        { path: request.path, code: err.code },
        'zalo rejected the access token; refreshing once',
      );
      return once<T>(request, await deps.tokens.refreshAfterRejection(token));
    }
  };
}

async function callOnce<T>(
  http: AxiosInstance,
  deps: ZaloClientDeps,
  request: ZaloRequest,
  token: string,
): Promise<T> {
  const started = Date.now();
  const log = (fields: Record<string, unknown>) =>
    deps.logger?.[fields.code === 0 ? 'debug' : 'warn'](
      { method: request.method, path: request.path, ms: Date.now() - started, ...fields },
      'zalo api call',
    );
  try {
    const data = unwrap<T>(await transmit(http, deps, request, token), request.path);
    log({ code: 0 });
    return data;
  } catch (err) {
    log(failureFields(err));
    throw err;
  }
}

async function transmit(http: AxiosInstance, deps: ZaloClientDeps, request: ZaloRequest, token: string) {
  try {
    const response = await http.request<unknown>({
      method: request.method,
      url: deps.apiBase + request.path + queryString(request.query),
      headers: { access_token: token },
      data: request.body,
      timeout: deps.timeoutMs,
      maxRedirects: 0,
      responseType: 'json',
      validateStatus: (status) => status >= 200 && status < 300,
    });
    return response.data;
  } catch (err) {
    throw zaloHttpErrorFrom(err, request.path);
  }
}

/** `?data=<url-encoded JSON>`, the only query shape the Open API reads. */
function queryString(query: Record<string, unknown> | undefined): string {
  return query ? `?data=${encodeURIComponent(JSON.stringify(query))}` : '';
}

function unwrap<T>(body: unknown, path: string): T {
  if (!isEnvelope(body))
    throw new ZaloHttpError(path, 'unknown', 'answered with a body that is not a Zalo envelope', 200);
  const code = Number(body.error ?? 0);
  if (code !== 0) throw new ZaloApiError(code, typeof body.message === 'string' ? body.message : '', path);
  return body.data as T;
}

function isEnvelope(body: unknown): body is ZaloEnvelope {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

function failureFields(err: unknown): Record<string, unknown> {
  if (err instanceof ZaloApiError) return { code: err.code, decision: err.decision };
  if (err instanceof ZaloHttpError) return { code: null, status: err.status, outcome: err.outcome };
  return { code: null };
}

function toSendResult(data: Record<string, unknown> | undefined, userId: string): SendResult {
  const result: SendResult = {
    messageId: textOf(data?.message_id),
    userId: typeof data?.user_id === 'string' ? data.user_id : userId,
  };
  const sentTime = data?.sent_time === undefined ? NaN : Number(data.sent_time);
  if (Number.isFinite(sentTime)) result.sentTime = sentTime;
  return result;
}

function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** The multipart body Zalo's upload endpoints read: one part named `file`. */
function fileForm(file: { data: Buffer; filename: string; mimeType: string }): FormData {
  const form = new FormData();
  form.append('file', new Blob([file.data], { type: file.mimeType }), file.filename);
  return form;
}

function followerQuery(page: {
  offset: number;
  count: number;
  tagName?: string;
  isFollower?: boolean;
}): Record<string, unknown> {
  return {
    offset: page.offset,
    count: page.count,
    ...(page.tagName ? { tag_name: page.tagName } : {}),
    ...(page.isFollower === undefined ? {} : { is_follower: page.isFollower }),
  };
}

function requiredString(value: unknown, path: string, field: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new ZaloHttpError(path, 'unknown', `answered without data.${field}`, 200);
}
