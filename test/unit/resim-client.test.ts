/**
 * The ReSim API client (server/src/resim/client.ts) against small fake HTTP servers started
 * here on 127.0.0.1. Endpoints as in docs/api.md; retry rules as in docs/sync-rules.md
 * ("Retries that never duplicate").
 */
import { strict as assert } from 'assert';
import * as http from 'http';
import type { AddressInfo } from 'net';
import {
  ApiError,
  createResimClient,
  isAbortError,
  normalizeApiUrl,
  parseRetryAfter,
  StaticTokenAuth,
  ClientCredentialsAuth,
  PAGE_SIZE,
  EXPERIENCES_PAGE_SIZE,
} from '../../server/src/resim';
import type { RequestEvent, ResimClient, ResimClientOptions } from '../../server/src/resim';
import type { Experience } from '../../server/src/resim/model';

const TOKEN = 'tok-SECRET-0123456789abcdef';
const PROJECT = '11111111-2222-3333-4444-555555555555';

interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

type Handler = (req: SeenRequest, res: http.ServerResponse, raw: http.IncomingMessage) => void | Promise<void>;

interface Fake {
  base: string;
  origin: string;
  requests: SeenRequest[];
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

const servers: Fake[] = [];
const clients: ResimClient[] = [];

async function startFake(handler: Handler): Promise<Fake> {
  const fake: Fake = {
    base: '',
    origin: '',
    requests: [],
    inFlight: 0,
    maxInFlight: 0,
    close: async () => undefined,
  };
  const server = http.createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const u = new URL(raw.url ?? '/', 'http://x');
      const text = Buffer.concat(chunks).toString('utf8');
      const seen: SeenRequest = {
        method: raw.method ?? '',
        path: u.pathname,
        query: u.searchParams,
        headers: raw.headers,
        body: text ? JSON.parse(text) : undefined,
      };
      fake.requests.push(seen);
      fake.inFlight++;
      fake.maxInFlight = Math.max(fake.maxInFlight, fake.inFlight);
      const done = () => {
        fake.inFlight--;
      };
      res.on('finish', done);
      res.on('close', () => {
        if (!res.writableFinished) done();
      });
      Promise.resolve(handler(seen, res, raw)).catch((e) => {
        res.statusCode = 599;
        res.end(String(e));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  fake.origin = `http://127.0.0.1:${port}`;
  fake.base = `${fake.origin}/v1/`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  servers.push(fake);
  return fake;
}

function json(res: http.ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

/** Delays recorded instead of waited (the client's `sleep` hook). */
function recordingSleep(): { delays: number[]; sleep: NonNullable<ResimClientOptions['sleep']> } {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms: number) => {
      delays.push(ms);
    },
  };
}

function client(fake: Fake, extra: Partial<ResimClientOptions> = {}): ResimClient {
  const c = createResimClient({
    apiUrl: fake.base,
    auth: new StaticTokenAuth(TOKEN, 'test token'),
    retryBaseMs: 1,
    sleep: recordingSleep().sleep,
    ...extra,
  });
  clients.push(c);
  return c;
}

function exp(i: number, extra: Partial<Experience> = {}): Experience {
  return {
    experienceID: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    projectID: PROJECT,
    name: `exp-${String(i).padStart(4, '0')}`,
    description: 'd',
    locations: ['s3://b/k'],
    archived: false,
    ...extra,
  };
}

/** Serves `items` under `key`, paging with offset tokens and honouring `pageSize` (max `max`, default 100). */
function pageOf<T>(items: T[], key: string, req: SeenRequest, res: http.ServerResponse, max = 100): void {
  const size = Math.min(Number(req.query.get('pageSize') ?? 100), max);
  const start = Number(req.query.get('pageToken') || 0);
  const page = items.slice(start, start + size);
  const next = start + size < items.length ? String(start + size) : '';
  json(res, 200, { [key]: page, nextPageToken: next });
}

/**
 * An in-memory experiences endpoint for one project: ListExperiences (`archived`, `name` exact,
 * paging) and CreateExperience (409 on a taken name). `onCreate` may replace the answer.
 */
function experienceStore(
  opts: {
    onCreate?: (n: number, created: Experience | undefined, res: http.ServerResponse, raw: http.IncomingMessage) => boolean;
    hideFromList?: () => boolean;
  } = {},
) {
  const store: Experience[] = [];
  let creates = 0;
  let lists = 0;
  const handler: Handler = (req, res, raw) => {
    const path = `/v1/projects/${PROJECT}/experiences`;
    if (req.path !== path) return json(res, 404, { message: 'not found' });
    if (req.method === 'GET') {
      lists++;
      const archived = req.query.get('archived') === 'true';
      const name = req.query.get('name');
      const visible = opts.hideFromList?.() ? [] : store;
      return pageOf(
        visible.filter((e) => e.archived === archived && (name === null || e.name === name)),
        'experiences',
        req,
        res,
      );
    }
    if (req.method === 'POST') {
      creates++;
      const input = req.body as { name: string; description: string };
      if (store.some((e) => e.name === input.name)) {
        return json(res, 409, { message: `experience name "${input.name}" already exists` });
      }
      const created: Experience = { ...exp(store.length + 1), ...input, archived: false };
      store.push(created);
      if (opts.onCreate?.(creates, created, res, raw)) return undefined;
      return json(res, 201, created);
    }
    return json(res, 405, { message: 'method not allowed' });
  };
  return { store, handler, creates: () => creates, lists: () => lists };
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
});

describe('resim client: requests', () => {
  it('normalises the base URL and sends Bearer auth, Accept and a User-Agent', async () => {
    const fake = await startFake((_req, res) => json(res, 200, { projectID: PROJECT, name: 'p' }));
    const c = client(fake, { apiUrl: fake.base.replace(/\/$/, '') });
    assert.equal(c.baseUrl, fake.base);
    const p = await c.getProject(PROJECT);
    assert.equal(p.name, 'p');
    const r = fake.requests[0];
    assert.equal(r.path, `/v1/projects/${PROJECT}`);
    assert.equal(r.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(r.headers.accept, 'application/json');
    assert.match(String(r.headers['user-agent']), /resim-experience-sync/);
  });

  it('normalizeApiUrl: default, trailing slash, invalid URLs', () => {
    assert.equal(normalizeApiUrl(''), 'https://api.resim.ai/v1/');
    assert.equal(normalizeApiUrl(undefined), 'https://api.resim.ai/v1/');
    assert.equal(normalizeApiUrl(' http://localhost:8080/v1 '), 'http://localhost:8080/v1/');
    assert.equal(normalizeApiUrl('http://localhost:8080'), 'http://localhost:8080/');
    assert.throws(() => normalizeApiUrl('not a url'), /Invalid ReSim API URL.*--url/);
    assert.throws(() => normalizeApiUrl('ftp://x/'), /only http and https/);
  });

  it('sends each write with the method, path and body of docs/api.md', async () => {
    const fake = await startFake((req, res) => {
      if (req.method === 'PATCH' && req.path.includes('/experiences/')) return json(res, 200, exp(1, { description: 'new' }));
      if (req.method === 'PATCH') return json(res, 200, { testSuiteID: 's1', name: 'suite', experiences: ['a'], testSuiteRevision: 2 });
      if (req.method === 'DELETE' || req.path.endsWith('/restore') || req.path.endsWith('/removeExperiences')) return json(res, 204);
      return json(res, 201);
    });
    const c = client(fake);
    const updated = await c.updateExperience(PROJECT, 'e1', { description: 'new' }, ['description']);
    assert.equal(updated.description, 'new');
    await c.archiveExperience(PROJECT, 'e1');
    await c.restoreExperience(PROJECT, 'e1');
    await c.addTagsToExperiences(PROJECT, ['t1', 't2'], ['e1']);
    await c.removeTagFromExperience(PROJECT, 't1', 'e1');
    await c.addSystemsToExperiences(PROJECT, ['s1'], ['e1', 'e2']);
    await c.removeSystemsFromExperiences(PROJECT, ['s1'], ['e2']);
    const suite = await c.reviseTestSuite(PROJECT, 's1', ['a']);
    assert.equal(suite.testSuiteRevision, 2);
    const p = `/v1/projects/${PROJECT}`;
    assert.deepEqual(
      fake.requests.map((r) => [r.method, r.path, r.body]),
      [
        ['PATCH', `${p}/experiences/e1`, { experience: { description: 'new' }, updateMask: ['description'] }],
        ['DELETE', `${p}/experiences/e1`, undefined],
        ['POST', `${p}/experiences/e1/restore`, undefined],
        ['POST', `${p}/experienceTags/addExperiences`, { experienceTagIDs: ['t1', 't2'], experiences: ['e1'] }],
        ['DELETE', `${p}/experienceTags/t1/experiences/e1`, undefined],
        ['POST', `${p}/systems/addExperiences`, { systemIDs: ['s1'], experiences: ['e1', 'e2'] }],
        ['POST', `${p}/systems/removeExperiences`, { systemIDs: ['s1'], experiences: ['e2'] }],
        ['PATCH', `${p}/suites/s1`, { experiences: ['a'] }],
      ],
    );
    assert.equal(fake.requests[0].headers['content-type'], 'application/json');
  });

  it('escapes IDs in paths', async () => {
    const fake = await startFake((_req, res) => json(res, 200, { projectID: 'a/b', name: 'p' }));
    await client(fake).getProject('a/b?c');
    assert.equal(fake.requests[0].path, '/v1/projects/a%2Fb%3Fc');
  });
});

describe('resim client: paging', () => {
  it('asks ListExperiences for large pages and follows nextPageToken when smaller pages come back, with the list filters', async () => {
    const all = Array.from({ length: 250 }, (_, i) => exp(i));
    const fake = await startFake((req, res) => pageOf(all, 'experiences', req, res));
    const got = await client(fake).listExperiences(PROJECT, false);
    assert.deepEqual(
      got.map((e) => e.name),
      all.map((e) => e.name),
    );
    assert.equal(fake.requests.length, 3);
    assert.ok(EXPERIENCES_PAGE_SIZE > PAGE_SIZE);
    for (const r of fake.requests) {
      assert.equal(r.path, `/v1/projects/${PROJECT}/experiences`);
      assert.equal(r.query.get('pageSize'), String(EXPERIENCES_PAGE_SIZE));
      assert.equal(r.query.get('archived'), 'false');
      assert.equal(r.query.get('includeCustomFields'), 'true');
    }
    assert.deepEqual(
      fake.requests.map((r) => r.query.get('pageToken')),
      [null, '100', '200'],
    );
  });

  it('reads 2,500 experiences in 3 large pages where the server honours the page size; other listings still ask 100', async () => {
    const all = Array.from({ length: 2500 }, (_, i) => exp(i));
    const fake = await startFake((req, res) => {
      if (req.path.endsWith('/experienceTags'))
        return pageOf(
          all.map((e) => ({ experienceTagID: e.experienceID, name: e.name })),
          'experienceTags',
          req,
          res,
        );
      return pageOf(all, 'experiences', req, res, Infinity);
    });
    const c = client(fake);
    const got = await c.listExperiences(PROJECT, true);
    assert.deepEqual(
      got.map((e) => e.experienceID),
      all.map((e) => e.experienceID),
    );
    assert.deepEqual(
      fake.requests.map((r) => r.query.get('pageToken')),
      [null, '1000', '2000'],
    );
    fake.requests.length = 0;
    assert.equal((await c.listExperienceTags(PROJECT)).length, 2500);
    assert.equal(fake.requests.length, 25);
    assert.ok(fake.requests.every((r) => r.query.get('pageSize') === String(PAGE_SIZE)));
  });

  it('takes experiencesPageSize, follows pages of any size that come back, and refuses a size that is not a positive integer', async () => {
    const all = Array.from({ length: 60 }, (_, i) => exp(i));
    // Pages of 7, 1, 30, then the rest: not what was asked, and not all the same size.
    const sizes = [7, 1, 30];
    const fake = await startFake((req, res) => {
      const start = Number(req.query.get('pageToken') || 0);
      const n = sizes.shift() ?? Number(req.query.get('pageSize'));
      const next = start + n < all.length ? String(start + n) : '';
      json(res, 200, { experiences: all.slice(start, start + n), nextPageToken: next });
    });
    const got = await client(fake, { experiencesPageSize: 25 }).listExperiences(PROJECT, false);
    assert.deepEqual(
      got.map((e) => e.name),
      all.map((e) => e.name),
    );
    assert.deepEqual(
      fake.requests.map((r) => r.query.get('pageToken')),
      [null, '7', '8', '38'],
    );
    assert.ok(fake.requests.every((r) => r.query.get('pageSize') === '25'));
    for (const bad of [0, -1, 2.5, Number.NaN]) {
      assert.throws(
        () => createResimClient({ apiUrl: fake.base, auth: new StaticTokenAuth('x', 't'), experiencesPageSize: bad }),
        /experiencesPageSize must be an integer/,
      );
    }
  });

  it('stops at an empty page even when a token is given, and at an absent token', async () => {
    let n = 0;
    const fake = await startFake((_req, res) => {
      n++;
      if (n === 1) return json(res, 200, { experienceTags: [{ experienceTagID: 't1', name: 'a' }], nextPageToken: 'p2' });
      return json(res, 200, { experienceTags: [], nextPageToken: 'p3' });
    });
    const tags = await client(fake).listExperienceTags(PROJECT);
    assert.deepEqual(
      tags.map((t) => t.name),
      ['a'],
    );
    assert.equal(fake.requests.length, 2);

    const fake2 = await startFake((_req, res) => json(res, 200, { systems: [{ systemID: 's', name: 'sys' }] }));
    const systems = await client(fake2).listSystems(PROJECT);
    assert.equal(systems.length, 1);
    assert.equal(fake2.requests.length, 1);
  });

  it('treats an absent list as empty and refuses a token that does not advance', async () => {
    const fake = await startFake((_req, res) => json(res, 200, { nextPageToken: '' }));
    assert.deepEqual(await client(fake).listProjects(), []);

    const fake2 = await startFake((_req, res) => json(res, 200, { projects: [{ projectID: 'p', name: 'p' }], nextPageToken: 'same' }));
    await assert.rejects(client(fake2).listProjects(), (e: unknown) => e instanceof ApiError && /same nextPageToken/.test(e.message));
    assert.equal(fake2.requests.length, 2);
  });

  it('maps tag and system membership lists to experience IDs, and lists unarchived test suites', async () => {
    const members = Array.from({ length: 130 }, (_, i) => exp(i));
    const fake = await startFake((req, res) => {
      if (req.path.endsWith('/suites'))
        return json(res, 200, { testSuites: [{ testSuiteID: 's', name: 'S', experiences: ['x'] }], nextPageToken: '' });
      return pageOf(members, 'experiences', req, res);
    });
    const c = client(fake);
    const tagged = await c.listExperienceIDsWithTag(PROJECT, 'tag1', true);
    assert.deepEqual(
      tagged,
      members.map((e) => e.experienceID),
    );
    const forSystem = await c.listExperienceIDsForSystem(PROJECT, 'sys1', false);
    assert.equal(forSystem.length, 130);
    const suites = await c.listTestSuites(PROJECT);
    assert.deepEqual(suites[0].experiences, ['x']);
    const paths = fake.requests.map((r) => `${r.path}?archived=${r.query.get('archived')}`);
    assert.deepEqual(
      [...new Set(paths)],
      [
        `/v1/projects/${PROJECT}/experienceTags/tag1/experiences?archived=true`,
        `/v1/projects/${PROJECT}/systems/sys1/experiences?archived=false`,
        `/v1/projects/${PROJECT}/suites?archived=false`,
      ],
    );
  });
});

describe('resim client: concurrency', () => {
  it('never has more requests in flight than the limit, shared by all calls', async () => {
    const fake = await startFake((req, res) => {
      setTimeout(() => {
        if (req.path.endsWith('/systems')) return json(res, 200, { systems: [], nextPageToken: '' });
        return json(res, 200, { projectID: PROJECT, name: 'p' });
      }, 10);
    });
    const c = client(fake, { concurrency: 3 });
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 15; i++) calls.push(c.getProject(PROJECT), c.listSystems(PROJECT));
    await Promise.all(calls);
    assert.equal(fake.requests.length, 30);
    assert.equal(fake.maxInFlight, 3);
  });

  it('runs writes many at once under their own limit (writeConcurrency), and lost creates are still adopted, never duplicated', async () => {
    // 40 creates; the answers of every 7th are lost after the write (the connection drops).
    const s = experienceStore({
      onCreate: (n, _c, _res, raw) => {
        if (n % 7 === 0) {
          raw.socket.destroy();
          return true;
        }
        return false;
      },
    });
    let posts = 0;
    let maxPosts = 0;
    const fake = await startFake((req, res, raw) => {
      if (req.method !== 'POST') return s.handler(req, res, raw);
      posts++;
      maxPosts = Math.max(maxPosts, posts);
      setTimeout(() => {
        posts--;
        s.handler(req, res, raw);
      }, 15);
      return undefined;
    });
    const c = client(fake, { concurrency: 2, writeConcurrency: 5 });
    const names = Array.from({ length: 40 }, (_, i) => `new-${i}`);
    const created = await Promise.all(
      names.map((name) => c.createExperience(PROJECT, { name, description: 'd', locations: ['s3://b/k'] })),
    );
    assert.equal(maxPosts, 5, 'five creates in flight at once, never more');
    assert.equal(s.store.length, 40, 'no create duplicated');
    assert.deepEqual(
      created.map((e) => e.name),
      names,
    );
    assert.deepEqual(
      created.map((e) => e.experienceID),
      names.map((n) => s.store.find((e) => e.name === n)!.experienceID),
    );
    assert.ok(
      fake.requests.some((r) => r.method === 'GET' && r.query.get('name')),
      'the lost creates were looked up',
    );
    assert.equal(s.creates(), 40, 'a lost create is adopted after the lookup, not sent again');
  });

  it('rejects an invalid concurrency', () => {
    assert.throws(() => createResimClient({ apiUrl: '', auth: new StaticTokenAuth('x', 't'), writeConcurrency: 0 }), /writeConcurrency/);
    assert.throws(() => createResimClient({ apiUrl: '', auth: new StaticTokenAuth('x', 't'), concurrency: 0 }), /concurrency/);
  });
});

describe('resim client: retries', () => {
  it('retries 429 waiting Retry-After (seconds, HTTP date, capped at 30 s)', async () => {
    let n = 0;
    const inFive = new Date(Date.now() + 5000).toUTCString();
    const fake = await startFake((_req, res) => {
      n++;
      if (n === 1) return json(res, 429, { message: 'slow down' }, { 'Retry-After': '2' });
      if (n === 2) return json(res, 429, { message: 'slow down' }, { 'Retry-After': inFive });
      if (n === 3) return json(res, 429, { message: 'slow down' }, { 'Retry-After': '3600' });
      return json(res, 200, { projectID: PROJECT, name: 'p' });
    });
    const rec = recordingSleep();
    const p = await client(fake, { sleep: rec.sleep }).getProject(PROJECT);
    assert.equal(p.name, 'p');
    assert.equal(fake.requests.length, 4);
    assert.equal(rec.delays[0], 2000);
    assert.ok(rec.delays[1] > 3000 && rec.delays[1] <= 5000, `HTTP-date delay ${rec.delays[1]}`);
    assert.equal(rec.delays[2], 30_000);
  });

  it('waits a real Retry-After: 0 without a sleep hook', async () => {
    let n = 0;
    const fake = await startFake((_req, res) => {
      n++;
      return n === 1 ? json(res, 429, {}, { 'Retry-After': '0' }) : json(res, 200, { projectID: PROJECT, name: 'p' });
    });
    const c = createResimClient({ apiUrl: fake.base, auth: new StaticTokenAuth(TOKEN, 't'), retryBaseMs: 1 });
    clients.push(c);
    assert.equal((await c.getProject(PROJECT)).name, 'p');
    assert.equal(fake.requests.length, 2);
  });

  it('retries 503 with exponential backoff and reports every attempt', async () => {
    let n = 0;
    const fake = await startFake((_req, res) => {
      n++;
      return n <= 2 ? json(res, 503, { message: 'busy' }) : json(res, 200, { projectID: PROJECT, name: 'p' });
    });
    const rec = recordingSleep();
    const events: RequestEvent[] = [];
    const c = client(fake, { sleep: rec.sleep, retryBaseMs: 100, onRequest: (e) => events.push(e) });
    await c.getProject(PROJECT);
    assert.deepEqual(
      events.map((e) => [e.operation, e.method, e.status, e.attempt]),
      [
        ['GetProject', 'GET', 503, 1],
        ['GetProject', 'GET', 503, 2],
        ['GetProject', 'GET', 200, 3],
      ],
    );
    assert.equal(events[0].url, `${fake.base}projects/${PROJECT}`);
    // backoff with jitter: between half and all of base·2^(n-1)
    assert.ok(rec.delays[0] >= 50 && rec.delays[0] <= 100, `first delay ${rec.delays[0]}`);
    assert.ok(rec.delays[1] >= 100 && rec.delays[1] <= 200, `second delay ${rec.delays[1]}`);
  });

  it('gives up after maxRetries with the last error', async () => {
    const fake = await startFake((_req, res) => json(res, 500, { message: 'boom' }));
    await assert.rejects(client(fake, { maxRetries: 2 }).listProjects(), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.status, 500);
      assert.equal(e.retriable, true);
      assert.match(e.message, /^ListProjects failed: 500 Internal Server Error: boom \(GET http:\/\/127\.0\.0\.1:\d+\/v1\/projects\)$/);
      return true;
    });
    assert.equal(fake.requests.length, 3);
  });

