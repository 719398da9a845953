/**
 * Shapes of what the OA sends through POST /v3.0/oa/message/cs, verbatim
 * Zalo field names. Builders keep text within Zalo's limits.
 */

/** Zalo refuses consultation text longer than this (count after NFC normalisation). */
export const ZALO_TEXT_LIMIT = 2000;
/** Buttons under one message. */
export const ZALO_MAX_BUTTONS = 5;

/** A button under a message. `oa.query.show` sends its payload back as the resident's text. */
export type ZaloButton =
  | { title: string; type: 'oa.query.show' | 'oa.query.hide'; payload: string }
  | { title: string; type: 'oa.open.url'; payload: { url: string } }
  | { title: string; type: 'oa.open.phone'; payload: { phone_code: string } }
  | { title: string; type: 'oa.open.sms'; payload: { phone_code: string; content: string } };

/** The `message` object of a consultation send. */
export interface ZaloMessage {
  text?: string;
  quote_message_id?: string;
  attachment?:
    | {
        type: 'template';
        payload:
          | { buttons: ZaloButton[] }
          | {
              template_type: 'media';
              elements: Array<
                | { media_type: 'image' | 'gif'; url: string; width?: number; height?: number }
                | {
                    media_type: 'image' | 'gif' | 'sticker';
                    attachment_id: string;
                    width?: number;
                    height?: number;
                  }
              >;
              buttons?: ZaloButton[];
            }
          | {
              template_type: 'request_user_info';
              elements: [{ title: string; subtitle: string; image_url: string }];
            };
      }
    | { type: 'file'; payload: { token: string } };
}

/** Normalises to NFC and cuts at the limit on a character boundary, marking the cut. */
export function fitText(text: string, limit = ZALO_TEXT_LIMIT): string {
  const nfc = text.normalize('NFC');
  const chars = Array.from(nfc);
  if (chars.length <= limit) return nfc;
  return chars.slice(0, limit - 1).join('') + '…';
}

/** A text message. */
export function textMessage(text: string): ZaloMessage {
  return { text: fitText(text) };
}

/** A text with up to five buttons under it (Zalo OA has no quick replies; these stand in). */
export function buttonsMessage(text: string, buttons: ZaloButton[]): ZaloMessage {
  if (buttons.length === 0) return textMessage(text);
  return {
    text: fitText(text),
    attachment: { type: 'template', payload: { buttons: buttons.slice(0, ZALO_MAX_BUTTONS) } },
  };
}

/** An image by public URL or by an uploaded attachment id, with an optional caption. */
export function imageMessage(
  image: { url: string } | { attachmentId: string },
  caption?: string,
): ZaloMessage {
  const element =
    'url' in image
      ? { media_type: 'image' as const, url: image.url }
      : { media_type: 'image' as const, attachment_id: image.attachmentId };
  return {
    ...(caption ? { text: fitText(caption) } : {}),
    attachment: { type: 'template', payload: { template_type: 'media', elements: [element] } },
  };
}

/** A file previously uploaded through /v2.0/oa/upload/file. */
export function fileMessage(token: string): ZaloMessage {
  return { attachment: { type: 'file', payload: { token } } };
}

/** Asks the resident to share name and phone; the answer arrives as `user_submit_info`. */
export function requestUserInfoMessage(title: string, subtitle: string, imageUrl: string): ZaloMessage {
  return {
    attachment: {
      type: 'template',
      payload: { template_type: 'request_user_info', elements: [{ title, subtitle, image_url: imageUrl }] },
    },
  };
}
