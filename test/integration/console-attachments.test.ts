import type { Browser, Page } from 'playwright-core';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS } from '../../src/config.js';
import { auditLog, conversations, outbox, storedFiles, tickets } from '../../src/db/schema.js';
import { eventually, startEmulatedStack } from '../support/app.js';
import { createTestAccounts, launchChromium, screenshot, signIn } from '../support/console-browser.js';
import { dialog } from '../support/dialog.js';
import { png } from '../support/images.js';

/*
 * An officer answers with a photo or a file from the ticket page in a real Chromium: the file is
 * checked by its content, kept encrypted (the chat shows it back), goes through the outbox and
 * reaches the resident in the emulator as an image or file message. Refused uploads and uploads
 * without the CSRF token leave nothing behind; a held reply is uploaded to Zalo only when it goes.
 */

const OA = EMULATOR_CREDENTIALS.oaId;
const PHOTO = png(480, 320, 0x40);
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);
let stack: Awaited<ReturnType<typeof startEmulatedStack>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  stack = await startEmulatedStack();
  await createTestAccounts(stack.db.db, [
    { username: 'mai.le', displayName: 'Lê Mai', role: 'officer', oaIds: [OA] },
  ]);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
  await signIn(page, stack.app.url!, 'mai.le');
});

afterAll(async () => {
  await browser?.close();
  await stack?.cleanup();
});

const shot = (name: string) => screenshot(page, name);

/** A resident asks for an officer, and the officer opens the ticket and takes it. */
async function claimedChat(user: string) {
  const chat = dialog(stack.emu, user);
  await chat.say('gặp cán bộ');
  const [t] = await stack.db.db.select().from(tickets).where(eq(tickets.userId, user));
  await page.goto(`${stack.app.url}/console/tickets/${t!.id}`);
  await page.click('button:has-text("Nhận xử lý")');
  await page.locator('#attach').waitFor();
  return { chat, ticket: t! };
}

async function attach(file: { name: string; mimeType: string; buffer: Buffer }, caption = '') {
  await page.setInputFiles('#file', file);
  await page.fill('#caption', caption);
  await page.click('#attach button[type=submit]');
}

const outboxOf = (user: string) => stack.db.db.select().from(outbox).where(eq(outbox.userId, user));
const filesOf = (ticketId: number) =>
  stack.db.db
    .select()
    .from(storedFiles)
    .where(and(eq(storedFiles.ownerKind, 'ticket'), eq(storedFiles.ownerId, ticketId)));
const bytesAt = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());

