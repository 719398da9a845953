#!/usr/bin/env node
// Starts motcua as `npm start` does (embedded PGlite, embedded redis-server, the
// emulator), has an emulator resident send a message, waits for the bot's reply,
// then stops it with SIGTERM and checks it exits cleanly in time.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'motcua-smoke-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const child = spawn(process.execPath, ['bin/motcua.js', 'all'], {
  env: {
    ...process.env,
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    DATABASE_URL: '',
    REDIS_URL: '',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

try {
  await waitFor(async () => (await fetch(`${base}/readyz`)).ok, 60_000, 'the app to become ready');
  const user = 'smoke-resident-1';
  const sent = await fetch(`${base}/emulator/api/users/${user}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'xin chào' }),
  });
  if (!sent.ok) throw new Error(`emulator refused the message: HTTP ${sent.status}`);
  const reply = await waitFor(
    async () => {
      const r = await fetch(`${base}/emulator/api/users/${user}/messages`);
      const body = await r.json();
      return body.messages?.length > 0 ? body.messages[0] : null;
    },
    20_000,
    'the bot to reply',
  );
  if (!/Xin chào/.test(reply.text ?? '')) throw new Error(`unexpected reply: ${JSON.stringify(reply)}`);
  console.log(`smoke: resident got "${reply.text.slice(0, 60)}…" with ${reply.buttons?.length ?? 0} buttons`);
  const started = Date.now();
  child.kill('SIGTERM');
  const { code, signal } = await Promise.race([exited, sleep(25_000).then(() => ({ code: 'timeout' }))]);
  if (code !== 0) throw new Error(`shutdown did not exit cleanly: ${code ?? signal}`);
  console.log(`smoke: ok (SIGTERM to exit in ${Date.now() - started} ms)`);
} catch (err) {
  console.error(`smoke: FAILED: ${err.message}`);
  child.kill('SIGKILL');
  process.exitCode = 1;
} finally {
  await exited;
  rmSync(dataDir, { recursive: true, force: true });
}

async function waitFor(check, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}
