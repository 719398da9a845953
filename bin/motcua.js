#!/usr/bin/env node
// Runs the compiled CLI; `npm run setup` builds it into dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(entry)) {
  console.error('motcua is not built yet. Run: npm run setup');
  process.exit(1);
}
const { runCli } = await import(entry);
await runCli(process.argv);
