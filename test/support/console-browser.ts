import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createPasswordHasher, type PasswordHasher } from '../../src/console/passwords.js';
import { createConsoleAccounts, type ConsoleRole } from '../../src/console/users.js';
import type { Database } from '../../src/db/connection.js';

/** The password of every console account {@link createTestAccounts} makes. */
export const PASSWORD = 'mật khẩu thử nghiệm 2026';

/** Where the browser tests put their screenshots. */
export const SHOTS = path.resolve('test-results', 'screenshots');

/** A password hasher cheap enough for tests (little memory, two passes). */
export function fastHasher(): PasswordHasher {
  return createPasswordHasher({ memoryCost: 8192, timeCost: 2 });
}

/** A console account a test signs in with; its display name is the username unless given. */
export interface TestAccount {
  username: string;
  displayName?: string;
  role: ConsoleRole;
  oaIds: string[];
}

/** Creates the accounts, one after the other, with {@link PASSWORD} and the fast hasher unless one is given. */
export async function createTestAccounts(
  db: Database,
  accounts: TestAccount[],
  hasher: PasswordHasher = fastHasher(),
): Promise<void> {
  const store = createConsoleAccounts({ db, hasher });
  for (const a of accounts)
    await store.create(
      {
        username: a.username,
        displayName: a.displayName ?? a.username,
        password: PASSWORD,
        role: a.role,
        oaIds: a.oaIds,
      },
      'system:test',
    );
}

/** Makes the screenshot folder and starts headless Chromium (CHROMIUM_PATH, or the system's). */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
}

/** Signs `page` in to the console served at `origin` and waits for the page it lands on. */
export async function signIn(page: Page, origin: string, username: string): Promise<void> {
  await page.goto(`${origin}/console/login`);
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
}

/** Saves a full-page screenshot of `page` as `<name>.png` in {@link SHOTS}. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}
