import { describe, expect, it } from 'vitest';
import {
  attachmentName,
  classifyAttachment,
  FILE_MAX_BYTES,
  IMAGE_MAX_BYTES,
} from '../../src/handoff/attachments/kind.js';
import { pendingAttachmentMessage, pendingAttachmentOf } from '../../src/handoff/attachments/message.js';
import { jpeg, pdf, png, webp } from '../support/images.js';

/** A ZIP-like byte string holding local file headers with these entry names. */
const zipWith = (...names: string[]) =>
  Buffer.concat([
    ...names.map((n) =>
      Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(26), Buffer.from(n)]),
    ),
    Buffer.from('PK\x05\x06', 'latin1'),
    Buffer.alloc(18),
  ]);
/** An OLE compound file header followed by a directory entry named `stream`. */
const oleWith = (stream: string) =>
  Buffer.concat([
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
    Buffer.alloc(504),
    Buffer.from(stream, 'utf16le'),
    Buffer.alloc(64),
  ]);

describe("an officer's attachment", () => {
  it('takes JPG and PNG photos up to 1 MB as images, with their size', () => {
    expect(classifyAttachment(png(40, 30))).toMatchObject({
      ok: true,
      kind: 'image',
      mime: 'image/png',
      ext: 'png',
      width: 40,
      height: 30,
    });
    expect(classifyAttachment(jpeg(64, 48))).toMatchObject({
      ok: true,
      kind: 'image',
      mime: 'image/jpeg',
      ext: 'jpg',
    });
    const big = Buffer.concat([png(40, 30), Buffer.alloc(IMAGE_MAX_BYTES)]);
    expect(classifyAttachment(big)).toEqual({ ok: false, reason: 'image_too_large' });
  });

  it('takes PDF, DOC and DOCX files up to 5 MB, judged by content', () => {
    expect(classifyAttachment(pdf())).toMatchObject({
      ok: true,
      kind: 'file',
      mime: 'application/pdf',
      ext: 'pdf',
    });
    expect(classifyAttachment(oleWith('WordDocument'))).toMatchObject({ ok: true, kind: 'file', ext: 'doc' });
    expect(
      classifyAttachment(zipWith('[Content_Types].xml', '_rels/.rels', 'word/document.xml')),
    ).toMatchObject({
      ok: true,
      kind: 'file',
      mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      ext: 'docx',
    });
    expect(classifyAttachment(Buffer.concat([pdf(), Buffer.alloc(FILE_MAX_BYTES)]))).toEqual({
      ok: false,
      reason: 'file_too_large',
    });
    expect(classifyAttachment(Buffer.from('%PDF-1.4\ncut off here'))).toEqual({
      ok: false,
      reason: 'unreadable',
    });
  });

  it('refuses everything else, whatever it is called', () => {
    for (const bytes of [
      Buffer.from('just text'),
      webp(40, 30),
      Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'),
      oleWith('Workbook'),
      zipWith('[Content_Types].xml', 'xl/workbook.xml'),
    ])
      expect(classifyAttachment(bytes)).toEqual({ ok: false, reason: 'not_allowed' });
    expect(classifyAttachment(Buffer.alloc(0))).toEqual({ ok: false, reason: 'empty' });
  });

  it('names the file for the resident with the extension of its real type', () => {
    expect(attachmentName('Mẫu tờ khai.pdf', 'pdf')).toBe('Mẫu tờ khai.pdf');
    expect(attachmentName('C:\\Users\\lan\\giấy hẹn.PNG', 'png')).toBe('giấy hẹn.png');
    expect(attachmentName('../../etc/passwd', 'pdf')).toBe('passwd.pdf');
    expect(attachmentName('a<b>"c"\u0007.exe', 'docx')).toBe('abc.docx');
    expect(attachmentName(undefined, 'jpg')).toBe('tep-dinh-kem.jpg');
  });

  it('keeps the stored file in the outbox message, not a Zalo id, and reads it back', () => {
    const ref = { storedFileId: 7, kind: 'image' as const, name: 'a.png', mime: 'image/png' };
    const m = pendingAttachmentMessage(ref, '  Giấy hẹn ạ ');
    expect(m.text).toBe('Giấy hẹn ạ');
    expect(m.attachment).toBeUndefined();
    expect(pendingAttachmentOf(JSON.parse(JSON.stringify(m)))).toEqual(ref);
    expect(pendingAttachmentMessage({ ...ref, kind: 'file' }, 'ignored').text).toBeUndefined();
    expect(pendingAttachmentOf({ text: 'x' })).toBeUndefined();
  });
});
