/** The built-in Zalo emulator: public entry points. */
export { createEmulator, type Emulator, type EmulatorOptions } from './router.js';
export { createEmulatorServer, type EmulatorServer } from './server.js';
export type { EmulatorState, EmulatorUser, ConversationEntry, OaEntry, UserEntry } from './state.js';
export type {
  PresentedOaMessage,
  PresentedEntry,
  PresentedUser,
  PresentedButton,
  PresentedAttachment,
} from './presenter.js';
export type { ResidentActions, ResidentMessageInput, ResidentAttachmentInput } from './resident-actions.js';
export type { WebhookSender, DeliveryRecord, DeliveryHandle, WebhookStats } from './webhook-sender.js';
export { DEFAULT_RETRY_DELAYS_MS, DEFAULT_WEBHOOK_TIMEOUT_MS } from './webhook-sender.js';
export { ZaloErrorCode, zaloError } from './errors.js';
export { OAuthError } from './oauth.js';
