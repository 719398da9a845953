import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpStatusSource,
  formatProblems,
  loadStatusMapping,
  parseFieldPath,
  parseStatusMapping,
  type StatusMapping,
} from '../../src/dossiers/external/index.js';
import { ErrorCode, MotcuaError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = path.join(ROOT, 'docs', 'examples', 'external-status.yaml');
const HOST = 'https://dvc.example.gov.vn';
const LOOKUP = '/api/hoso/tra-cuu';
const API_KEY = 'khoa-api-tinh-mau-0001';
const ENV = { DVC_MAU_API_KEY: API_KEY };
const CODE = '000.00.06.H99-260302-0015';
const ID_NUMBER = '038095001234';

let example: StatusMapping;
let tmp: string;

beforeAll(async () => {
  nock.disableNetConnect();
  const loaded = await loadStatusMapping(EXAMPLE, { root: ROOT, env: ENV });
  if (!loaded.ok) throw new Error(formatProblems(loaded.problems));
  example = loaded.value;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'motcua-external-'));
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(async () => {
  nock.enableNetConnect();
  nock.restore();
  await rm(tmp, { recursive: true, force: true });
});

/** One dossier as the fictional provincial system returns it. */
function record(overrides: Record<string, unknown> = {}) {
  return {
    MaHoSo: CODE,
    ThuTuc: { MaThuTuc: '1.001193', TenThuTuc: 'Thủ tục đăng ký khai sinh' },
    ChuHoSo: 'Nguyễn Thị Hoa',
    SoGiayToChuHoSo: ID_NUMBER,
    KenhThucHien: 2,
    TrangThaiHoSo: 'Đang giải quyết',
    NgayTiepNhan: '02/03/2026 09:15:00',
    NgayHenTra: '05/03/2026',
    NgayCapNhat: '03/03/2026 14:20:05',
    GhiChu: 'Cán bộ tư pháp đang thẩm định hồ sơ',
    DonViXuLy: 'UBND xã Mẫu Sơn',
    ...overrides,
  };
}

/** The system's answer envelope around a list of records. */
function answer(items: unknown[]) {
  return {
    success: true,
    statusCode: 200,
    message: items.length > 0 ? 'Thành công' : 'Không tìm thấy hồ sơ',
    data: { totalCount: items.length, pageIndex: 1, pageSize: 10, items },
  };
}

function setup(mapping: StatusMapping = example) {
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => lines.push(line) });
  const source = createHttpStatusSource(mapping, { logger, env: ENV, retryDelayMs: 0 });
  return { source, lines };
}

/** The fictional system's lookup endpoint, for the example's code and ID number. */
function lookupEndpoint() {
  return nock(HOST)
    .matchHeader('x-api-key', API_KEY)
    .get(LOOKUP)
    .query({ MaHoSo: CODE, SoGiayTo: ID_NUMBER });
}

async function failure(promise: Promise<unknown>): Promise<MotcuaError> {
  const err = await promise.then(
    () => {
      throw new Error('expected the lookup to fail');
    },
    (e: unknown) => e,
  );
  if (!(err instanceof MotcuaError)) throw err;
  return err;
}

function throwsSync(fn: () => unknown): MotcuaError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MotcuaError) return err;
    throw err;
  }
  throw new Error('expected a MotcuaError');
}

describe('the example mapping', () => {
  it('loads and describes the fictional provincial system', () => {
    expect(example.name).toBe('dvc-tinh-mau');
    expect(example.method).toBe('GET');
    expect(example.found).toBe('data.items[0]');
    expect(example.dateFormat).toBe('DD/MM/YYYY');
    expect(example.notFound).toEqual({ httpStatus: [404], path: 'data.totalCount', equals: 0 });
    expect(example.statusMap).toMatchObject({
      'Mới tiếp nhận': 2,
      'Đang giải quyết': 4,
      'Chờ bổ sung': 5,
      'Đã có kết quả': 9,
      'Đã trả kết quả': 10,
      'Từ chối': 3,
    });
    expect(example.headers).toEqual({ Accept: 'application/json', 'X-Api-Key': '${DVC_MAU_API_KEY}' });
  });

  it('reports a header variable missing from the environment at its line, by name', async () => {
    const text = await readFile(EXAMPLE, 'utf8');
    const line = text.split('\n').findIndex((l) => l.trimStart().startsWith('X-Api-Key:')) + 1;
    const loaded = await loadStatusMapping(EXAMPLE, { root: ROOT, env: {} });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(formatProblems(loaded.problems)).toBe(
      `docs/examples/external-status.yaml:${line}: headers.X-Api-Key: the environment variable ` +
        'DVC_MAU_API_KEY is not set',
    );
  });
});

