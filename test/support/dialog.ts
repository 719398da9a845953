import { eventually } from './app.js';
import type { EmulatedMessage, emulatorClient } from './emulator-client.js';

/**
 * A scripted conversation with the bot through the emulator: the resident
 * types or taps, and each step returns the messages the bot sent in answer.
 */
export function dialog(emu: ReturnType<typeof emulatorClient>, userId: string) {
  let seen = 0;
  let last: EmulatedMessage[] = [];

  async function answers(n: number): Promise<EmulatedMessage[]> {
    await eventually(async () => {
      const all = await emu.inbox(userId);
      return all.length >= seen + n ? all : null;
    }, 30_000);
    // An answer of more messages than expected would show up here and fail the caller's checks.
    await new Promise((r) => setTimeout(r, 150));
    const settled = await emu.inbox(userId);
    last = settled.slice(seen);
    seen = settled.length;
    return last;
  }

  return {
    /** The resident types `text`; resolves with the bot's answer (at least `n` messages). */
    async say(text: string, n = 1) {
      await emu.say(userId, text);
      return answers(n);
    },
    /** The resident sends a photo (PNG/JPEG bytes); resolves with the bot's answer. */
    async photo(bytes: Buffer, n = 1) {
      await emu.send(userId, { type: 'image', dataBase64: bytes.toString('base64') });
      return answers(n);
    },
    /** The resident sends any attachment; resolves with the bot's answer. */
    async attach(attachment: Record<string, unknown>, n = 1) {
      await emu.send(userId, attachment);
      return answers(n);
    },
    /** The resident fills in the request_user_info card. */
    async submitInfo(info: { name?: string; phone?: string }, n = 1) {
      await emu.submitInfo(userId, info);
      return answers(n);
    },
    /** Waits for `n` more messages the bot sends on its own (notifications). */
    async expect(n = 1) {
      return answers(n);
    },
    /** The resident taps the button titled `title` under the bot's last message that has buttons. */
    async tap(title: string, n = 1) {
      const withButtons = [...last].reverse().find((m) => m.buttons?.length);
      const button = withButtons?.buttons?.find((b) => b.title === title);
      if (!button) {
        const titles = withButtons?.buttons?.map((b) => b.title).join(', ') ?? 'none';
        throw new Error(`no button "${title}" under the last message (buttons: ${titles})`);
      }
      await emu.tap(userId, button);
      return answers(n);
    },
    /** Titles of the buttons under the last message that has any. */
    buttons(): string[] {
      return (
        [...last]
          .reverse()
          .find((m) => m.buttons?.length)
          ?.buttons?.map((b) => b.title) ?? []
      );
    },
  };
}
