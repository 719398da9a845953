/**
 * The Zalo emulator as its own process, for the scaled end-to-end run (Zalo is an
 * external system). Environment: EMULATOR_WEBHOOK_URL (required), EMULATOR_PORT (0),
 * EMULATOR_RATE_PER_MINUTE (1,000,000). Prints `{"url","origin"}` as one JSON line on
 * stdout once listening; stops on SIGTERM or SIGINT.
 */
import { EMULATOR_CREDENTIALS } from '../src/config.js';
import { createEmulatorServer } from '../src/zalo/emulator/index.js';

const webhookUrl = process.env.EMULATOR_WEBHOOK_URL;
if (!webhookUrl) {
  console.error('emulator-process: set EMULATOR_WEBHOOK_URL');
  process.exit(2);
}
const creds = EMULATOR_CREDENTIALS;
const server = await createEmulatorServer({
  appId: creds.appId,
  appSecret: creds.appSecret,
  oaId: creds.oaId,
  oaSecretKey: creds.oaSecretKey,
  initialRefreshToken: creds.refreshToken,
  webhookUrl,
  rateLimitPerMinute: Number(process.env.EMULATOR_RATE_PER_MINUTE ?? 1_000_000),
  port: Number(process.env.EMULATOR_PORT ?? 0),
  host: '127.0.0.1',
});
process.stdout.write(`${JSON.stringify({ url: server.url, origin: server.origin })}\n`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
