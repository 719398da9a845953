import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS } from '../../src/config.js';
import { startEmulatedStack } from '../support/app.js';
import { createTestAccounts, PASSWORD } from '../support/console-browser.js';

/*
 * Every console route as the runtime mounts it: an anonymous visitor gets nothing, a script
 * without a session gets 401, an officer gets 403 on the admin's pages, and a form posted without
 * its CSRF token is refused.
 */

const OA = EMULATOR_CREDENTIALS.oaId;
let stack: Awaited<ReturnType<typeof startEmulatedStack>>;

const GETS = [
  '/console/',
  '/console/users',
  '/console/inbox',
  '/console/inbox/events',
  '/console/events',
  '/console/tickets/1',
  '/console/tickets/1/files/1',
  '/console/dossiers',
  '/console/dossiers.csv',
  '/console/dossiers/000.00.00.H00-261201-0001',
  '/console/dossiers/000.00.00.H00-261201-0001/files/1',
  '/console/dashboard',
  '/console/audit',
  '/console/audit.csv',
  '/console/broadcasts',
  '/console/broadcasts/new',
  '/console/broadcasts/audience.json',
  '/console/broadcasts/1',
  '/console/broadcasts/1/edit',
  '/console/broadcasts/1/image',
  '/console/broadcasts/1/approve',
  '/console/broadcasts/1/pause',
  '/console/broadcasts/1/resume',
  '/console/broadcasts/1/cancel',
  '/console/broadcasts/1/report.json',
  '/console/broadcasts/1/recipients.csv',
  '/console/followers',
  '/console/followers/someone',
];
const POSTS = [
  '/console/logout-everywhere',
  '/console/users',
  '/console/users/someone/disable',
  '/console/tickets/1/claim',
  '/console/tickets/1/reply',
  '/console/tickets/1/attachments',
  '/console/tickets/1/resolve',
  '/console/dossiers/000.00.00.H00-261201-0001/status',
  '/console/dossiers/000.00.00.H00-261201-0001/phone',
  '/console/dossiers/000.00.00.H00-261201-0001/apologies/1/approve',
  '/console/broadcasts',
  '/console/broadcasts/1',
  '/console/broadcasts/1/schedule',
  '/console/broadcasts/1/approve',
  '/console/broadcasts/1/pause',
  '/console/broadcasts/1/resume',
  '/console/broadcasts/1/cancel',
  '/console/followers/sync',
  '/console/followers/someone/tags',
];
const ADMIN_ONLY = ['/console/users', '/console/audit', '/console/audit.csv'];
/** Composing and sending notices, and changing followers, are for editors and admins. */
const EDITOR_GETS = [
  '/console/broadcasts/new',
  '/console/broadcasts/audience.json',
  '/console/broadcasts/1/edit',
  '/console/broadcasts/1/approve',
  '/console/broadcasts/1/pause',
  '/console/broadcasts/1/resume',
  '/console/broadcasts/1/cancel',
  '/console/followers/someone',
];
const EDITOR_POSTS = POSTS.filter(
  (p) => p.startsWith('/console/broadcasts') || p.startsWith('/console/followers'),
);

beforeAll(async () => {
  stack = await startEmulatedStack();
  await createTestAccounts(stack.db.db, [
    { username: 'officer.one', displayName: 'Officer', role: 'officer', oaIds: [OA] },
    { username: 'admin.one', displayName: 'Admin', role: 'admin', oaIds: [OA] },
  ]);
});

afterAll(async () => {
  await stack?.cleanup();
});

async function signedIn(username: string) {
  const agent = request.agent(stack.app.url);
  const form = await agent.get('/console/login').expect(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
  await agent
    .post('/console/login')
    .type('form')
    .send({ username, password: PASSWORD, _csrf: csrf })
    .expect(303);
  return agent;
}

describe('every console route', () => {
  it('sends an anonymous browser to sign in and answers an anonymous script 401', async () => {
    for (const route of GETS) {
      const page = await request(stack.app.url!).get(route).set('accept', 'text/html');
      expect(page.status, route).toBe(302);
      expect(page.headers.location, route).toMatch(/\/console\/login/);
      const script = await request(stack.app.url!).get(route).set('accept', 'application/json');
      expect(script.status, route).toBe(401);
    }
  });

  it('refuses an anonymous post whatever it carries', async () => {
    for (const route of POSTS) {
      const res = await request(stack.app.url!).post(route).set('accept', 'application/json').send({});
      expect([401, 403], route).toContain(res.status);
    }
  });

  it('refuses an officer the admin’s pages', async () => {
    const officer = await signedIn('officer.one');
    for (const route of ADMIN_ONLY) {
      const res = await officer.get(route).set('accept', 'application/json');
      expect(res.status, route).toBe(403);
    }
    const admin = await signedIn('admin.one');
    for (const route of ADMIN_ONLY) expect((await admin.get(route)).status, route).toBe(200);
  });

  it('refuses an officer the composing and sending of notices, even with a valid form token', async () => {
    const officer = await signedIn('officer.one');
    for (const route of EDITOR_GETS) {
      const res = await officer.get(route).set('accept', 'application/json');
      expect(res.status, route).toBe(403);
    }
    const page = await officer.get('/console/broadcasts').expect(200);
    const token = /name="csrf-token" content="([^"]+)"/.exec(page.text)![1]!;
    for (const route of EDITOR_POSTS) {
      const res = await officer.post(route).set('x-csrf-token', token).type('form').send({ text: 'x' });
      expect(res.status, route).toBe(403);
      // Refused for the role, not for the token.
      expect(res.text, route).toMatch(/không có quyền/);
    }
    const admin = await signedIn('admin.one');
    for (const route of [
      '/console/broadcasts/new',
      '/console/broadcasts/audience.json',
      '/console/followers',
    ])
      expect((await admin.get(route)).status, route).toBe(200);
  });

  it('refuses an upload posted without its CSRF token, or with a wrong one', async () => {
    const admin = await signedIn('admin.one');
    for (const query of ['', '?_csrf=not-the-token']) {
      const res = await admin.post(`/console/broadcasts${query}`).field('title', 'x').field('text', 'y');
      expect(res.status, query).toBe(403);
    }
  });

  it('refuses a signed-in form posted without its CSRF token, for every post', async () => {
    const admin = await signedIn('admin.one');
    for (const route of POSTS) {
      const res = await admin.post(route).type('form').send({ text: 'x', status: '2' });
      expect(res.status, route).toBe(403);
    }
  });
});
