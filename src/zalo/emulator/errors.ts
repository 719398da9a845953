/** Zalo OA Open API error codes the emulator answers with (messages as Zalo returns them). */
export const ZaloErrorCode = {
  RateLimited: -32,
  AttachmentExpired: -100,
  InvalidParam: -201,
  ParamTooLarge: -210,
  NotSupported: -209,
  NotFollower: -213,
  InvalidToken: -216,
  ExpiredToken: -220,
  OutsideWindow: -230,
  UnsupportedType: -233,
  MessageV2Shutdown: -240,
} as const;

const DEFAULT_MESSAGES: Record<number, string> = {
  [-32]: 'Your application reached limit call api',
  [-100]: 'attachment_id was expired',
  [-200]: 'Send message failed',
  [-201]: 'Parameters are invalid!',
  [-209]: 'Not supported this api',
  [-210]: 'Parameter exceeds allowable limit',
  [-213]: 'User has not followed OA',
  [-216]: 'Access token is invalid',
  [-218]: 'Out of quota receive',
  [-220]: 'access_token is expired or removed',
  [-230]: 'User has not interacted with the OA in the past 7 days',
  [-232]: 'User has not interacted, or last interaction expired',
  [-233]: 'message type is invalid or not supported',
  [-240]: 'MessageV2 API has been shut down, please switch to MessageV3',
};

/** The HTTP-200 error body Zalo uses: `{error, message}`. */
export interface ZaloErrorBody {
  error: number;
  message: string;
}

/** Builds an error body; without `message` the code's usual Zalo wording is used. */
export function zaloError(code: number, message?: string): ZaloErrorBody {
  return { error: code, message: message ?? DEFAULT_MESSAGES[code] ?? 'Unknown error' };
}

/** The `-201 "<field> is invalid!"` body Zalo returns for a bad parameter. */
export function invalidParam(field: string): ZaloErrorBody {
  return zaloError(ZaloErrorCode.InvalidParam, `${field} is invalid!`);
}
