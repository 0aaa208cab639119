/**
 * The sandbox's ReSim API (docs/api.md) over real HTTP on loopback: every endpoint's
 * happy path and response shape, paging, and the 400/401/404/409 rules.
 */
import * as assert from 'node:assert/strict';
import { startSandbox, SEED_IDS, type Sandbox } from '../../sandbox/server';

const DEMO = SEED_IDS.demoProject;
const PERCEPTION = SEED_IDS.perceptionProject;
const D = SEED_IDS.demo;
const UNKNOWN = '00000000-0000-4000-8000-00000000dead';

interface Answer {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

async function call(s: Sandbox, method: string, path: string, body?: unknown, auth: string | null = 'Bearer test-token'): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (auth !== null) headers.Authorization = auth;
  let payload: string | undefined;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(new URL(path, s.url), { method, headers, body: payload });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

/** Follows nextPageToken to the end; returns every item and the number of pages. */
async function listAll(s: Sandbox, path: string, key: string, pageSize = 100): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let token = '';
  let pages = 0;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const a = await call(s, 'GET', `${path}${sep}pageSize=${pageSize}${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`);
    assert.equal(a.status, 200, a.text);
    pages++;
    items.push(...a.body[key]);
    assert.equal(typeof a.body.nextPageToken, 'string');
    token = a.body.nextPageToken;
    if (!token || a.body[key].length === 0) return { items, pages };
    assert.ok(pages < 10_000, 'paging does not end');
  }
}

const names = (xs: { name: string }[]): string[] => xs.map((x) => x.name).sort();

