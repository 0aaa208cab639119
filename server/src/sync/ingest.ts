/**
 * Ingest: reads a project's state (the design doc's `getCurrentDatabaseState()`, the resim
 * CLI's `ingest.go`). Independent listings run concurrently (bounded by the API client's
 * concurrency limit), unlike the resim CLI's sequential listings inside each goroutine.
 *
 * Calls: ListExperiences (archived=false and =true, with custom fields), ListExperienceTags,
 * ListSystems, ListTestSuites, then per tag ListExperiencesWithExperienceTag and per system
 * ListExperiencesForSystem (archived=false and =true each, so restores know their tags).
 * Errors: rejects with the API client's `ApiError` of the first failed call.
 */
import type { ResimApi } from './port';
import type { MemberSet, ProjectState } from './model';

export interface IngestOptions {
  signal?: AbortSignal;
  /** Called as listings finish: `done` of `total` listing groups, with what just finished. */
  onProgress?: (done: number, total: number, message: string) => void;
  /** Clock for `fetchedAt` (tests). */
  now?: () => Date;
}

export async function ingest(api: ResimApi, project: { id: string; name: string }, opts: IngestOptions = {}): Promise<ProjectState> {
  const { signal } = opts;
  const pid = project.id;
  let done = 0;
  let total = 4;
  const tick =
    <T>(what: string) =>
    (v: T) => {
      done += 1;
      opts.onProgress?.(done, total, what);
      return v;
    };
  const both = async (f: (archived: boolean) => Promise<string[]>) => {
    const [a, b] = await Promise.all([f(false), f(true)]);
    return [...new Set([...a, ...b])];
  };
  const members = (
    sets: { id: string; name: string }[],
    list: (id: string, archived: boolean) => Promise<string[]>,
    what: string,
  ): Promise<MemberSet[]> =>
    Promise.all(
      sets.map(async (s) => ({
        id: s.id,
        name: s.name,
        experienceIDs: tick<string[]>(`${what} ${s.name}`)(await both((archived) => list(s.id, archived))),
      })),
    );

  const tagsP = api
    .listExperienceTags(pid, signal)
    .then(tick('tags'))
    .then((tags) => {
      total += tags.length;
      return members(
        tags.map((t) => ({ id: t.experienceTagID, name: t.name })),
        (id, a) => api.listExperienceIDsWithTag(pid, id, a, signal),
        'tag',
      );
    });
  const systemsP = api
    .listSystems(pid, signal)
    .then(tick('systems'))
    .then((systems) => {
      total += systems.length;
      return members(
        systems.map((s) => ({ id: s.systemID, name: s.name })),
        (id, a) => api.listExperienceIDsForSystem(pid, id, a, signal),
        'system',
      );
    });
  const experiencesP = Promise.all([api.listExperiences(pid, false, signal), api.listExperiences(pid, true, signal)]).then(
    tick('experiences'),
  );
  const suitesP = api.listTestSuites(pid, signal).then(tick('test suites'));

  const [[active, archived], tags, systems, testSuites] = await Promise.all([experiencesP, tagsP, systemsP, suitesP]);
  const seen = new Set<string>();
  const experiences = [...active, ...archived.map((e) => ({ ...e, archived: true }))].filter((e) => {
    if (seen.has(e.experienceID)) return false;
    seen.add(e.experienceID);
    return true;
  });
  return {
    project: { id: project.id, name: project.name },
    experiences: experiences.map((e) => ({ ...e, archived: Boolean(e.archived) })),
    tags,
    systems,
    testSuites: testSuites.filter((s) => !s.archived).map((s) => ({ ...s, experiences: s.experiences ?? [] })),
    fetchedAt: (opts.now ?? (() => new Date()))().toISOString(),
  };
}