describe('a mapping file with mistakes', () => {
  it('gives file:line problems for fields that do not check', async () => {
    const file = path.join(tmp, 'broken.yaml');
    await writeFile(
      file,
      [
        'name: dvc-hong',
        'url: https://dvc.example.gov.vn/api/hoso/{MaHoSo}',
        'method: GET',
        'headers:',
        '  X-Api-Key: ${DVC API KEY}',
        'timeoutMs: 5000',
        'found: data.items[0',
        'fields:',
        '  status: TrangThaiHoSo',
        '  ngayHen: NgayHenTra',
        'statusMap:',
        '  Đang giải quyết: 4',
        '  Đã xong: 11',
        'notFound:',
        '  httpStatus: 404',
        '',
      ].join('\n'),
    );
    const loaded = await loadStatusMapping(file, { root: tmp });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    const lines = formatProblems(loaded.problems).split('\n').sort();
    expect(lines).toEqual([
      'broken.yaml:10: fields: unknown key "ngayHen"',
      'broken.yaml:13: statusMap.Đã xong: must be a national status code from 1 to 10',
      'broken.yaml:2: url: unknown placeholder {MaHoSo}; use {code} or {secondFactor}',
      'broken.yaml:5: headers.X-Api-Key: write an environment variable as ${NAME} (letters, digits and _)',
      'broken.yaml:7: found: must be a path like data.items[0].TrangThai',
    ]);
  });

  it('gives file:line problems for rules across fields', () => {
    const text = [
      'name: dvc-hong',
      'url: https://dvc.example.gov.vn/api/hoso/tra-cuu',
      'method: GET',
      'body:',
      "  MaHoSo: '{soHoSo}'",
      'fields:',
      '  status: TrangThai',
      '  appointmentDate: NgayHen',
      'statusMap:',
      '  Đang giải quyết: 4',
      '  ĐANG GIẢI QUYẾT: 4',
      'notFound:',
      '  httpStatus: [404, 410]',
      '',
    ].join('\n');
    const parsed = parseStatusMapping(text, 'hong.yaml');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(formatProblems(parsed.problems).split('\n')).toEqual([
      'hong.yaml:4: body: a body is only sent with method POST',
      'hong.yaml:5: body.MaHoSo: unknown placeholder {soHoSo}; use {code} or {secondFactor}',
      'hong.yaml:2: url: the request must carry {code} (in url or body)',
      'hong.yaml:8: fields.appointmentDate: appointmentDate needs dateFormat (YYYY-MM-DD, DD/MM/YYYY or ISO)',
      'hong.yaml:11: statusMap.ĐANG GIẢI QUYẾT: "ĐANG GIẢI QUYẾT" is the same status as "Đang giải quyết"',
    ]);
  });

  it('reports a YAML syntax error at its line', () => {
    const text = 'name: dvc\nurl: https://dvc.example.gov.vn/hoso/{code}\nname: dvc-2\n';
    const parsed = parseStatusMapping(text, 'x.yaml');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems[0]).toMatchObject({ file: 'x.yaml', line: 3 });
    expect(parsed.problems[0]?.reason).toMatch(/^YAML: /);
  });

  it('reads dot and bracket paths and refuses broken ones', () => {
    expect(parseFieldPath('data.items[0].TrangThai')).toEqual(['data', 'items', 0, 'TrangThai']);
    expect(parseFieldPath('data["Ma Ho So"][2]')).toEqual(['data', 'Ma Ho So', 2]);
    for (const bad of ['', '.data', 'data.', 'data..items', 'data.items[x]', 'data[0]items', 'a b']) {
      expect(parseFieldPath(bad), bad).toBeUndefined();
    }
  });
});