  it('does not retry 404 and says what failed', async () => {
    const fake = await startFake((_req, res) => json(res, 404, { message: 'project not found' }));
    await assert.rejects(client(fake).listExperiences(PROJECT, false), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.operation, 'ListExperiences');
      assert.equal(e.status, 404);
      assert.equal(e.apiMessage, 'project not found');
      assert.equal(e.retriable, false);
      assert.equal(e.kind, 'http');
      assert.equal(e.message, `ListExperiences failed: 404 Not Found: project not found (GET ${fake.base}projects/${PROJECT}/experiences)`);
      assert.ok(e.url?.includes('archived=false'));
      return true;
    });
    assert.equal(fake.requests.length, 1);
  });

  for (const status of [400, 401, 403, 409]) {
    it(`does not retry ${status}`, async () => {
      const fake = await startFake((_req, res) => json(res, status, { message: 'no' }));
      await assert.rejects(client(fake).archiveExperience(PROJECT, 'e1'), (e: unknown) => e instanceof ApiError && e.status === status);
      assert.equal(fake.requests.length, 1);
    });
  }

  it('retries a connection reset (socket hang up)', async () => {
    let n = 0;
    const fake = await startFake((_req, res, raw) => {
      n++;
      if (n === 1) {
        raw.socket.destroy();
        return;
      }
      json(res, 200, { systems: [{ systemID: 's', name: 'sys' }], nextPageToken: '' });
    });
    const events: RequestEvent[] = [];
    const systems = await client(fake, { onRequest: (e) => events.push(e) }).listSystems(PROJECT);
    assert.equal(systems.length, 1);
    assert.deepEqual(
      events.map((e) => e.status),
      [undefined, 200],
    );
  });

  it('retries a refused connection only once and names the host and --url', async () => {
    const fake = await startFake((_req, res) => json(res, 200, {}));
    const base = fake.base;
    await fake.close();
    servers.splice(servers.indexOf(fake), 1);
    const events: RequestEvent[] = [];
    const c = createResimClient({
      apiUrl: base,
      auth: new StaticTokenAuth(TOKEN, 't'),
      sleep: recordingSleep().sleep,
      onRequest: (e) => events.push(e),
    });
    clients.push(c);
    await assert.rejects(c.listProjects(), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.kind, 'network');
      assert.equal(e.status, undefined);
      assert.equal(e.code, 'ECONNREFUSED');
      assert.match(e.message, /connection to 127\.0\.0\.1:\d+ refused/);
      assert.match(e.message, /--url/);
      assert.match(e.message, /resim\.apiUrl/);
      return true;
    });
    assert.equal(events.length, 2);
  });

  it('with client credentials, a 401 fetches a new token once and retries', async () => {
    let issued = 0;
    const tokens = await startFake((_req, res) => {
      issued++;
      json(res, 200, { access_token: `cc-token-${issued}`, expires_in: 3600 });
    });
    const fake = await startFake((req, res) => {
      if (req.headers.authorization === 'Bearer cc-token-1') return json(res, 401, { message: 'expired' });
      return json(res, 200, { projectID: PROJECT, name: 'p' });
    });
    const auth = new ClientCredentialsAuth({
      clientId: 'cid',
      clientSecret: 'csecret',
      authUrl: tokens.origin,
      audience: 'https://api.resim.ai',
    });
    const p = await client(fake, { auth }).getProject(PROJECT);
    assert.equal(p.name, 'p');
    assert.equal(issued, 2);
    assert.deepEqual(
      fake.requests.map((r) => r.headers.authorization),
      ['Bearer cc-token-1', 'Bearer cc-token-2'],
    );

    // a second 401 is final
    const always401 = await startFake((_req, res) => json(res, 401, { message: 'no' }));
    await assert.rejects(client(always401, { auth }).getProject(PROJECT), (e: unknown) => e instanceof ApiError && e.status === 401);
    assert.equal(always401.requests.length, 2);
  });

  it('a failing token endpoint becomes an ApiError of the API operation', async () => {
    const tokens = await startFake((_req, res) => json(res, 403, { error: 'access_denied', error_description: 'Unauthorized' }));
    const fake = await startFake((_req, res) => json(res, 200, {}));
    const auth = new ClientCredentialsAuth({ clientId: 'cid', clientSecret: 'csecret-value', authUrl: tokens.origin, audience: 'a' });
    await assert.rejects(client(fake, { auth }).listProjects(), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.operation, 'ListProjects');
      assert.equal(e.kind, 'auth');
      assert.equal(e.status, 403);
      assert.match(e.message, /no token .*GetToken failed: 403 Forbidden: Unauthorized/);
      assert.ok(!e.message.includes('csecret-value'));
      return true;
    });
    assert.equal(fake.requests.length, 0);
  });
});

