/**
 * The resim CLI's sync, replayed call for call against the same sandbox, as the anchor of the
 * ingest and apply benchmarks. Source: resim-ai/api-client, `cmd/resim/commands/sync/`:
 *
 * ingest.go, `getCurrentDatabaseState()`: four goroutines, each doing its listings one after
 * another, every listing paged with `PageSize: Ptr(100)` until the token is empty or a page is
 * empty:
 *   1. `getCurrentExperiencesByName`: `fetchAllExperiences(archived=false)` then
 *      `fetchAllExperiences(archived=true)` (ListExperiences with `OrderBy: "timestamp"`).
 *   2. `getCurrentTagSetsByName`: `fetchAllExperienceTags` (ListExperienceTags), then for each
 *      tag in turn ListExperiencesWithExperienceTag archived=false, then archived=true.
 *   3. `getCurrentSystemSetsByName`: `fetchAllSystems` (ListSystems), then for each system in
 *      turn ListExperiencesForSystem archived=false, then archived=true.
 *   4. `getCurrentTestSuitesIDsByName`: ListTestSuites.
 *
 * apply.go, `applyUpdates()`: phases run one after another, each over a pool of 16 workers
 * (`numWorkers := 16`, `runConcurrentUpdates`):
 *   1. "Create/Update Experiences": every match. New → CreateExperience with the fields but no
 *      tags or systems; matched → RestoreExperience if it was archived, then UpdateExperience
 *      with updateMask [name, description, locations, customFields] plus containerTimeoutSeconds,
 *      profile, environmentVariables, cacheExempt when the config sets them: one update per
 *      matched experience, whether or not anything changed. Those to archive are skipped here.
 *   2. "Update Test Suites": ReviseTestSuite for every managed suite (test_suites.go builds an
 *      update for each, changed or not).
 *   3. "Update Tags": per tag, one AddTagsToExperiences with its additions (tags.go: every tag of
 *      a new experience, and tags missing on a matched one), then each removal (managed tags) as
 *      its own RemoveExperienceTagFromExperience, concurrently.
 *   4. "Update Systems": per system, one AddSystemsToExperiences with its additions.
 *   5. `maybeArchiveExperiences`: one BulkArchiveExperiences with every experience to archive.
 * The CLI stops on the first error (log.Fatal / first failed phase); the replay does the same.
 */
import * as http from 'http';
import type { SyncConfig } from '../../server/src/config/model';

/** PageSize of every listing in ingest.go. */
export const REFERENCE_PAGE_SIZE = 100;
/** `numWorkers` of apply.go. */
export const REFERENCE_WORKERS = 16;

type Json = Record<string, unknown>;

/** A minimal JSON-over-HTTP client with keep-alive and unbounded connections, as Go's default transport. */
export class ReferenceHttp {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  calls = 0;
  constructor(
    private readonly baseUrl: string,
    private readonly token = 'reference-token',
  ) {}