describe('createHttpStatusSource', () => {
  it('reads a found dossier: fields, status and a DD/MM/YYYY appointment date', async () => {
    const { source } = setup();
    const scope = lookupEndpoint().reply(200, answer([record()]));
    const dossier = await source.lookup({ code: CODE, secondFactor: ID_NUMBER });
    expect(dossier).toEqual({
      code: CODE,
      status: 4,
      statusLabel: 'Đang giải quyết',
      procedureName: 'Thủ tục đăng ký khai sinh',
      appointmentDate: '2026-03-05',
      updatedAt: new Date('2026-03-03T07:20:05.000Z'),
      note: 'Cán bộ tư pháp đang thẩm định hồ sơ',
      source: 'dvc-tinh-mau',
    });
    expect(source.name).toBe('dvc-tinh-mau');
    expect(source.needsSecondFactor).toBe(true);
    scope.done();
  });

  it.each([
    ['Mới tiếp nhận', 2],
    ['Chờ bổ sung', 5],
    ['Đã có kết quả', 9],
    ['Đã trả kết quả', 10],
    ['Từ chối', 3],
    ['  đã TRẢ kết quả ', 10],
    ['Chờ bổ sung'.normalize('NFD'), 5],
  ])('maps the system status "%s" to the national %i', async (label, status) => {
    const { source } = setup();
    const scope = lookupEndpoint().reply(200, answer([record({ TrangThaiHoSo: label, GhiChu: '' })]));
    const dossier = await source.lookup({ code: CODE, secondFactor: ID_NUMBER });
    expect(dossier?.status).toBe(status);
    expect(dossier).not.toHaveProperty('note');
    expect(dossier).not.toHaveProperty('statusUnmapped');
    scope.done();
  });

  it('maps numeric status codes with a separate label field', async () => {
    const mapping: StatusMapping = {
      ...example,
      fields: { ...example.fields, status: 'TrangThai.Ma', statusLabel: 'TrangThai.Ten' },
      statusMap: { '1': 2, '3': 4, '7': 9 },
    };
    const { source } = setup(mapping);
    const scope = lookupEndpoint().reply(
      200,
      answer([record({ TrangThaiHoSo: undefined, TrangThai: { Ma: 7, Ten: 'Chờ trả kết quả' } })]),
    );
    const dossier = await source.lookup({ code: CODE, secondFactor: ID_NUMBER });
    expect(dossier).toMatchObject({ status: 9, statusLabel: 'Chờ trả kết quả' });
    scope.done();
  });

  it('returns null when the system answers 404', async () => {
    const { source } = setup();
    const scope = lookupEndpoint().reply(404, { success: false, message: 'Không tìm thấy hồ sơ' });
    expect(await source.lookup({ code: CODE, secondFactor: ID_NUMBER })).toBeNull();
    scope.done();
  });

  it('returns null when the body says nothing was found', async () => {
    const { source } = setup();
    const scope = lookupEndpoint().reply(200, answer([]));
    expect(await source.lookup({ code: CODE, secondFactor: ID_NUMBER })).toBeNull();
    scope.done();
  });

  it('refuses a status missing from statusMap, naming the value', async () => {
    const { source } = setup();
    const scope = lookupEndpoint().reply(200, answer([record({ TrangThaiHoSo: 'Chờ ký duyệt' })]));
    const err = await failure(source.lookup({ code: CODE, secondFactor: ID_NUMBER }));
    expect(err.code).toBe(ErrorCode.ExternalUnavailable);
    expect(err.message).toBe('dvc-tinh-mau: status "Chờ ký duyệt" is not in statusMap');
    scope.done();
  });

  it('reports an unmapped status as 4, marked and labelled, when unmappedAs is set', async () => {
    const { source } = setup({ ...example, unmappedAs: 4 });
    const scope = lookupEndpoint().reply(200, answer([record({ TrangThaiHoSo: 'Chờ ký duyệt' })]));
    const dossier = await source.lookup({ code: CODE, secondFactor: ID_NUMBER });
    expect(dossier).toMatchObject({ status: 4, statusLabel: 'Chờ ký duyệt', statusUnmapped: true });
    scope.done();
  });

  it('only accepts 4 for unmappedAs', () => {
    const text = (value: string) =>
      [
        'name: dvc',
        'url: https://dvc.example.gov.vn/hoso/{code}',
        'fields: { status: TrangThai }',
        'statusMap: { Đang giải quyết: 4 }',
        `unmappedAs: ${value}`,
        'notFound: { httpStatus: 404 }',
      ].join('\n');
    expect(parseStatusMapping(text('4'), 'a.yaml').ok).toBe(true);
    const parsed = parseStatusMapping(text('10'), 'a.yaml');
    expect(parsed.ok ? [] : formatProblems(parsed.problems)).toBe(
      'a.yaml:5: unmappedAs: only 4 (Đang xử lý) may stand in for a status the mapping does not list',
    );
  });

  it('gives up after one retry when both attempts time out', async () => {
    const { source } = setup({ ...example, timeoutMs: 100 });
    const first = lookupEndpoint()
      .delay(1000)
      .reply(200, answer([record()]));
    const second = lookupEndpoint()
      .delay(1000)
      .reply(200, answer([record()]));
    const spare = lookupEndpoint().reply(200, answer([record()]));
    const err = await failure(source.lookup({ code: CODE, secondFactor: ID_NUMBER }));
    expect(err.code).toBe(ErrorCode.ExternalUnavailable);
    expect(err.message).toBe('dvc-tinh-mau: timed out after 100 ms');
    first.done();
    second.done();
    expect(spare.isDone()).toBe(false);
  });

  it('tries a 5xx answer once more and uses the second answer', async () => {
    const { source, lines } = setup();
    const scope = lookupEndpoint().reply(503, '<html><body>Service Unavailable</body></html>');
    lookupEndpoint().reply(200, answer([record({ TrangThaiHoSo: 'Đã có kết quả' })]));
    const dossier = await source.lookup({ code: CODE, secondFactor: ID_NUMBER });
    expect(dossier?.status).toBe(9);
    expect(nock.pendingMocks()).toEqual([]);
    scope.done();
    expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({
      attempts: 2,
      httpStatus: 200,
      outcome: 'found',
    });
  });

  it('fails after two 5xx answers, and does not retry a 4xx', async () => {
    const { source } = setup();
    lookupEndpoint().times(2).reply(500, { success: false, message: 'Lỗi hệ thống' });
    lookupEndpoint().reply(200, answer([record()]));
    const err = await failure(source.lookup({ code: CODE, secondFactor: ID_NUMBER }));
    expect(err.message).toBe('dvc-tinh-mau: answered HTTP 500');
    expect(nock.pendingMocks()).toHaveLength(1);
    nock.cleanAll();

    lookupEndpoint().reply(403, { success: false, message: 'API key không hợp lệ' });
    lookupEndpoint().reply(200, answer([record()]));
    const refused = await failure(source.lookup({ code: CODE, secondFactor: ID_NUMBER }));
    expect(refused.code).toBe(ErrorCode.ExternalUnavailable);
    expect(refused.message).toBe('dvc-tinh-mau: answered HTTP 403');
    expect(nock.pendingMocks()).toHaveLength(1);
  });

  it('does not follow a redirect', async () => {
    const { source } = setup();
    const scope = lookupEndpoint().reply(302, '', { Location: 'https://sso.example.gov.vn/login' });
    const err = await failure(source.lookup({ code: CODE, secondFactor: ID_NUMBER }));
    expect(err.message).toBe('dvc-tinh-mau: answered HTTP 302; redirects are not followed');
    scope.done();
  });

  it.each([
    [
      'an HTML page',
      '<html><head><title>Bảo trì hệ thống</title></head></html>',
      'answered with a body that is not JSON',
    ],
    ['no record', { ...answer([]), data: { totalCount: 1, items: [] } }, 'no record at data.items[0]'],
    ['no status', answer([record({ TrangThaiHoSo: null })]), 'no status at TrangThaiHoSo'],
    [
      'another dossier',
      answer([record({ MaHoSo: '000.00.06.H99-260302-0016' })]),
      'answered about another dossier than the one asked for',
    ],
    [
      'an impossible date',
      answer([record({ NgayHenTra: '31/02/2026' })]),
      'appointmentDate at NgayHenTra is not a DD/MM/YYYY date',
    ],
    [
      'a date in another format',
      answer([record({ NgayHenTra: '2026-03-05' })]),
      'appointmentDate at NgayHenTra is not a DD/MM/YYYY date',
    ],
    ['an object for text', answer([record({ GhiChu: { NoiDung: 'x' } })]), 'note at GhiChu is not text'],
  ])('refuses a malformed answer: %s', async (_what, body, reason) => {
    const { source } = setup();
    const scope = lookupEndpoint().reply(200, body as nock.Body, { 'Content-Type': 'application/json' });
    const err = await failure(source.lookup({ code: CODE, secondFactor: ID_NUMBER }));
    expect(err.code).toBe(ErrorCode.ExternalUnavailable);
    expect(err.message).toBe(`dvc-tinh-mau: ${reason}`);
    scope.done();
  });

  it('accepts the printed code with other dashes and case', async () => {
    const { source } = setup();
    const printed = '000.00.06.h99–260302–0015';
    const scope = lookupEndpoint().reply(200, answer([record({ MaHoSo: printed })]));
    expect(await source.lookup({ code: CODE, secondFactor: ID_NUMBER })).toMatchObject({ code: printed });
    scope.done();
  });

  it('converts ISO instants to the Vietnamese date and reads wall times as Vietnamese time', async () => {
    const { source } = setup({ ...example, dateFormat: 'ISO' });
    const scope = lookupEndpoint().reply(
      200,
      answer([record({ NgayHenTra: '2026-03-05T18:30:00Z', NgayCapNhat: '2026-03-03T14:20:05.123' })]),
    );
    lookupEndpoint().reply(
      200,
      answer([record({ NgayHenTra: '2026-03-05T06:59:00+0700', NgayCapNhat: '2026-03-03T01:00:00-05:00' })]),
    );
    const first = await source.lookup({ code: CODE, secondFactor: ID_NUMBER });
    expect(first?.appointmentDate).toBe('2026-03-06');
    expect(first?.updatedAt).toEqual(new Date('2026-03-03T07:20:05.000Z'));
    const second = await source.lookup({ code: CODE, secondFactor: ID_NUMBER });
    expect(second?.appointmentDate).toBe('2026-03-05');
    expect(second?.updatedAt).toEqual(new Date('2026-03-03T06:00:00.000Z'));
    scope.done();
  });

  it('URL-encodes the second factor so it cannot add query parameters', async () => {
    const { source } = setup();
    const typed = '038 095/001+234&MaHoSo=000.00.06.H99-260302-0001';
    let seen = '';
    const scope = nock(HOST)
      .get((uri) => {
        seen = uri;
        return uri.startsWith(LOOKUP);
      })
      .reply(200, answer([record()]));
    await source.lookup({ code: CODE, secondFactor: typed });
    expect(seen).toBe(
      `${LOOKUP}?MaHoSo=000.00.06.H99-260302-0015` +
        '&SoGiayTo=038%20095%2F001%2B234%26MaHoSo%3D000.00.06.H99-260302-0001',
    );
    scope.done();
  });

  it('sends a POST body with the placeholders filled in', async () => {
    const mapping: StatusMapping = {
      ...example,
      method: 'POST',
      url: `${HOST}/api/v2/hoso/tra-cuu`,
      body: { MaHoSo: '{code}', SoGiayTo: '{secondFactor}', Kenh: 'zalo-oa', Trang: 1 },
    };
    const { source } = setup(mapping);
    const scope = nock(HOST)
      .matchHeader('x-api-key', API_KEY)
      .matchHeader('content-type', /^application\/json/)
      .post('/api/v2/hoso/tra-cuu', { MaHoSo: CODE, SoGiayTo: 'a"b', Kenh: 'zalo-oa', Trang: 1 })
      .reply(200, answer([record()]));
    expect(await source.lookup({ code: CODE, secondFactor: 'a"b' })).toMatchObject({ status: 4 });
    scope.done();
  });

  it('asks for the second factor before sending anything', async () => {
    const { source } = setup();
    const scope = lookupEndpoint().reply(200, answer([record()]));
    const err = await failure(source.lookup({ code: CODE, secondFactor: '  ' }));
    expect(err.code).toBe(ErrorCode.ExternalUnavailable);
    expect(err.message).toMatch(/second factor/);
    expect(scope.isDone()).toBe(false);
  });

  it('sends the header read from the environment, and refuses to start without it', async () => {
    const { source } = setup();
    const scope = nock(HOST)
      .matchHeader('x-api-key', API_KEY)
      .get(LOOKUP)
      .query(true)
      .reply(200, answer([record()]));
    await source.lookup({ code: CODE, secondFactor: ID_NUMBER });
    scope.done();

    const logger = createLogger('silent');
    const err = throwsSync(() => createHttpStatusSource(example, { logger, env: { OTHER: 'x' } }));
    expect(err.code).toBe(ErrorCode.ConfigInvalid);
    expect(err.message).toBe(
      'external system "dvc-tinh-mau": header X-Api-Key needs the environment variable DVC_MAU_API_KEY, which is not set',
    );
  });

  it('logs the system, HTTP status and duration, and nothing personal or secret', async () => {
    const { source, lines } = setup();
    lookupEndpoint().reply(200, answer([record()]));
    lookupEndpoint().reply(500, { success: false });
    lookupEndpoint().reply(500, { success: false });
    await source.lookup({ code: CODE, secondFactor: ID_NUMBER });
    await failure(source.lookup({ code: CODE, secondFactor: ID_NUMBER }));
    expect(lines).toHaveLength(2);
    const [ok, failed] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(ok).toMatchObject({ system: 'dvc-tinh-mau', httpStatus: 200, attempts: 1, outcome: 'found' });
    expect(ok?.ms).toEqual(expect.any(Number));
    expect(failed).toMatchObject({
      system: 'dvc-tinh-mau',
      httpStatus: 500,
      attempts: 2,
      outcome: 'unavailable',
    });
    const all = lines.join('\n');
    for (const secret of [CODE, ID_NUMBER, API_KEY, 'Nguyễn Thị Hoa', 'H99'])
      expect(all).not.toContain(secret);
  });
});