describe('resim client: the lost-create rule', () => {
  const input = { name: 'new-exp', description: 'a new one', locations: ['s3://b/new'] };

  it('a create whose answer is lost (connection dropped) is adopted, not duplicated', async () => {
    const s = experienceStore({
      onCreate: (n, _c, _res, raw) => {
        if (n === 1) {
          raw.socket.destroy();
          return true;
        }
        return false;
      },
    });
    const fake = await startFake(s.handler);
    const created = await client(fake).createExperience(PROJECT, input);
    assert.equal(s.store.length, 1);
    assert.equal(s.creates(), 1);
    assert.equal(created.experienceID, s.store[0].experienceID);
    assert.equal(created.name, 'new-exp');
    const lookups = fake.requests.filter((r) => r.method === 'GET');
    assert.deepEqual(lookups.map((r) => [r.query.get('name'), r.query.get('archived')]).sort(), [
      ['new-exp', 'false'],
      ['new-exp', 'true'],
    ]);
  });

  it('a create answered 500 after writing is adopted', async () => {
    const s = experienceStore({
      onCreate: (n, _c, res) => {
        if (n === 1) {
          json(res, 500, { message: 'oops' });
          return true;
        }
        return false;
      },
    });
    const fake = await startFake(s.handler);
    const created = await client(fake).createExperience(PROJECT, input);
    assert.equal(s.store.length, 1);
    assert.equal(s.creates(), 1);
    assert.equal(created.experienceID, s.store[0].experienceID);
  });

  it('a 503 that wrote nothing: the name is looked up, then the create is retried once', async () => {
    let failed = false;
    const s = experienceStore();
    const fake = await startFake((req, res, raw) => {
      if (req.method === 'POST' && !failed) {
        failed = true;
        return json(res, 503, { message: 'unavailable' });
      }
      return s.handler(req, res, raw);
    });
    const created = await client(fake).createExperience(PROJECT, input);
    assert.equal(s.store.length, 1);
    assert.equal(created.experienceID, s.store[0].experienceID);
    assert.deepEqual(
      fake.requests.map((r) => r.method),
      ['POST', 'GET', 'GET', 'POST'],
    );
  });

  it('a 429 on create is retried without a lookup (nothing was written)', async () => {
    let limited = false;
    const s = experienceStore();
    const fake = await startFake((req, res, raw) => {
      if (req.method === 'POST' && !limited) {
        limited = true;
        return json(res, 429, {}, { 'Retry-After': '1' });
      }
      return s.handler(req, res, raw);
    });
    await client(fake).createExperience(PROJECT, input);
    assert.deepEqual(
      fake.requests.map((r) => r.method),
      ['POST', 'POST'],
    );
    assert.equal(s.store.length, 1);
  });

  it('a 409 on a retried create looks the name up and adopts', async () => {
    // The create is written but its answer lost; the first lookup does not see it yet
    // (a lagging read), so the create is sent again and answered 409.
    let conflictSeen = false;
    const s = experienceStore({
      onCreate: (n, _c, _res, raw) => {
        if (n === 1) {
          raw.socket.destroy();
          return true;
        }
        return false;
      },
      hideFromList: () => !conflictSeen,
    });
    const fake = await startFake((req, res, raw) => {
      if (req.method === 'POST' && s.creates() === 1) conflictSeen = true;
      return s.handler(req, res, raw);
    });
    const created = await client(fake).createExperience(PROJECT, input);
    assert.equal(s.store.length, 1);
    assert.equal(created.experienceID, s.store[0].experienceID);
    assert.deepEqual(
      fake.requests.map((r) => r.method),
      ['POST', 'GET', 'GET', 'POST', 'GET', 'GET'],
    );
  });

  it('a 409 on a first create is an ApiError (name taken), without a lookup', async () => {
    const s = experienceStore();
    s.store.push(exp(7, { name: 'new-exp', archived: true }));
    const fake = await startFake(s.handler);
    await assert.rejects(client(fake).createExperience(PROJECT, input), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.status, 409);
      assert.equal(e.operation, 'CreateExperience');
      assert.match(
        e.message,
        /^CreateExperience failed: 409 Conflict: experience name "new-exp" already exists \(POST .*\/experiences\) An experience named "new-exp"/,
      );
      return true;
    });
    assert.deepEqual(
      fake.requests.map((r) => r.method),
      ['POST'],
    );
  });

  it('findExperiencesByName keeps exact names only, archived and not', async () => {
    const all = [exp(1, { name: 'a' }), exp(2, { name: 'a', archived: true }), exp(3, { name: 'ab' }), exp(4, { name: 'A' })];
    // a server whose `name` filter matches substrings, case-insensitively
    const fake = await startFake((req, res) => {
      const name = (req.query.get('name') ?? '').toLowerCase();
      const archived = req.query.get('archived') === 'true';
      pageOf(
        all.filter((e) => e.archived === archived && e.name.toLowerCase().includes(name)),
        'experiences',
        req,
        res,
      );
    });
    const found = await client(fake).findExperiencesByName(PROJECT, 'a');
    assert.deepEqual(found.map((e) => e.experienceID).sort(), [all[0].experienceID, all[1].experienceID]);
  });

  it('when the lookup itself fails, the error says the experience may exist', async () => {
    const fake = await startFake((req, res) => {
      if (req.method === 'POST') return json(res, 502, { message: 'bad gateway' });
      return json(res, 403, { message: 'forbidden' });
    });
    await assert.rejects(client(fake).createExperience(PROJECT, input), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.operation, 'CreateExperience');
      assert.match(e.message, /answer was lost \(502\).*looking up "new-exp" failed.*may exist/);
      return true;
    });
    assert.deepEqual(fake.requests.filter((r) => r.method === 'POST').length, 1);
  });
});

