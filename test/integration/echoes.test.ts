import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { EMULATOR_CREDENTIALS } from '../../src/config.js';
import { isOwnEchoInOutbox } from '../../src/conversation/echoes.js';
import { outbox } from '../../src/db/schema.js';
import { ErrorCode, hasCode } from '../../src/errors.js';
import { normaliseEvent, type OaEchoEvent, type RawZaloEvent } from '../../src/zalo/events.js';
import { openTestDatabase } from '../support/services.js';
import { makeZaloEvent } from '../support/zalo-events.js';

let db: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.cleanup();
});

const OA = EMULATOR_CREDENTIALS.oaId;

function echo(userId: string, msgId: string, adminId?: string): OaEchoEvent {
  const raw = makeZaloEvent('oa_send_text', {
    timestamp: String(Date.now()),
    sender: adminId ? { id: OA, admin_id: adminId } : { id: OA },
    recipient: { id: userId },
    message: { msg_id: msgId, text: 'Xin chào Anh/Chị' },
  }) as unknown as RawZaloEvent;
  const event = normaliseEvent(raw, Buffer.from(JSON.stringify(raw)), OA);
  if (event.kind !== 'oa_echo') throw new Error(`expected an echo, got ${event.kind}`);
  return event;
}

async function outboxRow(userId: string, status: string, zaloMessageId: string | null) {
  const [row] = await db.db
    .insert(outbox)
    .values({
      oaId: OA,
      userId,
      lane: 'reply',
      message: { text: 'Xin chào Anh/Chị' },
      status,
      zaloMessageId,
      claimedAt: new Date(),
    })
    .returning({ id: outbox.id });
  return row!.id;
}

describe('an oa_send_* echo the webhook could not match', () => {
  it('is ours when the outbox holds a sent row with its message id', async () => {
    await outboxRow('echo-sent', 'sent', 'mid-sent-0001');
    expect(await isOwnEchoInOutbox(db.db, echo('echo-sent', 'mid-sent-0001'))).toBe(true);
  });

  it('waits (a retryable error) while a send to the same resident is still in flight', async () => {
    const id = await outboxRow('echo-early', 'sending', null);
    const early = echo('echo-early', 'mid-early-0001');
    const err = await isOwnEchoInOutbox(db.db, early).catch((e: unknown) => e);
    expect(hasCode(err, ErrorCode.EchoAheadOfSend)).toBe(true);
    await db.db
      .update(outbox)
      .set({ status: 'sent', zaloMessageId: 'mid-early-0001' })
      .where(eq(outbox.id, id));
    expect(await isOwnEchoInOutbox(db.db, early)).toBe(true);
  });

  it('stops waiting once the in-flight send is older than the echo wait', async () => {
    await outboxRow('echo-stuck', 'sending', null);
    const later = Date.now() + 61_000;
    expect(await isOwnEchoInOutbox(db.db, echo('echo-stuck', 'mid-stuck-0001'), later)).toBe(false);
  });

  it('is never ours when a person typed it in Zalo’s OA chat', async () => {
    await outboxRow('echo-admin', 'sending', null);
    expect(await isOwnEchoInOutbox(db.db, echo('echo-admin', 'mid-admin-0001', '1122334455667788990'))).toBe(
      false,
    );
  });

  it('is someone else’s when nothing was sent to that resident', async () => {
    expect(await isOwnEchoInOutbox(db.db, echo('echo-none', 'mid-none-0001'))).toBe(false);
  });
});