  async request(
    method: string,
    path: string,
    query: Record<string, string | number | boolean> = {},
    body?: unknown,
  ): Promise<{ status: number; data: unknown }> {
    const url = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    this.calls += 1;
    return new Promise((resolve, reject) => {
      const req = http.request(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            Authorization: `Bearer ${this.token}`,
            Accept: 'application/json',
            ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let data: unknown;
            try {
              data = text ? JSON.parse(text) : undefined;
            } catch {
              data = text;
            }
            resolve({ status: res.statusCode ?? 0, data });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** `utils.ValidateResponse`: anything but the expected status is fatal. */
  async expect(
    status: number,
    method: string,
    path: string,
    query?: Record<string, string | number | boolean>,
    body?: unknown,
  ): Promise<unknown> {
    const r = await this.request(method, path, query, body);
    if (r.status !== status)
      throw new Error(`reference: ${method} ${path} answered ${r.status}, expected ${status}: ${JSON.stringify(r.data).slice(0, 200)}`);
    return r.data;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** One `fetchAll*` loop of ingest.go: pages of 100 until the token is empty or a page is empty. */
async function fetchAll<T>(
  h: ReferenceHttp,
  path: string,
  key: string,
  query: Record<string, string | number | boolean> = {},
): Promise<T[]> {
  const all: T[] = [];
  let pageToken: string | undefined;
  for (;;) {
    const q: Record<string, string | number | boolean> = { ...query, pageSize: REFERENCE_PAGE_SIZE };
    if (pageToken) q.pageToken = pageToken;
    const page = (await h.expect(200, 'GET', path, q)) as Json;
    pageToken = page.nextPageToken as string | undefined;
    const items = (page[key] as T[] | undefined) ?? [];
    if (!items.length) break;
    all.push(...items);
    if (!pageToken) break;
  }
  return all;
}

interface RefExperience {
  experienceID: string;
  name: string;
  archived: boolean;
}

/** ingest.go's `DatabaseState`. */
export interface ReferenceState {
  experiencesByName: Map<string, RefExperience>;
  tagSetsByName: Map<string, { id: string; experienceIDs: Set<string> }>;
  systemSetsByName: Map<string, { id: string; experienceIDs: Set<string> }>;
  testSuiteIDsByName: Map<string, string>;
}

/** ingest.go's `getCurrentDatabaseState()`, replayed: four concurrent sequences of listings. */
export async function referenceIngest(h: ReferenceHttp, projectID: string): Promise<ReferenceState> {
  const p = `projects/${projectID}`;
  const experiences = (async () => {
    const map = new Map<string, RefExperience>();
    const active = await fetchAll<RefExperience>(h, `${p}/experiences`, 'experiences', { archived: false, orderBy: 'timestamp' });
    const archived = await fetchAll<RefExperience>(h, `${p}/experiences`, 'experiences', { archived: true, orderBy: 'timestamp' });
    for (const e of [...active, ...archived])
      map.set(e.name, { experienceID: e.experienceID, name: e.name, archived: Boolean(e.archived) });
    return map;
  })();
  const memberSets = async (listPath: string, key: string, idKey: string, membersPath: (id: string) => string) => {
    const sets = new Map<string, { id: string; experienceIDs: Set<string> }>();
    for (const s of await fetchAll<Json>(h, listPath, key)) {
      const id = s[idKey] as string;
      const ids = new Set<string>();
      for (const archived of [false, true])
        for (const e of await fetchAll<RefExperience>(h, membersPath(id), 'experiences', { archived })) ids.add(e.experienceID);
      sets.set(s.name as string, { id, experienceIDs: ids });
    }
    return sets;
  };
  const tags = memberSets(`${p}/experienceTags`, 'experienceTags', 'experienceTagID', (id) => `${p}/experienceTags/${id}/experiences`);
  const systems = memberSets(`${p}/systems`, 'systems', 'systemID', (id) => `${p}/systems/${id}/experiences`);
  const suites = (async () => {
    const map = new Map<string, string>();
    for (const s of await fetchAll<Json>(h, `${p}/suites`, 'testSuites')) map.set(s.name as string, s.testSuiteID as string);
    return map;
  })();
  const [experiencesByName, tagSetsByName, systemSetsByName, testSuiteIDsByName] = await Promise.all([experiences, tags, systems, suites]);
  return { experiencesByName, tagSetsByName, systemSetsByName, testSuiteIDsByName };
}

/** `runConcurrentUpdates`: `workers` goroutines draining a channel of items; the first error fails the phase. */
async function pool<T>(items: T[], workers: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let firstErr: unknown;
  await Promise.all(
    Array.from({ length: Math.min(workers, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        try {
          await task(item);
        } catch (err) {
          firstErr ??= err;
        }
      }
    }),
  );
  if (firstErr) throw firstErr;
}

/**
 * The resim CLI's whole sync (ingest.go, experiences.go matching, tags.go, systems.go,
 * test_suites.go, apply.go) of `config` into the project, replayed. Returns when done.
 */
export async function referenceSync(
  h: ReferenceHttp,
  projectID: string,
  config: SyncConfig,
  opts: { archive: boolean } = { archive: true },
): Promise<void> {
  const state = await referenceIngest(h, projectID);
  const p = `projects/${projectID}`;
  // Matching (experiences.go): by name, else by experienceID; unmatched current ones are archived.
  const byID = new Map([...state.experiencesByName.values()].map((e) => [e.experienceID, e]));
  const matched = new Set<string>();
  type Match = { original?: RefExperience; cfg?: SyncConfig['experiences'][number]; archive: boolean; id?: string };
  const matches: Match[] = [];
  for (const cfg of config.experiences) {
    const original = state.experiencesByName.get(cfg.name) ?? (cfg.experienceID ? byID.get(cfg.experienceID) : undefined);
    if (original) matched.add(original.experienceID);
    matches.push({ original, cfg, archive: Boolean(cfg.archived), id: original?.experienceID });
  }
  if (opts.archive) {
    for (const e of state.experiencesByName.values())
      if (!e.archived && !matched.has(e.experienceID)) matches.push({ original: e, archive: true, id: e.experienceID });
  }

  // Phase 1: creates (without tags/systems) and one update per matched experience.
  await pool(matches, REFERENCE_WORKERS, async (m) => {
    if (m.archive || !m.cfg) return;
    const c = m.cfg;
    if (!m.original) {
      const created = (await h.expect(
        201,
        'POST',
        `${p}/experiences`,
        {},
        {
          name: c.name,
          description: c.description,
          locations: c.locations,
          containerTimeoutSeconds: c.containerTimeoutSeconds,
          profile: c.profile,
          environmentVariables: c.environmentVariables,
          cacheExempt: c.cacheExempt,
          customFields: c.customFields,
        },
      )) as Json;
      m.id = created.experienceID as string;
      return;
    }
    if (m.original.archived) await h.expect(204, 'POST', `${p}/experiences/${m.id}/restore`);
    const updateMask = ['name', 'description', 'locations', 'customFields'];
    if (c.containerTimeoutSeconds !== undefined) updateMask.push('containerTimeoutSeconds');
    if (c.profile !== undefined) updateMask.push('profile');
    if (c.environmentVariables !== undefined) updateMask.push('environmentVariables');
    if (c.cacheExempt !== undefined) updateMask.push('cacheExempt');
    await h.expect(
      200,
      'PATCH',
      `${p}/experiences/${m.id}`,
      {},
      {
        experience: {
          name: c.name,
          description: c.description,
          locations: c.locations,
          containerTimeoutSeconds: c.containerTimeoutSeconds,
          profile: c.profile,
          environmentVariables: c.environmentVariables,
          cacheExempt: c.cacheExempt,
          customFields: c.customFields ?? [],
        },
        updateMask,
      },
    );
  });

  // Phase 2: a revision per managed suite, every run.
  const idByName = new Map(matches.filter((m) => m.cfg).map((m) => [m.cfg!.name, m.id!]));
  await pool(config.managedTestSuites, REFERENCE_WORKERS, async (s) => {
    const suiteID = state.testSuiteIDsByName.get(s.name);
    if (!suiteID) throw new Error(`reference: test suite not found: ${s.name}`);
    await h.expect(200, 'PATCH', `${p}/suites/${suiteID}`, {}, { experiences: s.experiences.map((n) => idByName.get(n)) });
  });

  // Phase 3: tags (tags.go): additions batched per tag, removals one call each.
  const managed = new Set(config.managedExperienceTags);
  const tagUpdates = new Map<string, { id: string; add: string[]; remove: string[] }>();
  for (const [name, set] of state.tagSetsByName) tagUpdates.set(name, { id: set.id, add: [], remove: [] });
  for (const m of matches) {
    if (m.archive || !m.cfg) continue;
    for (const t of m.cfg.tags ?? []) {
      const u = tagUpdates.get(t);
      if (!u) throw new Error(`reference: non-existent tag: ${t}`);
      if (!m.original || !state.tagSetsByName.get(t)!.experienceIDs.has(m.original.experienceID)) u.add.push(m.id!);
    }
    if (!m.original) continue;
    for (const t of managed) {
      if (state.tagSetsByName.get(t)?.experienceIDs.has(m.original.experienceID) && !(m.cfg.tags ?? []).includes(t))
        tagUpdates.get(t)!.remove.push(m.id!);
    }
  }
  await pool([...tagUpdates.values()], REFERENCE_WORKERS, async (u) => {
    if (u.add.length)
      await h.expect(201, 'POST', `${p}/experienceTags/addExperiences`, {}, { experienceTagIDs: [u.id], experiences: u.add });
    await Promise.all(u.remove.map((id) => h.expect(204, 'DELETE', `${p}/experienceTags/${u.id}/experiences/${id}`)));
  });

  // Phase 4: systems (systems.go): additions batched per system; never removed.
  const systemUpdates = new Map<string, { id: string; add: string[] }>();
  for (const [name, set] of state.systemSetsByName) systemUpdates.set(name, { id: set.id, add: [] });
  for (const m of matches) {
    if (m.archive || !m.cfg) continue;
    for (const s of m.cfg.systems ?? []) {
      const u = systemUpdates.get(s);
      if (!u) throw new Error(`reference: non-existent system: ${s}`);
      if (!m.original || !state.systemSetsByName.get(s)!.experienceIDs.has(m.original.experienceID)) u.add.push(m.id!);
    }
  }
  await pool([...systemUpdates.values()], REFERENCE_WORKERS, async (u) => {
    if (u.add.length) await h.expect(201, 'POST', `${p}/systems/addExperiences`, {}, { systemIDs: [u.id], experiences: u.add });
  });

  // Phase 5: one bulk archive.
  const toArchive = matches.filter((m) => m.archive && m.id && !m.original?.archived).map((m) => m.id!);
  if (toArchive.length) await h.expect(200, 'POST', `${p}/experiences/archive`, {}, { experienceIDs: toArchive });
}