describe('resim client: resolveProject', () => {
  const projects = [
    { projectID: PROJECT, name: 'Alpha' },
    { projectID: '22222222-2222-3333-4444-555555555555', name: 'beta' },
    { projectID: '33333333-2222-3333-4444-555555555555', name: 'Gamma' },
    { projectID: '44444444-2222-3333-4444-555555555555', name: 'GAMMA' },
  ];
  async function fakeProjects() {
    return startFake((req, res) => {
      if (req.path === '/v1/projects') return pageOf(projects, 'projects', req, res);
      const p = projects.find((x) => req.path === `/v1/projects/${x.projectID}`);
      return p ? json(res, 200, p) : json(res, 404, { message: 'project not found' });
    });
  }

  it('finds by ID, exact name, and a unique case-insensitive name', async () => {
    const fake = await fakeProjects();
    const c = client(fake);
    assert.equal((await c.resolveProject(PROJECT)).name, 'Alpha');
    assert.equal((await c.resolveProject('Alpha')).projectID, PROJECT);
    assert.equal((await c.resolveProject('BETA')).name, 'beta');
    assert.equal((await c.resolveProject('Gamma')).projectID, projects[2].projectID);
  });

  it('no match is a 404 ApiError; several case-insensitive matches a 409', async () => {
    const fake = await fakeProjects();
    const c = client(fake);
    await assert.rejects(
      c.resolveProject('delta'),
      (e: unknown) =>
        e instanceof ApiError && e.status === 404 && e.operation === 'ResolveProject' && /no project named "delta"/.test(e.message),
    );
    await assert.rejects(
      c.resolveProject('99999999-2222-3333-4444-555555555555'),
      (e: unknown) => e instanceof ApiError && e.status === 404,
    );
    await assert.rejects(
      c.resolveProject('gamma'),
      (e: unknown) => e instanceof ApiError && e.status === 409 && /several projects/.test(e.message),
    );
  });
});

