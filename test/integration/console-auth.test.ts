import express, { type Express } from 'express';
import request, { type Response } from 'supertest';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/connection.js';
import { auditLog, consoleSessions, consoleUsers } from '../../src/db/schema.js';
import { requireOa } from '../../src/console/auth.js';
import { createPasswordHasher } from '../../src/console/passwords.js';
import { createConsoleRouter, type ConsoleRouterDeps } from '../../src/console/router.js';
import { createConsoleAccounts, type ConsoleAccounts, type ConsoleRole } from '../../src/console/users.js';
import { readNewPassword } from '../../src/cli/users.js';
import { createLogger } from '../../src/log.js';
import { spawnScript } from '../support/processes.js';
import { openTestDatabase, tempDir } from '../support/services.js';

const SECRET = 'console-test-session-secret-0123456789abcdef';
const PASSWORD = 'mật khẩu đủ dài 2026';
const INVALID_VI = 'Sai tên đăng nhập hoặc mật khẩu';
const LOCKED_VI = 'Tài khoản tạm khóa, thử lại sau 15 phút';
const OA = 'emulator-oa-0001';

type Agent = ReturnType<typeof request.agent>;

/** The app as it will be mounted: loopback proxies trusted, the console at /console. */
function consoleApp(db: Database, extra: Partial<ConsoleRouterDeps> = {}): Express {
  const app = express();
  app.set('trust proxy', 'loopback');
  app.use(
    '/console',
    createConsoleRouter({
      db,
      logger: createLogger('silent'),
      sessionSecret: SECRET,
      loginRateLimit: { limit: 1000, windowMs: 60_000 },
      ...extra,
    }),
  );
  return app;
}

/** The CSRF token of the form in a page. */
function csrfOf(res: Response): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1];
  if (!token) throw new Error(`no CSRF field in the page (status ${res.status})`);
  return token;
}

/** The text of the page's error box. */
function errorBox(res: Response): string | undefined {
  return /<p class="error" role="alert">([^<]*)<\/p>/.exec(res.text)?.[1];
}

function setCookies(res: Response): string[] {
  const raw = res.headers['set-cookie'] as string | string[] | undefined;
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
}

/** Opens the sign-in form and submits it with its CSRF token. */
async function login(agent: Agent, username: string, password: string, query = ''): Promise<Response> {
  const form = await agent.get(`/console/login${query}`).expect(200);
  const next = /name="next" value="([^"]*)"/.exec(form.text)?.[1];
  return agent
    .post(`/console/login${query}`)
    .type('form')
    .send({ username, password, _csrf: csrfOf(form), ...(next ? { next } : {}) });
}

/** The CSRF token of the signed-in home page. */
async function homeToken(agent: Agent): Promise<string> {
  return csrfOf(await agent.get('/console/').expect(200));
}

