import { Command } from 'commander';
import { loadConfig, redactUrl, type Config } from './config.js';
import { openDatabase } from './db/connection.js';
import { MotcuaError } from './errors.js';
import { createLogger } from './log.js';
import { startRuntime, type Roles, type Runtime } from './main.js';
import { registerFlowsCommands } from './cli/flows.js';
import { registerNluCommands } from './cli/nlu.js';
import { registerUsersCommands } from './cli/users.js';
import { registerFollowersCommands } from './cli/followers.js';

/** Runs the `motcua` command line (serve | work | all | migrate | flows | nlu | users | followers). */
export async function runCli(argv: string[]): Promise<void> {
  const program = new Command()
    .name('motcua')
    .description('Zalo OA assistant for commune and ward one-stop desks')
    .showHelpAfterError();
  program
    .command('all', { isDefault: true })
    .description('webhook server, emulator (without Zalo credentials) and workers in one process')
    .action(() => run({ serve: true, work: true }));
  program
    .command('serve')
    .description('webhook server only (needs DATABASE_URL and REDIS_URL)')
    .action(() => run({ serve: true, work: false }));
  program
    .command('work')
    .description('queue workers only (needs DATABASE_URL and REDIS_URL)')
    .action(() => run({ serve: false, work: true }));
  program.command('migrate').description('apply database migrations and exit').action(migrate);
  registerFlowsCommands(program);
  registerNluCommands(program);
  registerUsersCommands(program);
  registerFollowersCommands(program);
  await program.parseAsync(argv);
}

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    exitWith(err);
  }
}

function exitWith(err: unknown): never {
  console.error(err instanceof MotcuaError ? `${err.code}: ${err.message}` : err);
  process.exit(1);
}

async function migrate() {
  const config = configOrExit();
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await db.migrate();
  await db.close();
  console.log(
    `migrations applied (${db.kind}${config.databaseUrl ? ` ${redactUrl(config.databaseUrl)}` : ''})`,
  );
}

async function run(roles: Roles) {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  let runtime: Runtime;
  try {
    runtime = await startRuntime(config, roles, { logger });
  } catch (err) {
    exitWith(err);
  }
  printBanner(runtime, roles);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), config.shutdownTimeoutMs);
    force.unref();
    runtime
      .close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGHUP', () => {
    runtime
      .reloadContent()
      .then((problems) => logger.info({ problems: problems.length }, 'flows and catalogue reloaded'))
      .catch((err: unknown) => logger.error({ err: String(err) }, 'reload failed'));
  });
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function printBanner(runtime: Runtime, roles: Roles) {
  const c = runtime.config;
  const lines = ['', 'motcua is running'];
  if (roles.serve && runtime.url) {
    const base = c.publicUrl.includes('localhost')
      ? runtime.url.replace('127.0.0.1', 'localhost')
      : c.publicUrl;
    lines.push(`  webhook URL:   ${base}/webhooks/zalo`);
    if (c.zalo.emulator) lines.push(`  emulator:      ${base}/emulator   (chat as a resident here)`);
    lines.push(
      `  console:       ${base}/console    (officers; first admin: npx motcua users add --role admin)`,
    );
    if (c.staffApiToken && c.zalo.emulator)
      lines.push(`  staff API:     ${base}/api/staff  (bearer token ${c.staffApiToken}, fake)`);
    lines.push(`  health:        ${base}/healthz  ${base}/readyz  ${base}/metrics`);
  }
  lines.push(
    `  database:      ${runtime.db.kind}${c.databaseUrl ? ` ${redactUrl(c.databaseUrl)}` : ` under ${c.dataDir}`}`,
  );
  lines.push(
    `  redis:         ${runtime.redis.embedded ? `embedded redis-server on ${runtime.redis.url}` : redactUrl(runtime.redis.url)}`,
  );
  if (c.zalo.emulator) {
    lines.push('  Zalo:          built-in emulator, fake credentials:');
    lines.push(
      `                 app id ${c.zalo.appId} · OA id ${c.zalo.oaId} · OA secret key ${c.zalo.oaSecretKey}`,
    );
  } else {
    lines.push(`  Zalo:          ${c.zalo.apiBase} (app id ${c.zalo.appId}, OA id ${c.zalo.oaId})`);
  }
  lines.push('');
  console.log(lines.join('\n'));
}