describe('photos and files from the ticket page', () => {
  it('sends a photo and a PDF to the resident, shows them in the chat and audits every read', async () => {
    const user = 'att-resident-1';
    const { chat, ticket } = await claimedChat(user);

    await Promise.all([
      page.waitForURL(/notice=sent/),
      attach({ name: 'giay-hen.png', mimeType: 'image/png', buffer: PHOTO }, 'Giấy hẹn của Anh/Chị ạ.'),
    ]);
    const [photo] = await chat.expect();
    expect(photo!.eventName).toBe('oa_send_image');
    expect(photo!.attachment?.type).toBe('image');
    expect(photo!.text).toBe('Giấy hẹn của Anh/Chị ạ.');
    expect((await bytesAt(photo!.attachment!.url!)).equals(PHOTO)).toBe(true);

    await Promise.all([
      page.waitForURL(/notice=sent/),
      attach({ name: 'Mẫu tờ khai.pdf', mimeType: 'application/pdf', buffer: PDF }),
    ]);
    const [file] = await chat.expect();
    expect(file!.eventName).toBe('oa_send_file');
    expect(file!.attachment?.name).toBe('Mẫu tờ khai.pdf');
    expect((await bytesAt(file!.attachment!.url!)).equals(PDF)).toBe(true);

    // The chat shows the photo inline (decrypted from the store) and the file as a named link.
    const img = page.locator('#chat img.officer-file');
    await img.waitFor();
    await expect
      .poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth), {
        timeout: 10_000,
      })
      .toBe(480);
    const link = page.locator('#chat a.officer-file');
    expect(await link.innerText()).toContain('Mẫu tờ khai.pdf');
    const href = await link.getAttribute('href');
    const served = await page.evaluate(async (url) => {
      const r = await fetch(url);
      return { status: r.status, bytes: Array.from(new Uint8Array(await r.arrayBuffer())) };
    }, href!);
    expect(served.status).toBe(200);
    expect(Buffer.from(served.bytes).equals(PDF)).toBe(true);
    await shot('console-attachments');

    const kept = await filesOf(ticket.id);
    expect(kept.map((f) => f.mime).sort()).toEqual(['application/pdf', 'image/png']);
    const audit = await stack.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectKind, 'ticket'), eq(auditLog.subjectId, String(ticket.id))));
    const replies = audit.filter((a) => a.action === 'ticket.reply');
    expect(replies.map((a) => (a.details as { attachment: { kind: string } }).attachment.kind)).toEqual([
      'image',
      'file',
    ]);
    const reads = audit.filter((a) => a.action === 'ticket.file.read');
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(reads.every((a) => a.actor === 'officer:mai.le')).toBe(true);
    expect(new Set(reads.map((a) => (a.details as { file: number }).file))).toEqual(
      new Set(kept.map((f) => f.id)),
    );
    // The sealed copy on disk is not the file itself.
    expect(kept.every((f) => f.path.endsWith('.enc'))).toBe(true);
  });

  it('refuses a photo over 1 MB, a file that is not what its name says and one over 5 MB, sending nothing', async () => {
    const user = 'att-resident-2';
    const { ticket } = await claimedChat(user);
    const before = (await outboxOf(user)).length;
    const error = page.locator('#attach-error');

    await attach({
      name: 'anh-lon.png',
      mimeType: 'image/png',
      buffer: Buffer.concat([PHOTO, Buffer.alloc(1024 * 1024)]),
    });
    await expect.poll(() => error.innerText()).toMatch(/Ảnh quá lớn: Zalo chỉ nhận ảnh tối đa 1 MB/);
    await shot('console-attachment-refused');

    await attach({
      name: 'to-khai.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('chỉ là chữ, không phải PDF'),
    });
    await expect.poll(() => error.innerText()).toMatch(/Chỉ gửi được ảnh JPG\/PNG hoặc tệp PDF, DOC, DOCX/);

    await attach({
      name: 'ho-so.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)]),
    });
    await expect.poll(() => error.innerText()).toMatch(/Tệp quá lớn: Zalo chỉ nhận tệp tối đa 5 MB/);

    expect(page.url()).not.toMatch(/notice=/);
    expect((await outboxOf(user)).length).toBe(before);
    expect(await filesOf(ticket.id)).toEqual([]);
  });

  it('refuses an upload without the CSRF token (403) before keeping anything', async () => {
    const user = 'att-resident-3';
    const { ticket } = await claimedChat(user);
    const before = (await outboxOf(user)).length;
    const url = `${stack.app.url}/console/tickets/${ticket.id}/attachments`;
    const post = (o: { header?: string; field?: string }) =>
      page.evaluate(
        async ({ url, o, bytes }) => {
          const form = new FormData();
          if (o.field !== undefined) form.append('_csrf', o.field);
          form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'anh.png');
          const headers: Record<string, string> = { accept: 'application/json' };
          if (o.header !== undefined) headers['x-csrf-token'] = o.header;
          return (await fetch(url, { method: 'POST', body: form, headers })).status;
        },
        { url, o, bytes: Array.from(PHOTO) },
      );
    const token = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    expect(await post({})).toBe(403);
    expect(await post({ header: 'not-the-token' })).toBe(403);
    // Inside a multipart body the token would only be read with the file: it must come as the header.
    expect(await post({ field: token! })).toBe(403);
    expect((await outboxOf(user)).length).toBe(before);
    expect(await filesOf(ticket.id)).toEqual([]);
    expect(await post({ header: token! })).toBe(200);
    expect((await outboxOf(user)).length).toBe(before + 1);
  });

  it('holds an attachment while Zalo’s window is closed and uploads it only when the resident writes again', async () => {
    const user = 'att-resident-4';
    const chat = dialog(stack.emu, user);
    await chat.say('gặp cán bộ');
    await stack.db.db
      .update(conversations)
      .set({ lastInteractionAt: new Date(Date.now() - 8 * 24 * 3600_000) })
      .where(and(eq(conversations.oaId, OA), eq(conversations.userId, user)));
    const [t] = await stack.db.db.select().from(tickets).where(eq(tickets.userId, user));
    await page.goto(`${stack.app.url}/console/tickets/${t!.id}`);
    await page.click('button:has-text("Nhận xử lý")');
    const uploadsBefore = (await stack.emu.stats()).uploads as number;
    await Promise.all([
      page.waitForURL(/notice=held/),
      attach({ name: 'ket-qua.pdf', mimeType: 'application/pdf', buffer: PDF }),
    ]);
    expect(await page.locator('#notice').innerText()).toMatch(/Đã giữ lại tin nhắn/);
    const held = (await outboxOf(user)).filter((r) => r.status === 'held');
    expect(held.map((r) => r.reason)).toEqual(['window_closed']);
    expect(JSON.stringify(held[0]!.message)).not.toMatch(/token|attachment_id/);
    await new Promise((r) => setTimeout(r, 500));
    expect((await stack.emu.stats()).uploads).toBe(uploadsBefore);

    await stack.emu.say(user, 'Tôi đây');
    const sent = await eventually(async () => {
      const inbox = await stack.emu.inbox(user);
      return inbox.find((m) => m.eventName === 'oa_send_file');
    }, 20_000);
    expect(sent.attachment?.name).toBe('ket-qua.pdf');
    expect((await bytesAt(sent.attachment!.url!)).equals(PDF)).toBe(true);
    expect((await stack.emu.stats()).uploads).toBe(uploadsBefore + 1);
    const [row] = await stack.db.db.select().from(outbox).where(eq(outbox.id, held[0]!.id));
    expect(row!.status).toBe('sent');
  });
});
