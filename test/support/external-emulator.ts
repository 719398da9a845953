import { EMULATOR_AGENCY_CODE, EMULATOR_CREDENTIALS } from '../../src/config.js';
import { freePort } from '../../src/redis/embedded.js';
import { createEmulatorServer, type EmulatorServer } from '../../src/zalo/emulator/index.js';

/** The Zalo settings that point motcua at the emulator served at `origin`, with its test credentials. */
export function emulatorZaloEnv(origin: string): Record<string, string> {
  return {
    ZALO_API_BASE: `${origin}/emulator/openapi`,
    ZALO_OAUTH_BASE: `${origin}/emulator/oauth`,
    ZALO_APP_ID: EMULATOR_CREDENTIALS.appId,
    ZALO_APP_SECRET: EMULATOR_CREDENTIALS.appSecret,
    ZALO_OA_ID: EMULATOR_CREDENTIALS.oaId,
    AGENCY_CODE: EMULATOR_AGENCY_CODE,
    ZALO_OA_SECRET_KEY: EMULATOR_CREDENTIALS.oaSecretKey,
    ZALO_REFRESH_TOKEN: EMULATOR_CREDENTIALS.refreshToken,
  };
}

/** An emulator on its own server, and the environment of the motcua processes that answer it. */
export interface ExternalEmulator {
  emulator: EmulatorServer;
  /** The port the motcua processes listen on (the emulator's webhooks go there). */
  port: number;
  /** PORT, HOST, the database, Redis, the Zalo settings and the queue's, then `extra`. */
  env: Record<string, string>;
}

/**
 * Starts the emulator on its own server, with webhooks going to a free local port, and builds the
 * environment of spawned motcua processes serving that port against `databaseUrl` and `redisUrl`.
 */
export async function startExternalEmulator(
  services: { databaseUrl: string; redisUrl: string },
  extra: Record<string, string> = {},
): Promise<ExternalEmulator> {
  const port = await freePort();
  const emulator = await createEmulatorServer({
    appId: EMULATOR_CREDENTIALS.appId,
    appSecret: EMULATOR_CREDENTIALS.appSecret,
    oaId: EMULATOR_CREDENTIALS.oaId,
    oaSecretKey: EMULATOR_CREDENTIALS.oaSecretKey,
    initialRefreshToken: EMULATOR_CREDENTIALS.refreshToken,
    webhookUrl: `http://127.0.0.1:${port}/webhooks/zalo`,
    port: 0,
    host: '127.0.0.1',
  });
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    ...emulatorZaloEnv(emulator.origin),
    QUEUE_PARTITIONS: '8',
    QUEUE_LOCK_MS: '4000',
    ...extra,
  };
  return { emulator, port, env };
}