describe('resim client: the token stays secret', () => {
  it('appears in no error message, stack, field or RequestEvent', async () => {
    const fake = await startFake((req, res) => json(res, 401, { message: `invalid token: ${req.headers.authorization}` }));
    const events: RequestEvent[] = [];
    const c = client(fake, { onRequest: (e) => events.push(e) });
    const err = await c.listProjects().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApiError);
    assert.match(err.message, /invalid token: Bearer \[redacted\]/);
    const everything = JSON.stringify({ ...err, message: err.message, stack: err.stack, events });
    assert.ok(!everything.includes(TOKEN), everything);
    assert.equal(events.length, 1);

    // network errors too
    const fake2 = await startFake((_req, _res, raw) => {
      raw.socket.destroy();
    });
    const err2 = await client(fake2, { maxRetries: 1, onRequest: (e) => events.push(e) })
      .getProject(PROJECT)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err2 instanceof ApiError);
    assert.ok(!`${err2.message} ${err2.stack} ${JSON.stringify(events)}`.includes(TOKEN));
  });

  it('user info in the base URL is not echoed', async () => {
    const fake = await startFake((_req, res) => json(res, 404, { message: 'nope' }));
    const c = client(fake, { apiUrl: fake.base.replace('http://', 'http://user:pw-secret@') });
    const err = await c.getProject(PROJECT).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApiError);
    assert.ok(!err.message.includes('pw-secret') && !err.url?.includes('pw-secret'));
  });
});

