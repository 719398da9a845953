import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MEDIA_RULES,
  inspectMedia,
  sniffMime,
  type MediaRules,
} from '../../src/dossiers/files/inspect.js';
import { ftyp, heic, jpeg, pdf, png, webp } from '../support/images.js';

const PHOTO: MediaRules = { kind: 'image', maxBytes: 1024 * 1024, minImageSide: 320 };
const FILE: MediaRules = { ...PHOTO, kind: 'file' };

describe('inspecting a resident photo', () => {
  it('keeps the default rules: photos only, 10 MiB, 320 px', () => {
    expect(DEFAULT_MEDIA_RULES).toEqual({ kind: 'image', maxBytes: 10_485_760, minImageSide: 320 });
  });

  it('accepts JPEG, PNG, WebP and HEIC with their dimensions', () => {
    expect(inspectMedia(jpeg(1200, 1600), PHOTO)).toEqual({
      ok: true,
      mime: 'image/jpeg',
      width: 1200,
      height: 1600,
    });
    expect(inspectMedia(png(800, 600), PHOTO)).toEqual({
      ok: true,
      mime: 'image/png',
      width: 800,
      height: 600,
    });
    expect(inspectMedia(webp(1024, 768), PHOTO)).toEqual({
      ok: true,
      mime: 'image/webp',
      width: 1024,
      height: 768,
    });
    expect(inspectMedia(heic(4032, 3024), PHOTO)).toEqual({
      ok: true,
      mime: 'image/heic',
      width: 4032,
      height: 3024,
    });
    expect(inspectMedia(heic(640, 480, 'mif1'), PHOTO)).toMatchObject({ ok: true, mime: 'image/heic' });
  });

  it('reports a turned JPEG as it is displayed', () => {
    expect(inspectMedia(jpeg(1600, 1200, 6), PHOTO)).toEqual({
      ok: true,
      mime: 'image/jpeg',
      width: 1200,
      height: 1600,
    });
    expect(inspectMedia(jpeg(1600, 1200, 1), PHOTO)).toMatchObject({ width: 1600, height: 1200 });
  });

  it('refuses a photo whose shorter side is under the minimum', () => {
    expect(inspectMedia(png(319, 2000), PHOTO)).toEqual({ ok: false, reason: 'too_small' });
    expect(inspectMedia(jpeg(2000, 100), PHOTO)).toEqual({ ok: false, reason: 'too_small' });
    expect(inspectMedia(png(320, 320), PHOTO)).toMatchObject({ ok: true, width: 320, height: 320 });
    expect(inspectMedia(png(200, 200), { ...PHOTO, minImageSide: 150 })).toMatchObject({ ok: true });
  });

  it('refuses empty and oversized media before looking inside', () => {
    expect(inspectMedia(Buffer.alloc(0), PHOTO)).toEqual({ ok: false, reason: 'empty' });
    const photo = png(400, 400);
    expect(inspectMedia(photo, { ...PHOTO, maxBytes: photo.length - 1 })).toEqual({
      ok: false,
      reason: 'too_large',
    });
    expect(inspectMedia(photo, { ...PHOTO, maxBytes: photo.length })).toMatchObject({ ok: true });
  });

  it('refuses what is not an image in a photo slot, and other image types everywhere', () => {
    expect(inspectMedia(pdf(), PHOTO)).toEqual({ ok: false, reason: 'not_image' });
    expect(inspectMedia(Buffer.from('Xin chào, đây là giấy khai sinh'), PHOTO)).toEqual({
      ok: false,
      reason: 'not_image',
    });
    const gif = Buffer.from('GIF89a\x40\x01\x40\x01\0\0\0;', 'latin1');
    expect(inspectMedia(gif, PHOTO)).toEqual({ ok: false, reason: 'not_allowed' });
    expect(inspectMedia(gif, FILE)).toEqual({ ok: false, reason: 'not_allowed' });
    expect(inspectMedia(Buffer.concat([ftyp('avif', 'mif1', 'avif')]), PHOTO)).toEqual({
      ok: false,
      reason: 'not_allowed',
    });
  });

  it('accepts a complete PDF or a photo in a file slot, and nothing else', () => {
    expect(inspectMedia(pdf(), FILE)).toEqual({ ok: true, mime: 'application/pdf' });
    expect(inspectMedia(png(640, 480), FILE)).toEqual({
      ok: true,
      mime: 'image/png',
      width: 640,
      height: 480,
    });
    expect(inspectMedia(Buffer.from('PK\x03\x04 a zip archive', 'latin1'), FILE)).toEqual({
      ok: false,
      reason: 'not_allowed',
    });
  });

  it('calls cut-off or corrupt media unreadable', () => {
    const whole = pdf();
    expect(inspectMedia(whole.subarray(0, whole.length - 10), FILE)).toEqual({
      ok: false,
      reason: 'unreadable',
    });
    expect(inspectMedia(png(640, 480).subarray(0, 20), PHOTO)).toEqual({ ok: false, reason: 'unreadable' });
    expect(inspectMedia(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), PHOTO)).toEqual({
      ok: false,
      reason: 'unreadable',
    });
    expect(inspectMedia(Buffer.concat([ftyp('heic', 'mif1')]), PHOTO)).toEqual({
      ok: false,
      reason: 'unreadable',
    });
  });

  it('judges the type from the bytes only', () => {
    expect(sniffMime(jpeg(10, 10))).toBe('image/jpeg');
    expect(sniffMime(png(10, 10))).toBe('image/png');
    expect(sniffMime(webp(10, 10))).toBe('image/webp');
    expect(sniffMime(heic(10, 10))).toBe('image/heic');
    expect(sniffMime(ftyp('mif1', 'mif1'))).toBe('image/heif');
    expect(sniffMime(ftyp('isom', 'mp41'))).toBeUndefined();
    expect(sniffMime(pdf())).toBe('application/pdf');
    expect(sniffMime(Buffer.from('<html>%PDF-1.4</html>'))).toBeUndefined();
    expect(sniffMime(Buffer.from([0xff]))).toBeUndefined();
  });
});
