/** What the emulator recorded as sent to one resident. */
export interface EmulatedMessage {
  messageId: string;
  sentTime: number;
  text?: string;
  buttons?: Array<{ title: string; type: string; payload: unknown }>;
  /** `oa_send_text`, `oa_send_image`, `oa_send_file`… */
  eventName?: string;
  /** The image or file it carried, with the emulator's URL for its bytes. */
  attachment?: { type: string; url?: string; name?: string };
}

/** A resident as the emulator's control API shows them. */
export interface EmulatedUser {
  userId: string;
  follower: boolean;
  tags: string[];
}

/** Talks to the emulator's JSON test endpoints under `<base>/emulator/api`. */
export function emulatorClient(base: string) {
  const api = `${base}/emulator/api`;
  const json = async (res: Response): Promise<unknown> => {
    if (!res.ok) throw new Error(`emulator answered HTTP ${res.status}: ${await res.text()}`);
    return res.json();
  };
  return {
    /** Makes the resident send a text through the signed webhook. */
    say: async (userId: string, text: string) =>
      json(
        await fetch(`${api}/users/${encodeURIComponent(userId)}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text }),
        }),
      ) as Promise<{ msgId: string }>,
    /** Taps a button the OA sent: its payload goes back as the resident's text, hidden for `oa.query.hide`. */
    tap: async (userId: string, button: { type: string; payload: unknown }) =>
      json(
        await fetch(`${api}/users/${encodeURIComponent(userId)}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: String(button.payload), hidden: button.type === 'oa.query.hide' }),
        }),
      ) as Promise<{ msgId: string }>,
    /** Makes the resident send an attachment (`image`, `file`, `location`) through the signed webhook. */
    send: async (userId: string, attachment: Record<string, unknown>, text?: string) =>
      json(
        await fetch(`${api}/users/${encodeURIComponent(userId)}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ attachment, ...(text ? { text } : {}) }),
        }),
      ) as Promise<{ msgId: string }>,
    /** Answers the OA's request_user_info card (`user_submit_info`). */
    submitInfo: async (userId: string, info: { name?: string; phone?: string; address?: string }) =>
      json(
        await fetch(`${api}/users/${encodeURIComponent(userId)}/submit-info`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(info),
        }),
      ),
    /** Creates or updates a resident: follower or not, Zalo tags, last interaction (epoch ms). */
    createUser: async (
      userId: string,
      user: { follower?: boolean; tags?: string[]; lastInteractionAt?: number; displayName?: string } = {},
    ) =>
      json(
        await fetch(`${api}/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userId, ...user }),
        }),
      ) as Promise<{ user: EmulatedUser }>,
    /** The resident as the emulator knows them (follower, tags). */
    user: async (userId: string) =>
      ((await json(await fetch(`${api}/users/${encodeURIComponent(userId)}`))) as { user: EmulatedUser })
        .user,
    /** The resident follows the OA (a signed `follow` webhook). */
    follow: async (userId: string) =>
      json(await fetch(`${api}/users/${encodeURIComponent(userId)}/follow`, { method: 'POST' })),
    /** The resident unfollows the OA (a signed `unfollow` webhook). */
    unfollow: async (userId: string) =>
      json(await fetch(`${api}/users/${encodeURIComponent(userId)}/unfollow`, { method: 'POST' })),
    /** Everything the OA sent the resident, in order. */
    inbox: async (userId: string) =>
      (
        (await json(await fetch(`${api}/users/${encodeURIComponent(userId)}/messages`))) as {
          messages: EmulatedMessage[];
        }
      ).messages,
    stats: async (): Promise<Record<string, unknown>> => (await json(await fetch(`${api}/stats`))) as never,
    expireToken: async () => json(await fetch(`${api}/tokens/expire`, { method: 'POST' })),
    fault: async (f: { path: string; error: number; count: number }) =>
      json(
        await fetch(`${api}/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(f),
        }),
      ),
  };
}