describe('resim client: abort', () => {
  it('rejects promptly while a request is in flight, without retrying', async () => {
    const fake = await startFake(() => undefined); // never answers
    const ctl = new AbortController();
    const events: RequestEvent[] = [];
    const c = client(fake, { onRequest: (e) => events.push(e) });
    const p = c.listExperiences(PROJECT, true, ctl.signal);
    while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    ctl.abort();
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.ok(isAbortError(e));
      assert.equal(e.kind, 'aborted');
      assert.equal(e.name, 'AbortError');
      assert.equal(e.retriable, false);
      assert.match(e.message, /^ListExperiences aborted/);
      return true;
    });
    assert.equal(fake.requests.length, 1);
  });

  it('rejects while waiting for Retry-After', async () => {
    const fake = await startFake((_req, res) => json(res, 429, {}, { 'Retry-After': '30' }));
    const ctl = new AbortController();
    // abort shortly after the first answer, i.e. during the 30 s wait (real sleep)
    const c2 = createResimClient({
      apiUrl: fake.base,
      auth: new StaticTokenAuth(TOKEN, 't'),
      onRequest: () => {
        setTimeout(() => ctl.abort(), 20);
      },
    });
    clients.push(c2);
    await assert.rejects(c2.getProject(PROJECT, ctl.signal), (e: unknown) => isAbortError(e) && e instanceof ApiError);
    assert.equal(fake.requests.length, 1);
  });

  it('rejects a call still queued behind the concurrency limit, and never sends it', async () => {
    const fake = await startFake(() => undefined);
    const c = client(fake, { concurrency: 1 });
    const first = new AbortController();
    const second = new AbortController();
    const p1 = c.getProject(PROJECT, first.signal);
    const p2 = c.getProject('other', second.signal);
    while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    second.abort();
    await assert.rejects(p2, (e: unknown) => isAbortError(e));
    first.abort();
    await assert.rejects(p1, (e: unknown) => isAbortError(e));
    assert.equal(fake.requests.length, 1);
  });

  it('an already-aborted signal sends nothing', async () => {
    const fake = await startFake((_req, res) => json(res, 200, {}));
    const ctl = new AbortController();
    ctl.abort();
    await assert.rejects(client(fake).createExperience(PROJECT, { name: 'x', description: 'y' }, ctl.signal), (e: unknown) =>
      isAbortError(e),
    );
    assert.equal(fake.requests.length, 0);
  });
});

describe('resim client: parseRetryAfter', () => {
  it('reads seconds and HTTP dates, ignores garbage', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter('0.5', now), 500);
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
    assert.equal(parseRetryAfter('', now), undefined);
  });
});
