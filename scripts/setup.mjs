#!/usr/bin/env node
// One-time setup on a fresh Debian/Ubuntu machine: installs npm dependencies,
// the system packages motcua runs with (redis-server; Chromium for browser tests),
// and builds the CLI. Prints the exact command to run when it may not install.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 12)) {
  fail(`Node.js ${process.versions.node} is too old: motcua needs 20.12 or newer (24 LTS recommended).`);
}

step('Installing npm dependencies');
run('npm', ['install', '--no-audit', '--no-fund']);

const missing = [];
if (!has('redis-server', ['--version'])) missing.push({ pkg: 'redis-server', required: true });
if (!has('/usr/bin/chromium', ['--version']) && !has('chromium', ['--version'])) {
  missing.push({ pkg: 'chromium', required: false });
}
if (missing.length > 0) installSystemPackages(missing);

step('Building');
run('npx', ['tsc', '-p', 'tsconfig.build.json']);
mkdirSync('data', { recursive: true });
console.log('\nSetup done. Start with: npm start   (then open http://localhost:3000/emulator)');

function installSystemPackages(list) {
  const names = list.map((m) => m.pkg);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const asRoot = isRoot ? [] : has('sudo', ['-n', 'true']) ? ['sudo', '-n'] : null;
  const command = `sudo apt-get update && sudo apt-get install -y ${names.join(' ')}`;
  if (has('apt-get', ['--version']) && asRoot) {
    step(`Installing system packages: ${names.join(' ')}`);
    const apt = (args) => {
      const full = [...asRoot, 'apt-get', ...args];
      return spawnSync(full[0], full.slice(1), {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    };
    if (apt(['update']).status === 0) {
      for (const { pkg, required } of list) {
        if (apt(['install', '-y', '--no-install-recommends', pkg]).status === 0) continue;
        if (required) fail(`Could not install ${pkg}. Run: ${command}`);
        console.warn(`warning: could not install ${pkg}; browser tests are skipped until it is installed.`);
      }
      return;
    }
  }
  if (list.some((m) => m.required))
    fail(`Missing system packages (${names.join(', ')}). Run:\n  ${command}\nthen npm run setup again.`);
  console.warn(`warning: optional packages missing (${names.join(', ')}). To install: ${command}`);
}

function has(cmd, args) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) fail(`\`${cmd} ${args.join(' ')}\` failed (exit ${r.status ?? r.signal}).`);
}

function step(text) {
  console.log(`\n▸ ${text}`);
}

function fail(text) {
  console.error(`\nsetup: ${text}`);
  process.exit(1);
}