describe('sandbox: ReSim API', () => {
  let s: Sandbox;
  beforeEach(async () => {
    s = await startSandbox({ seed: 'demo' });
  });
  afterEach(async () => {
    await s.close();
  });

  it('listens on loopback with the /v1/ base URL', () => {
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/v1\/$/);
    assert.equal(s.url, `http://127.0.0.1:${s.port}/v1/`);
  });

  describe('auth', () => {
    it('answers 401 with a JSON message without a bearer token', async () => {
      for (const auth of [null, 'Basic abc', 'Bearer', 'Bearer  ']) {
        const a = await call(s, 'GET', 'projects', undefined, auth);
        assert.equal(a.status, 401, `auth ${auth}`);
        assert.equal(typeof a.body.message, 'string');
        assert.equal(a.headers.get('www-authenticate'), 'Bearer');
      }
    });

    it('accepts any bearer token, or only the configured one', async () => {
      assert.equal((await call(s, 'GET', 'projects', undefined, 'Bearer anything')).status, 200);
      const strict = await startSandbox({ seed: 'empty', token: 's3cret' });
      try {
        assert.equal((await call(strict, 'GET', 'projects', undefined, 'Bearer wrong')).status, 401);
        assert.equal((await call(strict, 'GET', 'projects', undefined, 'Bearer s3cret')).status, 200);
      } finally {
        await strict.close();
      }
    });
  });

  describe('projects', () => {
    it('lists projects and gets one by ID', async () => {
      const a = await call(s, 'GET', 'projects');
      assert.equal(a.status, 200);
      assert.deepEqual(names(a.body.projects), ['demo', 'perception']);
      assert.equal(a.body.nextPageToken, '');
      const p = a.body.projects.find((x: any) => x.name === 'demo');
      assert.deepEqual(Object.keys(p).sort(), ['archived', 'creationTimestamp', 'description', 'name', 'orgID', 'projectID']);
      const g = await call(s, 'GET', `projects/${DEMO}`);
      assert.equal(g.status, 200);
      assert.deepEqual(g.body, p);
    });

    it('pages projects with pageSize 1', async () => {
      const { items, pages } = await listAll(s, 'projects?orderBy=name', 'projects', 1);
      assert.deepEqual(
        items.map((p) => p.name),
        ['demo', 'perception'],
      );
      assert.equal(pages, 2);
    });

    it('answers 404 for an unknown project and 400 for a malformed ID', async () => {
      const nf = await call(s, 'GET', `projects/${UNKNOWN}`);
      assert.equal(nf.status, 404);
      assert.match(nf.body.message, /not found/);
      assert.equal((await call(s, 'GET', `projects/${UNKNOWN}/experiences`)).status, 404);
      const bad = await call(s, 'GET', 'projects/demo');
      assert.equal(bad.status, 400);
      assert.match(bad.body.message, /UUID/);
    });
  });

  describe('experiences', () => {
    it('lists unarchived experiences by default, archived ones with archived=true, with total', async () => {
      const live = await call(s, 'GET', `projects/${DEMO}/experiences`);
      assert.equal(live.status, 200);
      assert.deepEqual(names(live.body.experiences), [
        'hover-stability-baseline',
        'legacy-night-flight',
        'scenario-survey-alpha',
        'wind-gust-landing',
      ]);
      assert.equal(live.body.total, 4);
      assert.equal(live.body.nextPageToken, '');
      const archived = await call(s, 'GET', `projects/${DEMO}/experiences?archived=true`);
      assert.deepEqual(names(archived.body.experiences), ['new-scenario-system-check', 'old-battery-endurance']);
      assert.ok(archived.body.experiences.every((e: any) => e.archived === true));
      assert.equal(archived.body.total, 2);
      const explicit = await call(s, 'GET', `projects/${DEMO}/experiences?archived=false`);
      assert.deepEqual(names(explicit.body.experiences), names(live.body.experiences));
    });

    it('returns the Experience shape, custom fields only with includeCustomFields=true', async () => {
      const plain = await call(s, 'GET', `projects/${DEMO}/experiences?name=hover-stability-baseline`);
      const e = plain.body.experiences[0];
      assert.deepEqual(Object.keys(e).sort(), [
        'archived',
        'cacheExempt',
        'containerTimeoutSeconds',
        'creationTimestamp',
        'description',
        'environmentVariables',
        'experienceID',
        'locations',
        'name',
        'orgID',
        'profile',
        'projectID',
        'updateTimestamp',
        'userID',
      ]);
      assert.equal(e.experienceID, D.experiences['hover-stability-baseline']);
      assert.equal(e.cacheExempt, true);
      assert.equal(e.containerTimeoutSeconds, 1800);
      const withFields = await call(s, 'GET', `projects/${DEMO}/experiences?name=hover-stability-baseline&includeCustomFields=true`);
      assert.deepEqual(withFields.body.experiences[0].customFields, [{ name: 'airframe', type: 'text', values: ['quad-x'] }]);
    });

    it('filters by exact name, and by text / search substring (case-insensitive)', async () => {
      assert.equal((await call(s, 'GET', `projects/${DEMO}/experiences?name=scenario-survey`)).body.experiences.length, 0);
      const exact = await call(s, 'GET', `projects/${DEMO}/experiences?name=scenario-survey-alpha`);
      assert.deepEqual(
        exact.body.experiences.map((e: any) => e.experienceID),
        [D.experiences['scenario-survey-alpha']],
      );
      assert.equal(exact.body.total, 1);
      // An archived experience is found by name only with archived=true.
      assert.equal((await call(s, 'GET', `projects/${DEMO}/experiences?name=new-scenario-system-check`)).body.experiences.length, 0);
      assert.equal(
        (await call(s, 'GET', `projects/${DEMO}/experiences?name=new-scenario-system-check&archived=true`)).body.experiences.length,
        1,
      );
      const text = await call(s, 'GET', `projects/${DEMO}/experiences?text=FLIGHT`);
      assert.deepEqual(names(text.body.experiences), ['legacy-night-flight']);
      const search = await call(s, 'GET', `projects/${DEMO}/experiences?search=landing`);
      assert.deepEqual(names(search.body.experiences), ['wind-gust-landing']);
      assert.equal(search.body.total, 1);
    });

    it('keeps projects apart', async () => {
      const a = await call(s, 'GET', `projects/${PERCEPTION}/experiences?name=scenario-survey-alpha`);
      assert.equal(a.body.experiences[0].experienceID, SEED_IDS.perception.experiences['scenario-survey-alpha']);
      assert.notEqual(a.body.experiences[0].experienceID, D.experiences['scenario-survey-alpha']);
    });

    it('orders by name and rejects an unknown orderBy', async () => {
      const a = await call(s, 'GET', `projects/${DEMO}/experiences?orderBy=name`);
      const got = a.body.experiences.map((e: any) => e.name);
      assert.deepEqual(got, got.slice().sort());
      assert.equal((await call(s, 'GET', `projects/${DEMO}/experiences?orderBy=colour`)).status, 400);
    });

    it('creates an experience (201) with tags, systems and defaults, and sets timestamps', async () => {
      const input = {
        name: 'brand-new',
        description: 'Fresh',
        locations: ['s3://x/y'],
        environmentVariables: [{ name: 'A', value: '1' }],
        customFields: [{ name: 'Owner', type: 'text', values: ['me'] }],
        experienceTagIDs: [D.tags.regression],
        systemIDs: [D.systems.sil_cluster],
      };
      const a = await call(s, 'POST', `projects/${DEMO}/experiences`, input);
      assert.equal(a.status, 201, a.text);
      const e = a.body;
      assert.match(e.experienceID, /^[0-9a-f-]{36}$/);
      assert.equal(e.projectID, DEMO);
      assert.equal(e.name, 'brand-new');
      assert.deepEqual(e.locations, ['s3://x/y']);
      assert.equal(e.profile, '');
      assert.equal(e.cacheExempt, false);
      assert.equal(e.archived, false);
      assert.deepEqual(e.customFields, input.customFields);
      assert.ok(!Number.isNaN(Date.parse(e.creationTimestamp)));
      assert.equal(e.creationTimestamp, e.updateTimestamp);
      assert.equal(e.experienceTagIDs, undefined, 'tag IDs are not part of the Experience model');
      const tagged = await call(s, 'GET', `projects/${DEMO}/experienceTags/${D.tags.regression}/experiences`);
      assert.ok(tagged.body.experiences.some((x: any) => x.experienceID === e.experienceID));
      const sys = await call(s, 'GET', `projects/${DEMO}/systems/${D.systems.sil_cluster}/experiences`);
      assert.ok(sys.body.experiences.some((x: any) => x.experienceID === e.experienceID));
      const stored = s.store.experiences[DEMO].find((x) => x.name === 'brand-new')!;
      assert.deepEqual(stored.experienceTagIDs, [D.tags.regression]);
    });

    it('answers 409 for a duplicate name, archived experiences included', async () => {
      for (const name of ['scenario-survey-alpha', 'new-scenario-system-check']) {
        const a = await call(s, 'POST', `projects/${DEMO}/experiences`, { name, description: 'x', locations: [] });
        assert.equal(a.status, 409, name);
        assert.match(a.body.message, /already exists/);
      }
      // The same name in another project is fine.
      const other = await call(s, 'POST', `projects/${PERCEPTION}/experiences`, { name: 'wind-gust-landing', description: 'x' });
      assert.equal(other.status, 201);
    });

    it('answers 400 for malformed bodies and 404 for unknown tag or system IDs', async () => {
      const path = `projects/${DEMO}/experiences`;
      const bad: unknown[] = [
        '{not json',
        '[]',
        { description: 'no name' },
        { name: '', description: 'x' },
        { name: 'a' },
        { name: 'a', description: 'x', locations: 'one' },
        { name: 'a', description: 'x', cacheExempt: 'yes' },
        { name: 'a', description: 'x', containerTimeoutSeconds: 1.5 },
        { name: 'a', description: 'x', environmentVariables: [{ name: 'A' }] },
        { name: 'a', description: 'x', customFields: [{ name: 'c', type: 'colour', values: [] }] },
        {
          name: 'a',
          description: 'x',
          customFields: [
            { name: 'c', type: 'text', values: [] },
            { name: 'C', type: 'text', values: [] },
          ],
        },
        { name: 'a', description: 'x', experienceTagIDs: ['regression'] },
      ];
      for (const body of bad) {
        const a = await call(s, 'POST', path, body);
        assert.equal(a.status, 400, `${JSON.stringify(body)} → ${a.text}`);
        assert.equal(typeof a.body.message, 'string');
      }
      assert.equal((await call(s, 'POST', path, { name: 'a', description: 'x', experienceTagIDs: [UNKNOWN] })).status, 404);
      assert.equal((await call(s, 'POST', path, { name: 'a', description: 'x', systemIDs: [UNKNOWN] })).status, 404);
      assert.equal(
        s.store.experiences[DEMO].some((e) => e.name === 'a'),
        false,
        'nothing created by failed requests',
      );
    });

    it('updates only the fields named in updateMask', async () => {
      const id = D.experiences['scenario-survey-alpha'];
      const before = s.store.experiences[DEMO].find((e) => e.experienceID === id)!;
      const snapshot = JSON.parse(JSON.stringify(before));
      const a = await call(s, 'PATCH', `projects/${DEMO}/experiences/${id}`, {
        experience: { description: 'New description', profile: 'ignored-not-in-mask', locations: ['s3://new'] },
        updateMask: ['description', 'locations'],
      });
      assert.equal(a.status, 200, a.text);
      assert.equal(a.body.description, 'New description');
      assert.deepEqual(a.body.locations, ['s3://new']);
      assert.equal(a.body.profile, snapshot.profile);
      assert.deepEqual(a.body.environmentVariables, snapshot.environmentVariables);
      assert.equal(a.body.creationTimestamp, snapshot.creationTimestamp);
      assert.notEqual(a.body.updateTimestamp, snapshot.updateTimestamp);
    });

    it('renames (409 when taken), clears with empty lists, and replaces tags via updateMask', async () => {
      const id = D.experiences['wind-gust-landing'];
      const path = `projects/${DEMO}/experiences/${id}`;
      const taken = await call(s, 'PATCH', path, { experience: { name: 'old-battery-endurance' }, updateMask: ['name'] });
      assert.equal(taken.status, 409);
      const same = await call(s, 'PATCH', path, { experience: { name: 'wind-gust-landing' }, updateMask: ['name'] });
      assert.equal(same.status, 200, 'renaming to its own name is fine');
      const renamed = await call(s, 'PATCH', path, {
        experience: { name: 'gusty-landing', environmentVariables: [], experienceTagIDs: [D.tags.nightly] },
        updateMask: ['name', 'environmentVariables', 'experienceTagIDs'],
      });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.name, 'gusty-landing');
      const byNew = await call(s, 'GET', `projects/${DEMO}/experiences?name=gusty-landing`);
      assert.equal(byNew.body.experiences[0].experienceID, id);
      assert.equal((await call(s, 'GET', `projects/${DEMO}/experiences?name=wind-gust-landing`)).body.experiences.length, 0);
      // The old name is free again.
      assert.equal(
        (await call(s, 'POST', `projects/${DEMO}/experiences`, { name: 'wind-gust-landing', description: 'again' })).status,
        201,
      );
      const stored = s.store.experiences[DEMO].find((e) => e.experienceID === id)!;
      assert.deepEqual(stored.experienceTagIDs, [D.tags.nightly]);
    });

    it('answers 400 for a bad update body and 404 for an unknown experience', async () => {
      const path = `projects/${DEMO}/experiences/${D.experiences['scenario-survey-alpha']}`;
      for (const body of [
        { experience: { description: 'x' } },
        { experience: { description: 'x' }, updateMask: ['colour'] },
        { experience: {}, updateMask: ['description'] },
        { updateMask: ['description'] },
        { experience: { description: 5 }, updateMask: ['description'] },
      ]) {
        assert.equal((await call(s, 'PATCH', path, body)).status, 400, JSON.stringify(body));
      }
      const nf = await call(s, 'PATCH', `projects/${DEMO}/experiences/${UNKNOWN}`, {
        experience: { description: 'x' },
        updateMask: ['description'],
      });
      assert.equal(nf.status, 404);
      assert.equal((await call(s, 'PATCH', `projects/${DEMO}/experiences/not-a-uuid`, { experience: {}, updateMask: [] })).status, 400);
    });

    it('archives (204) and restores (204), idempotently', async () => {
      const id = D.experiences['legacy-night-flight'];
      const del = await call(s, 'DELETE', `projects/${DEMO}/experiences/${id}`);
      assert.equal(del.status, 204);
      assert.equal(del.text, '');
      assert.equal((await call(s, 'DELETE', `projects/${DEMO}/experiences/${id}`)).status, 204);
      let archived = await call(s, 'GET', `projects/${DEMO}/experiences?archived=true&name=legacy-night-flight`);
      assert.equal(archived.body.experiences.length, 1);
      assert.equal((await call(s, 'POST', `projects/${DEMO}/experiences/${id}/restore`)).status, 204);
      assert.equal((await call(s, 'POST', `projects/${DEMO}/experiences/${id}/restore`)).status, 204);
      archived = await call(s, 'GET', `projects/${DEMO}/experiences?archived=true&name=legacy-night-flight`);
      assert.equal(archived.body.experiences.length, 0);
      assert.equal((await call(s, 'DELETE', `projects/${DEMO}/experiences/${UNKNOWN}`)).status, 404);
      assert.equal((await call(s, 'POST', `projects/${DEMO}/experiences/${UNKNOWN}/restore`)).status, 404);
    });

    it('bulk-archives and answers the count of experiences it archived', async () => {
      const ids = [D.experiences['legacy-night-flight'], D.experiences['wind-gust-landing'], D.experiences['old-battery-endurance']];
      const a = await call(s, 'POST', `projects/${DEMO}/experiences/archive`, { experienceIDs: ids });
      assert.equal(a.status, 200, a.text);
      assert.equal(a.body, 2, 'old-battery-endurance was archived already');
      const live = await call(s, 'GET', `projects/${DEMO}/experiences`);
      assert.deepEqual(names(live.body.experiences), ['hover-stability-baseline', 'scenario-survey-alpha']);
      const nf = await call(s, 'POST', `projects/${DEMO}/experiences/archive`, {
        experienceIDs: [D.experiences['scenario-survey-alpha'], UNKNOWN],
      });
      assert.equal(nf.status, 404);
      assert.equal((await call(s, 'GET', `projects/${DEMO}/experiences`)).body.total, 2, 'all or nothing');
      assert.equal((await call(s, 'POST', `projects/${DEMO}/experiences/archive`, {})).status, 400);
    });
  });

  describe('experience tags', () => {
    it('lists tags, filters by name, creates one (201), 409 on a duplicate', async () => {
      const a = await call(s, 'GET', `projects/${DEMO}/experienceTags`);
      assert.equal(a.status, 200);
      assert.deepEqual(names(a.body.experienceTags), ['nightly', 'progression', 'regression']);
      assert.deepEqual(Object.keys(a.body.experienceTags[0]).sort(), ['description', 'experienceTagID', 'name', 'projectID']);
      const one = await call(s, 'GET', `projects/${DEMO}/experienceTags?name=progression`);
      assert.deepEqual(
        one.body.experienceTags.map((t: any) => t.experienceTagID),
        [D.tags.progression],
      );
      const c = await call(s, 'POST', `projects/${DEMO}/experienceTags`, { name: 'smoke', description: 'Quick ones' });
      assert.equal(c.status, 201);
      assert.equal(c.body.name, 'smoke');
      assert.equal(c.body.projectID, DEMO);
      assert.equal((await call(s, 'POST', `projects/${DEMO}/experienceTags`, { name: 'smoke', description: '' })).status, 409);
      assert.equal((await call(s, 'POST', `projects/${DEMO}/experienceTags`, { description: 'no name' })).status, 400);
    });

    it('lists the experiences with a tag, archived ones only with archived=true', async () => {
      const live = await call(s, 'GET', `projects/${DEMO}/experienceTags/${D.tags.regression}/experiences`);
      assert.equal(live.status, 200);
      assert.deepEqual(names(live.body.experiences), ['hover-stability-baseline', 'legacy-night-flight']);
      assert.equal(live.body.nextPageToken, '');
      const archived = await call(s, 'GET', `projects/${DEMO}/experienceTags/${D.tags.regression}/experiences?archived=true`);
      assert.deepEqual(names(archived.body.experiences), ['old-battery-endurance']);
      assert.equal((await call(s, 'GET', `projects/${DEMO}/experienceTags/${UNKNOWN}/experiences`)).status, 404);
    });

    it('adds tags to experiences (201, no-op when present) and removes one (204)', async () => {
      const alpha = D.experiences['scenario-survey-alpha'];
      const wind = D.experiences['wind-gust-landing'];
      const add = await call(s, 'POST', `projects/${DEMO}/experienceTags/addExperiences`, {
        experienceTagIDs: [D.tags.regression, D.tags.nightly],
        experiences: [alpha, wind],
      });
      assert.equal(add.status, 201, add.text);
      const again = await call(s, 'POST', `projects/${DEMO}/experienceTags/addExperiences`, {
        experienceTagIDs: [D.tags.regression],
        experiences: [alpha],
      });
      assert.equal(again.status, 201);
      const stored = s.store.experiences[DEMO].find((e) => e.experienceID === alpha)!;
      assert.deepEqual(stored.experienceTagIDs.slice().sort(), [D.tags.nightly, D.tags.progression, D.tags.regression].sort());
      const rm = await call(s, 'DELETE', `projects/${DEMO}/experienceTags/${D.tags.progression}/experiences/${alpha}`);
      assert.equal(rm.status, 204);
      assert.equal((await call(s, 'DELETE', `projects/${DEMO}/experienceTags/${D.tags.progression}/experiences/${alpha}`)).status, 204);
      const prog = await call(s, 'GET', `projects/${DEMO}/experienceTags/${D.tags.progression}/experiences`);
      assert.deepEqual(names(prog.body.experiences), ['wind-gust-landing']);
    });

    it('answers 404 for unknown tags or experiences and 400 for bad bodies', async () => {
      const path = `projects/${DEMO}/experienceTags/addExperiences`;
      const alpha = D.experiences['scenario-survey-alpha'];
      assert.equal((await call(s, 'POST', path, { experienceTagIDs: [UNKNOWN], experiences: [alpha] })).status, 404);
      assert.equal((await call(s, 'POST', path, { experienceTagIDs: [D.tags.nightly], experiences: [UNKNOWN] })).status, 404);
      assert.equal((await call(s, 'POST', path, { experienceTagIDs: [D.tags.nightly] })).status, 400);
      assert.equal((await call(s, 'POST', path, { experienceTagIDs: 'nightly', experiences: [alpha] })).status, 400);
      assert.equal((await call(s, 'DELETE', `projects/${DEMO}/experienceTags/${UNKNOWN}/experiences/${alpha}`)).status, 404);
      assert.equal((await call(s, 'DELETE', `projects/${DEMO}/experienceTags/${D.tags.nightly}/experiences/${UNKNOWN}`)).status, 404);
      // A tag of another project is unknown here.
      assert.equal(
        (await call(s, 'POST', path, { experienceTagIDs: [SEED_IDS.perception.tags.camera], experiences: [alpha] })).status,
        404,
      );
    });
  });

  describe('systems', () => {
    it('lists systems (filter by name) and the experiences for one', async () => {
      const a = await call(s, 'GET', `projects/${DEMO}/systems`);
      assert.equal(a.status, 200);
      assert.deepEqual(names(a.body.systems), ['mbauer_tmp_hil_repro', 'sil_cluster']);
      assert.deepEqual(Object.keys(a.body.systems[0]).sort(), ['archived', 'description', 'name', 'projectID', 'systemID']);
      const one = await call(s, 'GET', `projects/${DEMO}/systems?name=sil_cluster`);
      assert.deepEqual(
        one.body.systems.map((x: any) => x.systemID),
        [D.systems.sil_cluster],
      );
      const exps = await call(s, 'GET', `projects/${DEMO}/systems/${D.systems.sil_cluster}/experiences`);
      assert.deepEqual(names(exps.body.experiences), ['hover-stability-baseline', 'scenario-survey-alpha', 'wind-gust-landing']);
      assert.equal(exps.body.experiences[0].customFields, undefined);
      const withFields = await call(s, 'GET', `projects/${DEMO}/systems/${D.systems.sil_cluster}/experiences?includeCustomFields=true`);
      assert.ok(withFields.body.experiences.every((e: any) => Array.isArray(e.customFields)));
      assert.equal((await call(s, 'GET', `projects/${DEMO}/systems/${UNKNOWN}/experiences`)).status, 404);
    });

    it('adds systems (201, no-op when present) and removes them (204)', async () => {
      const check = D.experiences['new-scenario-system-check'];
      const hil = D.systems.mbauer_tmp_hil_repro;
      const body = { systemIDs: [hil], experiences: [check, D.experiences['legacy-night-flight']] };
      assert.equal((await call(s, 'POST', `projects/${DEMO}/systems/addExperiences`, body)).status, 201);
      assert.equal((await call(s, 'POST', `projects/${DEMO}/systems/addExperiences`, body)).status, 201);
      const archivedMembers = await call(s, 'GET', `projects/${DEMO}/systems/${hil}/experiences?archived=true`);
      assert.deepEqual(names(archivedMembers.body.experiences), ['new-scenario-system-check']);
      const stored = s.store.experiences[DEMO].find((e) => e.experienceID === D.experiences['legacy-night-flight'])!;
      assert.deepEqual(stored.systemIDs, [hil], 'no duplicate membership');
      const rm = await call(s, 'POST', `projects/${DEMO}/systems/removeExperiences`, { systemIDs: [hil], experiences: [check] });
      assert.equal(rm.status, 204);
      assert.equal((await call(s, 'GET', `projects/${DEMO}/systems/${hil}/experiences?archived=true`)).body.experiences.length, 0);
      assert.equal(
        (await call(s, 'POST', `projects/${DEMO}/systems/addExperiences`, { systemIDs: [UNKNOWN], experiences: [check] })).status,
        404,
      );
      assert.equal((await call(s, 'POST', `projects/${DEMO}/systems/removeExperiences`, { systemIDs: [hil] })).status, 400);
    });
  });

  describe('test suites', () => {
    it('lists suites (filters: name, archived, systemID, experienceIDs, text) and gets one', async () => {
      const a = await call(s, 'GET', `projects/${DEMO}/suites`);
      assert.equal(a.status, 200);
      assert.deepEqual(names(a.body.testSuites), ['Basic Suite', 'Nightly Suite']);
      assert.equal(a.body.total, 2);
      const basic = a.body.testSuites.find((x: any) => x.name === 'Basic Suite');
      assert.deepEqual(Object.keys(basic).sort(), [
        'archived',
        'creationTimestamp',
        'description',
        'experiences',
        'name',
        'projectID',
        'systemID',
        'testSuiteID',
        'testSuiteRevision',
      ]);
      assert.deepEqual(basic.experiences, [
        D.experiences['scenario-survey-alpha'],
        D.experiences['legacy-night-flight'],
        D.experiences['hover-stability-baseline'],
      ]);
      assert.deepEqual(names((await call(s, 'GET', `projects/${DEMO}/suites?name=Basic%20Suite`)).body.testSuites), ['Basic Suite']);
      assert.deepEqual(names((await call(s, 'GET', `projects/${DEMO}/suites?systemID=${D.systems.sil_cluster}`)).body.testSuites), [
        'Nightly Suite',
      ]);
      assert.deepEqual(
        names((await call(s, 'GET', `projects/${DEMO}/suites?experienceIDs=${D.experiences['scenario-survey-alpha']}`)).body.testSuites),
        ['Basic Suite'],
      );
      assert.deepEqual(names((await call(s, 'GET', `projects/${DEMO}/suites?text=nightly`)).body.testSuites), ['Nightly Suite']);
      assert.equal((await call(s, 'GET', `projects/${DEMO}/suites?archived=true`)).body.testSuites.length, 0);
      const g = await call(s, 'GET', `projects/${DEMO}/suites/${D.suites['Basic Suite']}`);
      assert.equal(g.status, 200);
      assert.deepEqual(g.body, basic);
      assert.equal((await call(s, 'GET', `projects/${DEMO}/suites/${UNKNOWN}`)).status, 404);
    });

    it('revises a suite: new members, revision +1 each time', async () => {
      const path = `projects/${DEMO}/suites/${D.suites['Basic Suite']}`;
      const start = (await call(s, 'GET', path)).body.testSuiteRevision;
      const members = [D.experiences['scenario-survey-alpha'], D.experiences['new-scenario-system-check']];
      const r1 = await call(s, 'PATCH', path, { experiences: members });
      assert.equal(r1.status, 200, r1.text);
      assert.equal(r1.body.testSuiteRevision, start + 1);
      assert.deepEqual(r1.body.experiences, members);
      const r2 = await call(s, 'PATCH', path, { experiences: members });
      assert.equal(r2.body.testSuiteRevision, start + 2, 'every revise makes a revision, even with the same members');
      assert.deepEqual((await call(s, 'GET', path)).body.experiences, members);
      const stored = s.store.testSuites[DEMO].find((x) => x.testSuiteID === D.suites['Basic Suite'])!;
      assert.equal(stored.revisions.length, start + 3);
      assert.deepEqual(stored.revisions[stored.revisions.length - 1].experiences, members);
    });

    it('answers 404 for unknown members or suites and 400 for a bad body', async () => {
      const path = `projects/${DEMO}/suites/${D.suites['Basic Suite']}`;
      assert.equal((await call(s, 'PATCH', path, { experiences: [UNKNOWN] })).status, 404);
      assert.equal((await call(s, 'PATCH', path, { experiences: ['scenario-survey-alpha'] })).status, 400);
      assert.equal((await call(s, 'PATCH', path, '"experiences"')).status, 400);
      assert.equal((await call(s, 'PATCH', `projects/${DEMO}/suites/${UNKNOWN}`, { experiences: [] })).status, 404);
      assert.equal((await call(s, 'GET', path)).body.testSuiteRevision, 2, 'failed revisions change nothing');
    });
  });

  describe('paging', () => {
    it('caps pageSize at 100 and continues with nextPageToken', async () => {
      const tag = await call(s, 'POST', `projects/${DEMO}/experienceTags`, { name: 'bulk', description: '' });
      for (let i = 0; i < 250; i++) {
        const a = await call(s, 'POST', `projects/${DEMO}/experiences`, {
          name: `bulk-${String(i).padStart(3, '0')}`,
          description: 'bulk',
          experienceTagIDs: i % 2 ? [tag.body.experienceTagID] : [],
        });
        assert.equal(a.status, 201);
      }
      const first = await call(s, 'GET', `projects/${DEMO}/experiences?pageSize=100`);
      assert.equal(first.body.experiences.length, 100);
      assert.equal(first.body.total, 254);
      assert.ok(first.body.nextPageToken);
      const all = await listAll(s, `projects/${DEMO}/experiences`, 'experiences', 100);
      assert.equal(all.items.length, 254);
      assert.equal(all.pages, 3);
      // Membership listings take `pageSize` (at most 100), not ListExperiences' pageSizeUnbounded.
      const taggedBig = await call(s, 'GET', `projects/${DEMO}/experienceTags/${tag.body.experienceTagID}/experiences?pageSize=500`);
      assert.equal(taggedBig.body.experiences.length, 100, 'pageSize above 100 is clamped to 100');
      assert.ok(taggedBig.body.nextPageToken);
      assert.equal(new Set(all.items.map((e) => e.experienceID)).size, 254, 'no repeats across pages');
      const byName = await listAll(s, `projects/${DEMO}/experiences?orderBy=name`, 'experiences', 7);
      const got = byName.items.map((e) => e.name);
      assert.equal(got.length, 254);
      assert.deepEqual(got, got.slice().sort());
      const tagged = await listAll(s, `projects/${DEMO}/experienceTags/${tag.body.experienceTagID}/experiences`, 'experiences', 30);
      assert.equal(tagged.items.length, 125);
      assert.equal(tagged.pages, 5);
    });

    it('ListExperiences honours a page size above 100 (pageSizeUnbounded); tag listings cap it at 100', async () => {
      const tag = await call(s, 'POST', `projects/${DEMO}/experienceTags`, { name: 'big-pages', description: '' });
      for (let i = 0; i < 120; i++) await call(s, 'POST', `projects/${DEMO}/experienceTags`, { name: `t-${i}`, description: '' });
      for (let i = 0; i < 260; i++) {
        await call(s, 'POST', `projects/${DEMO}/experiences`, {
          name: `big-${i}`,
          description: 'x',
          experienceTagIDs: [tag.body.experienceTagID],
        });
      }
      const total = (await call(s, 'GET', `projects/${DEMO}/experiences?pageSize=1`)).body.total;
      assert.ok(total >= 260);
      const big = await call(s, 'GET', `projects/${DEMO}/experiences?pageSize=1000`);
      assert.equal(big.body.experiences.length, total, 'one page holds them all');
      assert.equal(big.body.nextPageToken, '');
      const mid = await call(s, 'GET', `projects/${DEMO}/experiences?pageSize=150`);
      assert.equal(mid.body.experiences.length, 150);
      const rest = await call(s, 'GET', `projects/${DEMO}/experiences?pageSize=150&pageToken=${mid.body.nextPageToken}`);
      assert.equal(rest.body.experiences.length, total - 150);
      assert.equal(
        (await call(s, 'GET', `projects/${DEMO}/experienceTags/${tag.body.experienceTagID}/experiences?pageSize=1000`)).body.experiences
          .length,
        100,
      );
      assert.equal((await call(s, 'GET', `projects/${DEMO}/experienceTags?pageSize=1000`)).body.experienceTags.length, 100);
    });

    it('answers 400 for a garbled token, a token of another query, or a negative pageSize', async () => {
      await call(s, 'POST', `projects/${DEMO}/experiences`, { name: 'one-more', description: 'x' });
      const first = await call(s, 'GET', `projects/${DEMO}/experiences?pageSize=2`);
      const token = first.body.nextPageToken;
      assert.ok(token);
      assert.equal((await call(s, 'GET', `projects/${DEMO}/experiences?pageSize=2&pageToken=${token}`)).status, 200);
      assert.equal((await call(s, 'GET', `projects/${DEMO}/experiences?pageSize=2&pageToken=garbage`)).status, 400);
      assert.equal((await call(s, 'GET', `projects/${DEMO}/experiences?archived=true&pageToken=${token}`)).status, 400);
      assert.equal((await call(s, 'GET', `projects/${DEMO}/experiences?pageSize=-1`)).status, 400);
      assert.equal((await call(s, 'GET', `projects/${DEMO}/experiences?archived=maybe`)).status, 400);
    });
  });

  describe('routing', () => {
    it('answers 404 for unknown paths and 405 for a wrong method, with JSON bodies', async () => {
      const a = await call(s, 'GET', `projects/${DEMO}/widgets`);
      assert.equal(a.status, 404);
      assert.equal(typeof a.body.message, 'string');
      const b = await call(s, 'PUT', `projects/${DEMO}/experiences`, {});
      assert.equal(b.status, 405);
      assert.match(b.headers.get('allow') ?? '', /GET/);
      const c = await fetch(new URL('/elsewhere', s.url));
      assert.equal(c.status, 404);
    });
  });
});
