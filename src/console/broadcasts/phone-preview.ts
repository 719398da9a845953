import type { ZaloButton, ZaloMessage } from '../../zalo/messages.js';
import { html, type SafeHtml } from '../html.js';

/** What a phone preview draws: the message Zalo will get and where the browser finds its image. */
export interface PhonePreview {
  message: ZaloMessage;
  /** The console URL of the notice's stored image (the message names it by a Zalo attachment). */
  imageUrl?: string;
  /** The OA's display name, shown in the phone's title bar. */
  oaName: string;
  imageAlt: string;
}

/** The pieces of a Zalo message a resident sees: image, text, buttons. */
export function messageParts(message: ZaloMessage): {
  text: string;
  hasImage: boolean;
  buttons: ZaloButton[];
} {
  const attachment = message.attachment;
  const payload = attachment?.type === 'template' ? attachment.payload : undefined;
  const media =
    payload && 'template_type' in payload && payload.template_type === 'media' ? payload : undefined;
  const buttons = payload && 'buttons' in payload ? (payload.buttons ?? []) : [];
  return { text: message.text ?? '', hasImage: (media?.elements.length ?? 0) > 0, buttons };
}

/** Styles of the phone preview: a narrow screen, an OA chat bubble, the image above, buttons under. */
export const PHONE_STYLE = html`<style>
  .phone {
    width: 19rem;
    max-width: 100%;
    border: 0.6rem solid #1d2733;
    border-radius: 1.6rem;
    background: #e9edf2;
    overflow: hidden;
    margin: 0 auto;
  }
  .phone .bar {
    background: #0068ff;
    color: #fff;
    padding: 0.5rem 0.75rem;
    font-weight: 600;
    font-size: 0.95rem;
  }
  .phone .screen {
    padding: 0.75rem;
    min-height: 14rem;
  }
  .bubble {
    background: #fff;
    border-radius: 0.9rem;
    max-width: 92%;
    overflow: hidden;
    box-shadow: 0 1px 2px rgba(0, 0, 0, 0.12);
  }
  .bubble img {
    display: block;
    width: 100%;
    max-height: 16rem;
    object-fit: cover;
  }
  .bubble .text {
    padding: 0.6rem 0.75rem;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    font-size: 0.95rem;
  }
  .bubble .button {
    display: block;
    border-top: 1px solid #e3e8ed;
    padding: 0.55rem;
    text-align: center;
    color: #0068ff;
    font-weight: 600;
    font-size: 0.95rem;
  }
</style>`;

/** A Zalo chat on a phone holding the one message, drawn from the message object itself. */
export function phonePreview(p: PhonePreview): SafeHtml {
  const parts = messageParts(p.message);
  return html`<div class="phone" id="phone" aria-label="${p.oaName}">
    <div class="bar">${p.oaName}</div>
    <div class="screen">
      <div class="bubble">
        ${parts.hasImage && p.imageUrl ? html`<img id="preview-image" src="${p.imageUrl}" alt="${p.imageAlt}" />` : ''}
        <div class="text" id="preview-text">${parts.text}</div>
        ${parts.buttons.map((b) => html`<span class="button" data-type="${b.type}">${b.title}</span>`)}
      </div>
    </div>
  </div>`;
}