describe('officer console: accounts, sessions, CSRF', () => {
  let handle: Awaited<ReturnType<typeof openTestDatabase>>;
  let db: Database;
  let app: Express;
  let accounts: ConsoleAccounts;

  const makeUser = (username: string, role: ConsoleRole, displayName = username, oaIds = [OA]) =>
    accounts.create({ username, displayName, password: PASSWORD, role, oaIds }, 'system:test');

  const audits = (action: string, userId?: number) =>
    db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.action, action),
          userId === undefined ? undefined : eq(auditLog.subjectId, String(userId)),
        ),
      )
      .orderBy(auditLog.id);

  const userCount = async () => (await db.select({ n: count() }).from(consoleUsers))[0]?.n ?? 0;

  beforeAll(async () => {
    handle = await openTestDatabase();
    db = handle.db;
    accounts = createConsoleAccounts({ db, hasher: createPasswordHasher() });
    app = consoleApp(db);
    await makeUser('admin1', 'admin', 'Nguyễn Văn An');
    await makeUser('officer1', 'officer', 'Trần Thị Bình');
  });
  afterAll(async () => {
    await handle.cleanup();
  });

  it('signs in: an HttpOnly, SameSite=Lax session cookie, then the home page greets the user', async () => {
    const agent = request.agent(app);
    const res = await login(agent, 'Admin1', PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/console/');
    const sid = setCookies(res).find((c) => c.startsWith('motcua.sid='));
    expect(sid).toBeDefined();
    expect(sid).toMatch(/;\s*HttpOnly/i);
    expect(sid).toMatch(/;\s*SameSite=Lax/i);
    expect(sid).toMatch(/;\s*Path=\/console/);
    expect(sid).not.toMatch(/;\s*Secure/i);

    const home = await agent.get('/console/').expect(200);
    expect(home.text).toContain('Xin chào Nguyễn Văn An');
    expect(home.text).toContain('Quản trị viên');
    for (const section of ['Hộp thư', 'Hồ sơ', 'Thống kê', 'Nhật ký']) expect(home.text).toContain(section);
    expect(home.headers['cache-control']).toBe('no-store');

    const admin = await accounts.findByUsername('admin1');
    expect(admin?.lastLoginAt).toBeInstanceOf(Date);
    const ok = await audits('console.login', admin!.id);
    expect(ok.at(-1)).toMatchObject({ actor: 'officer:admin1', subjectKind: 'user' });
  });

  it('marks every cookie Secure when a loopback proxy says the request was https', async () => {
    // The test client keeps Secure cookies off plain http, so they are passed on by hand.
    const form = await request(app).get('/console/login').set('X-Forwarded-Proto', 'https').expect(200);
    expect(setCookies(form).length).toBeGreaterThan(0);
    for (const c of setCookies(form)) expect(c).toMatch(/;\s*Secure/i);
    const res = await request(app)
      .post('/console/login')
      .set('X-Forwarded-Proto', 'https')
      .set(
        'Cookie',
        setCookies(form)
          .map((c) => c.split(';')[0])
          .join('; '),
      )
      .type('form')
      .send({ username: 'officer1', password: PASSWORD, _csrf: csrfOf(form) })
      .expect(303);
    expect(setCookies(res).find((c) => c.startsWith('motcua.sid='))).toMatch(/;\s*Secure/i);
  });

  it('answers a wrong password exactly as an unknown user, in Vietnamese or English', async () => {
    const wrong = await login(request.agent(app), 'officer1', 'not the password at all');
    const unknown = await login(request.agent(app), 'nobody-here', 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(errorBox(wrong)).toBe(INVALID_VI);
    expect(errorBox(unknown)).toBe(INVALID_VI);
    expect(setCookies(wrong).some((c) => c.startsWith('motcua.sid='))).toBe(false);
    expect(wrong.text).toContain('Tên đăng nhập');
    expect(wrong.text).toContain('Mật khẩu');

    const en = await login(request.agent(app), 'nobody-here', 'not the password at all', '?lang=en');
    expect(errorBox(en)).toBe('Wrong username or password');
    expect(en.text).toContain('Sign in');
    // The typed username is kept and escaped; the password never comes back.
    const xss = await login(request.agent(app), '<b>x</b>', 'secret-typed-here');
    expect(xss.text).toContain('value="&lt;b&gt;x&lt;/b&gt;"');
    expect(xss.text).not.toContain('secret-typed-here');
  });

  it('locks an account after 5 failed sign-ins, even against the right password, and audits it', async () => {
    let clock = Date.now();
    const clocked = consoleApp(db, { now: () => new Date(clock) });
    const user = await makeUser('locked1', 'officer');
    const agent = request.agent(clocked);
    const answers: (string | undefined)[] = [];
    for (let i = 0; i < 5; i++) answers.push(errorBox(await login(agent, 'locked1', `wrong password ${i}`)));
    expect(answers).toEqual([INVALID_VI, INVALID_VI, INVALID_VI, INVALID_VI, LOCKED_VI]);

    const right = await login(agent, 'locked1', PASSWORD);
    expect(right.status).toBe(401);
    expect(errorBox(right)).toBe(LOCKED_VI);
    await agent.get('/console/').expect(302);

    const [row] = await db.select().from(consoleUsers).where(eq(consoleUsers.id, user.id));
    expect(row!.lockedUntil!.getTime() - clock).toBeGreaterThan(14 * 60_000);
    expect(row!.lockedUntil!.getTime() - clock).toBeLessThanOrEqual(15 * 60_000 + 1000);
    expect(await audits('console.login.failed', user.id)).toHaveLength(5);
    const locked = await audits('console.login.locked', user.id);
    expect(locked.map((a) => (a.details as { reason: string }).reason)).toEqual([
      'too_many_failures',
      'attempt_while_locked',
    ]);
    expect(locked.every((a) => a.subjectKind === 'user' && a.actor === 'anonymous')).toBe(true);
    expect(JSON.stringify(await audits('console.login.failed', user.id))).not.toContain('wrong password');

    // An unknown name "locks" the same way, so the lock message reveals nothing.
    const ghost: (string | undefined)[] = [];
    for (let i = 0; i < 6; i++) ghost.push(errorBox(await login(agent, 'ghost.user', `wrong ${i}`)));
    expect(ghost).toEqual([INVALID_VI, INVALID_VI, INVALID_VI, INVALID_VI, LOCKED_VI, LOCKED_VI]);

    clock += 15 * 60_000 + 1000;
    const after = await login(agent, 'locked1', PASSWORD);
    expect(after.status).toBe(303);
    await agent.get('/console/').expect(200);
  });

  it('sends anonymous visitors of every console page to sign in, and scripts get 401', async () => {
    const anon = request.agent(app);
    for (const path of ['/console', '/console/', '/console/users']) {
      const page = await anon.get(path);
      expect(page.status, path).toBe(302);
      expect(page.headers.location, path).toMatch(/^\/console\/login\?next=/);
      const api = await anon.get(path).set('Accept', 'application/json');
      expect(api.status, path).toBe(401);
      expect(api.body).toEqual({ error: 'sign in required' });
      const fetchLike = await anon.get(path).set('Sec-Fetch-Mode', 'cors');
      expect(fetchLike.status, path).toBe(401);
    }
    const token = csrfOf(await anon.get('/console/login').expect(200));
    for (const path of ['/console/users', '/console/users/officer1/disable', '/console/logout-everywhere']) {
      const res = await anon
        .post(path)
        .type('form')
        .send({ _csrf: token, username: 'x', password: PASSWORD });
      expect(res.status, path).toBe(302);
      expect(res.headers.location).toBe('/console/login');
    }
    expect((await accounts.findByUsername('officer1'))?.disabled).toBe(false);
  });

  it('returns to the page asked for after signing in, but never off the console', async () => {
    const agent = request.agent(app);
    const first = await agent.get('/console/users');
    expect(first.headers.location).toBe('/console/login?next=%2Fconsole%2Fusers');
    const ok = await login(agent, 'admin1', PASSWORD, '?next=%2Fconsole%2Fusers');
    expect(ok.headers.location).toBe('/console/users');
    const evil = await login(request.agent(app), 'admin1', PASSWORD, '?next=%2F%2Fevil.example%2F');
    expect(evil.headers.location).toBe('/console/');
  });

  it('refuses an officer on the users page: 403 page, 403 JSON, and no account created', async () => {
    const agent = request.agent(app);
    expect((await login(agent, 'officer1', PASSWORD)).status).toBe(303);
    const page = await agent.get('/console/users');
    expect(page.status).toBe(403);
    expect(page.text).toContain('Bạn không có quyền xem trang này.');
    const api = await agent.get('/console/users').set('Accept', 'application/json');
    expect(api.status).toBe(403);
    expect(api.body).toEqual({ error: 'forbidden' });
    const before = await userCount();
    const token = await homeToken(agent);
    const post = await agent.post('/console/users').type('form').send({
      _csrf: token,
      username: 'made.by.officer',
      displayName: 'X',
      password: PASSWORD,
      role: 'admin',
    });
    expect(post.status).toBe(403);
    expect(post.text).toContain('Bạn không có quyền xem trang này.');
    expect(await userCount()).toBe(before);
  });

  it('refuses any POST without a valid CSRF token (403) and changes nothing', async () => {
    const agent = request.agent(app);
    await login(agent, 'admin1', PASSWORD);
    const before = await userCount();
    const body = { username: 'csrf.victim', displayName: 'X', password: PASSWORD, role: 'admin' };
    const none = await agent.post('/console/users').type('form').send(body);
    expect(none.status).toBe(403);
    expect(none.text).toContain('Phiên biểu mẫu đã hết hạn');
    const forged = await agent
      .post('/console/users')
      .type('form')
      .send({ ...body, _csrf: 'f'.repeat(64) + '.' + 'a'.repeat(64) });
    expect(forged.status).toBe(403);
    const json = await agent.post('/console/users').set('Accept', 'application/json').send(body);
    expect(json.status).toBe(403);
    expect(await userCount()).toBe(before);
    expect(await accounts.findByUsername('csrf.victim')).toBeUndefined();

    // A token from another session does not pass either.
    const other = request.agent(app);
    await login(other, 'officer1', PASSWORD);
    const stolen = await homeToken(other);
    expect(
      (
        await agent
          .post('/console/users')
          .type('form')
          .send({ ...body, _csrf: stolen })
      ).status,
    ).toBe(403);

    const killAll = await agent.post('/console/logout-everywhere');
    expect(killAll.status).toBe(403);
    await agent.get('/console/').expect(200);

    const loginNoToken = await request
      .agent(app)
      .post('/console/login')
      .type('form')
      .send({ username: 'admin1', password: PASSWORD });
    expect(loginNoToken.status).toBe(403);
    expect(setCookies(loginNoToken).some((c) => c.startsWith('motcua.sid='))).toBe(false);

    // With its token, the same form works.
    const token = await homeToken(agent);
    const ok = await agent
      .post('/console/users')
      .type('form')
      .send({ ...body, _csrf: token });
    expect(ok.status).toBe(303);
    expect(await userCount()).toBe(before + 1);
  });

  it('signs out everywhere: a second session of the same account ends too', async () => {
    const user = await makeUser('twice', 'editor', 'Lê Văn Cường');
    const first = request.agent(app);
    const second = request.agent(app);
    await login(first, 'twice', PASSWORD);
    await login(second, 'twice', PASSWORD);
    await second.get('/console/').expect(200);
    const live = () => db.select().from(consoleSessions).where(eq(consoleSessions.userId, user.id));
    expect(await live()).toHaveLength(2);

    const token = await homeToken(first);
    const res = await first.post('/console/logout-everywhere').type('form').send({ _csrf: token });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/console/login');
    expect((await second.get('/console/')).status).toBe(302);
    expect((await first.get('/console/')).status).toBe(302);
    expect(await live()).toHaveLength(0);
    const audit = await audits('console.logout_everywhere', user.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'officer:twice', details: { sessions: 2 } });
  });

  it('lets an admin create and disable accounts; disabling ends the account sessions', async () => {
    const admin = request.agent(app);
    await login(admin, 'admin1', PASSWORD);
    const page = await admin.get('/console/users').expect(200);
    expect(page.text).toContain('officer1');

    const bad = await admin
      .post('/console/users')
      .type('form')
      .send({ _csrf: csrfOf(page), username: 'A', displayName: '', password: 'short', role: 'root' });
    expect(bad.status).toBe(400);
    for (const problem of ['Tên đăng nhập: 3–40', 'Họ tên: bắt buộc', 'Mật khẩu: ít nhất 12', 'Vai trò'])
      expect(bad.text).toContain(problem);

    const created = await admin
      .post('/console/users')
      .type('form')
      .send({
        _csrf: csrfOf(page),
        username: 'Can.Bo-02',
        displayName: '<i>Phạm</i> Dung',
        password: PASSWORD,
        role: 'officer',
        oaIds: `${OA}, other-oa`,
      });
    expect(created.status).toBe(303);
    const newUser = await accounts.findByUsername('can.bo-02');
    expect(newUser).toMatchObject({ role: 'officer', oaIds: [OA, 'other-oa'], disabled: false });
    const [createAudit] = await audits('console.user.create', newUser!.id);
    expect(createAudit).toMatchObject({ actor: 'officer:admin1', subjectKind: 'user' });
    expect(JSON.stringify(createAudit)).not.toContain(PASSWORD);
    const hashRow = await db.select().from(consoleUsers).where(eq(consoleUsers.id, newUser!.id));
    expect(hashRow[0]!.passwordHash).toMatch(/^\$argon2id\$/);

    const taken = await admin
      .post('/console/users')
      .type('form')
      .send({
        _csrf: csrfOf(page),
        username: 'can.bo-02',
        displayName: 'Again',
        password: PASSWORD,
        role: 'officer',
      });
    expect(taken.status).toBe(409);

    const officer = request.agent(app);
    await login(officer, 'can.bo-02', PASSWORD);
    const home = await officer.get('/console/').expect(200);
    expect(home.text).toContain('&lt;i&gt;Phạm&lt;/i&gt; Dung');
    expect(home.text).not.toContain('<i>Phạm</i>');

    const disabled = await admin
      .post('/console/users/can.bo-02/disable')
      .type('form')
      .send({ _csrf: csrfOf(page) });
    expect(disabled.status).toBe(303);
    expect((await officer.get('/console/')).status).toBe(302);
    expect(errorBox(await login(request.agent(app), 'can.bo-02', PASSWORD))).toBe(INVALID_VI);
    const [disableAudit] = await audits('console.user.disable', newUser!.id);
    expect(disableAudit).toMatchObject({ actor: 'officer:admin1' });

    const self = await admin
      .post('/console/users/admin1/disable')
      .type('form')
      .send({ _csrf: csrfOf(page) });
    expect(self.status).toBe(400);
    expect((await accounts.findByUsername('admin1'))?.disabled).toBe(false);
  });

  it('limits pages to the OAs an account may work on', async () => {
    const pages = express.Router();
    pages.get(
      '/oa/:oaId',
      requireOa((req) => String(req.params.oaId)),
      (_req, res) => {
        res.send('ok');
      },
    );
    pages.post('/oa/:oaId/note', (_req, res) => {
      res.send('noted');
    });
    const withPages = consoleApp(db, { pages });
    const agent = request.agent(withPages);
    await login(agent, 'officer1', PASSWORD);
    await agent.get(`/console/oa/${OA}`).expect(200);
    await agent.get('/console/oa/someone-elses-oa').expect(403);
    await request(withPages).get(`/console/oa/${OA}`).expect(302);
    // Pages plugged in are CSRF-checked like the console's own.
    await agent.post(`/console/oa/${OA}/note`).expect(403);
    const token = await homeToken(agent);
    await agent.post(`/console/oa/${OA}/note`).set('X-CSRF-Token', token).expect(200);
  });

  it('throttles failed sign-ins per address; successful ones do not count', async () => {
    const limited = consoleApp(db, { loginRateLimit: { limit: 3, windowMs: 60_000 } });
    const fresh = () => request.agent(limited);
    expect((await login(fresh(), 'officer1', PASSWORD)).status).toBe(303);
    expect((await login(fresh(), 'officer1', PASSWORD)).status).toBe(303);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await login(fresh(), 'nobody', `wrong ${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const refused = await login(fresh(), 'officer1', PASSWORD);
    expect(refused.status).toBe(429);
    expect(errorBox(refused)).toContain('Quá nhiều lần đăng nhập');
  });

  it('refuses a session secret shorter than 32 characters', () => {
    expect(() => consoleApp(db, { sessionSecret: 'short' })).toThrow(/CONSOLE_SESSION_SECRET/);
  });

  it('never takes the CLI password from argv; without MOTCUA_PASSWORD it needs a terminal', async () => {
    await expect(
      readNewPassword({ env: {}, isTty: false, prompt: () => Promise.resolve('x') }),
    ).rejects.toThrow(/MOTCUA_PASSWORD/);
    const asked: string[] = [];
    const typed = await readNewPassword({
      env: {},
      isTty: true,
      prompt: (q) => {
        asked.push(q);
        return Promise.resolve(PASSWORD);
      },
    });
    expect(typed).toBe(PASSWORD);
    expect(asked).toHaveLength(2);
    await expect(
      readNewPassword({
        env: {},
        isTty: true,
        prompt: (q) => Promise.resolve(q.startsWith('Repeat') ? 'different' : PASSWORD),
      }),
    ).rejects.toThrow(/differ/);
  });

  it('`motcua users add` creates an admin who can sign in', { timeout: 120_000 }, async () => {
    const onPostgres = handle.url !== undefined;
    const dir = tempDir('motcua-cli-users-');
    const env = {
      DATA_DIR: dir.dir,
      DATABASE_URL: handle.url ?? '',
      ZALO_API_BASE: '',
      MOTCUA_PASSWORD: PASSWORD,
    };
    try {
      const args = ['users', 'add', '--username', 'CliAdmin', '--name', 'Quản trị CLI', '--role', 'admin'];
      const add = spawnScript('src/run.ts', [...args, '--oa', OA], 'users', env);
      expect(await add.exited, add.output()).toBe(0);
      expect(add.output()).toContain('created cliadmin (admin; emulator-oa-0001)');
      expect(add.output()).not.toContain(PASSWORD);

      const argv = spawnScript(
        'src/run.ts',
        ['users', 'add', '--username', 'argvpass', '--name', 'X', '--role', 'admin', '--password', PASSWORD],
        'users',
        { ...env, MOTCUA_PASSWORD: '' },
      );
      expect(await argv.exited).not.toBe(0);
      expect(argv.output()).toContain("unknown option '--password'");

      const target = onPostgres ? handle : await openDatabase({ dataDir: dir.dir });
      try {
        const cliAccounts = createConsoleAccounts({ db: target.db, hasher: createPasswordHasher() });
        expect(await cliAccounts.findByUsername('argvpass')).toBeUndefined();
        const created = await cliAccounts.findByUsername('cliadmin');
        expect(created).toMatchObject({ role: 'admin', displayName: 'Quản trị CLI', oaIds: [OA] });
        const [audit] = await target.db
          .select()
          .from(auditLog)
          .where(
            and(eq(auditLog.action, 'console.user.create'), eq(auditLog.subjectId, String(created!.id))),
          );
        expect(audit).toMatchObject({ actor: 'system:cli' });

        const agent = request.agent(consoleApp(target.db));
        expect((await login(agent, 'cliadmin', PASSWORD)).status).toBe(303);
        await agent.get('/console/users').expect(200);
      } finally {
        if (!onPostgres) await target.close();
      }
    } finally {
      dir.remove();
    }
  });
});
