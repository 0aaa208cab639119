/**
 * The project view's requests (the extension's "ReSim Project" view and "Compare with Project").
 * Method names and shapes are declared here once; the client imports them.
 *
 * - `resim/projectItems` {@link ProjectItemsParams} → {@link ProjectItemsResult}: the project's
 *   experiences, tags, systems and test suites from the cached state of the config's project,
 *   each marked with what the config would do to it ({@link ProjectItemStatus}), a page at a
 *   time (`offset`, `limit` ≤ 1000) so that a project of 50,000 experiences is listed lazily.
 *   Without `kind` it answers only the groups and their counts.
 * - `resim/projectText` {uri} → {@link ProjectTextResult}: the project as it is now, written as
 *   a config by the clone code (sync/clone.ts), with the experiences in the order of the file
 *   (then the others by name), for a line-by-line diff against the file.
 *
 * Both read the server's cached state only (no API call); `problem` says why there is none.
 * The method names and shapes are in protocol/projectView.ts (no imports, so the extension's
 * bundle takes them without the server's code).
 */
import { LSPErrorCodes, ResponseError, type Connection, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { projectTextLike } from '../sync/compare';
import type { Analysis, Analyzer } from './analysis';
import { experienceUrl } from './markdown';
import {
  MAX_PAGE,
  PROJECT_ITEM_KINDS,
  ProjectViewMethods,
  type ProjectGroup,
  type ProjectItem,
  type ProjectItemKind,
  type ProjectItemStatus,
  type ProjectItemsParams,
  type ProjectItemsResult,
  type ProjectTextParams,
  type ProjectTextResult,
} from '../../../protocol';

export * from '../../../protocol';

const DEFAULT_PAGE = 200;

const cache = new WeakMap<Analysis, Record<ProjectItemKind, ProjectItem[]>>();

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Every item of the analysis' project, per kind, sorted by name (computed once per analysis). */
export function projectItems(a: Analysis): Record<ProjectItemKind, ProjectItem[]> | undefined {
  const state = a.snapshot?.state;
  if (!state) return undefined;
  const hit = cache.get(a);
  if (hit) return hit;
  const plan = a.plan;
  const cfg = a.loaded.config;
  const at = (path: (string | number)[]): { line?: number; character?: number } => {
    const r = a.loaded.rangeOf(path);
    return r ? { line: r.start.line, character: r.start.character } : {};
  };
  const pid = state.project.id;
  /** The experience's page in the ReSim app of this API (none for an API without a known app, e.g. the sandbox). */
  const urlOf = (id: string): { url?: string } => {
    const url = experienceUrl(a.settings.apiUrl, pid, id);
    return url ? { url } : {};
  };

  const experiences: ProjectItem[] = [];
  const seen = new Set<string>();
  for (const p of plan?.experiences ?? []) {
    if (p.experienceID) seen.add(p.experienceID);
    experiences.push({
      kind: 'experience',
      name: p.name,
      id: p.experienceID,
      status: p.action,
      ...(p.configIndex !== undefined ? at(['experiences', p.configIndex, 'name']) : {}),
      ...(p.experienceID ? urlOf(p.experienceID) : {}),
    });
  }
  for (const e of state.experiences) {
    if (e.archived || seen.has(e.experienceID)) continue;
    experiences.push({ kind: 'experience', name: e.name, id: e.experienceID, status: 'unmanaged', ...urlOf(e.experienceID) });
  }

  // Where the file names a tag or system first (managedExperienceTags, then the experiences).
  const firstUse = new Map<string, { line?: number; character?: number }>();
  const note = (key: string, path: (string | number)[]) => {
    if (!firstUse.has(key)) firstUse.set(key, at(path));
  };
  (cfg.managedExperienceTags ?? []).forEach((t, k) => note(`tag:${t}`, ['managedExperienceTags', k]));
  (cfg.experiences ?? []).forEach((e, i) => {
    (Array.isArray(e?.tags) ? e.tags : []).forEach((t, j) => note(`tag:${t}`, ['experiences', i, 'tags', j]));
    (Array.isArray(e?.systems) ? e.systems : []).forEach((s, j) => note(`system:${s}`, ['experiences', i, 'systems', j]));
  });
  const tagChange = new Map((plan?.tags ?? []).map((t) => [t.name, t.add.length + t.remove.length > 0]));
  const tags: ProjectItem[] = state.tags.map((t) => {
    const use = firstUse.get(`tag:${t.name}`);
    return { kind: 'tag', name: t.name, id: t.id, status: tagChange.get(t.name) ? 'update' : use ? 'unchanged' : 'unmanaged', ...use };
  });
  const systemChange = new Map((plan?.systems ?? []).map((s) => [s.name, s.add.length > 0]));
  const systems: ProjectItem[] = state.systems.map((s) => {
    const use = firstUse.get(`system:${s.name}`);
    return {
      kind: 'system',
      name: s.name,
      id: s.id,
      status: systemChange.get(s.name) ? 'update' : use ? 'unchanged' : 'unmanaged',
      ...use,
    };
  });
  const suiteIndex = new Map<string, number>();
  (cfg.managedTestSuites ?? []).forEach((s, i) => {
    if (s && !suiteIndex.has(s.name)) suiteIndex.set(s.name, i);
  });
  const suiteChange = new Map((plan?.testSuites ?? []).map((s) => [s.name, s.changed]));
  const testSuites: ProjectItem[] = state.testSuites.map((s) => {
    const i = suiteIndex.get(s.name);
    return {
      kind: 'testSuite',
      name: s.name,
      id: s.testSuiteID,
      status: suiteChange.get(s.name) ? 'update' : i !== undefined ? 'unchanged' : 'unmanaged',
      ...(i !== undefined ? at(['managedTestSuites', i, 'name']) : {}),
    };
  });
  const out = {
    experience: experiences.sort(byName),
    tag: tags.sort(byName),
    system: systems.sort(byName),
    testSuite: testSuites.sort(byName),
  };
  cache.set(a, out);
  return out;
}

function matches(item: ProjectItem, filter: string): boolean {
  return !filter || item.name.toLowerCase().includes(filter) || (item.id ?? '').toLowerCase().includes(filter);
}

/**
 * The last analysis of each document that had a plan, for the same project: its markers stand in
 * (marked out of date) while the document does not plan.
 */
const lastPlanned = new Map<string, Analysis>();

/** Forgets a closed document's last planned analysis. */
export function forgetProjectItems(uri: string): void {
  lastPlanned.delete(uri);
}

/** `resim/projectItems` for an analysis (no I/O). */
export function listProjectItems(current: Analysis, params: ProjectItemsParams): ProjectItemsResult {
  let a = current;
  let stale = false;
  if (current.plan) lastPlanned.set(current.uri, current);
  else {
    const last = lastPlanned.get(current.uri);
    if (last && current.snapshot?.state && last.snapshot?.key === current.snapshot.key) {
      a = last;
      stale = true;
    }
  }
  const all = projectItems(a);
  const state = a.snapshot?.state;
  const problem =
    a.snapshot?.problem?.message ??
    (state && !a.plan ? (a.planSkipped ?? 'The config has errors: statuses are not known.') : null) ??
    (state ? null : 'The project state is not available yet.');
  if (!all || !state) return { project: null, fetchedAt: null, problem, groups: [], items: [] };
  const filter = (params.filter ?? '').trim().toLowerCase();
  const groups: ProjectGroup[] = [];
  let items: ProjectItem[] = [];
  for (const kind of PROJECT_ITEM_KINDS) {
    const list = filter ? all[kind].filter((x) => matches(x, filter)) : all[kind];
    const counts: Partial<Record<ProjectItemStatus, number>> = {};
    for (const x of list) counts[x.status] = (counts[x.status] ?? 0) + 1;
    groups.push({ kind, total: list.length, counts });
    if (kind === params.kind) {
      const offset = Math.max(0, Math.floor(params.offset ?? 0));
      const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(params.limit ?? DEFAULT_PAGE)));
      items = list.slice(offset, offset + limit);
    }
  }
  if (stale) {
    const why = current.loaded.diagnostics.some((d) => d.code === 'yaml-syntax' || d.code === 'tab-indent')
      ? 'The config does not parse'
      : 'The config has errors';
    return {
      project: state.project,
      fetchedAt: state.fetchedAt,
      problem: `${why}: the markers are from its last version that did (out of date).`,
      stale: true,
      groups,
      items,
    };
  }
  return { project: state.project, fetchedAt: state.fetchedAt, problem: a.plan ? null : problem, groups, items };
}

/**
 * `resim/projectText` for an analysis: the cached state written as a config laid out like the
 * file (`projectTextLike`: its order of entries and of keys, its spelling, flow lists and
 * indentation; experiences matched by the plan), so that Compare reads line by line.
 */
export function projectText(a: Analysis): ProjectTextResult | undefined {
  const state = a.snapshot?.state;
  if (!state) return undefined;
  const matched = new Map<number, string>();
  for (const [i, p] of a.byIndex) if (p.experienceID) matched.set(i, p.experienceID);
  return { project: state.project, fetchedAt: state.fetchedAt, text: projectTextLike(state, a.loaded.text, matched) };
}

export interface ProjectViewDeps {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  analyzer: Analyzer;
}

async function analysisOf(deps: ProjectViewDeps, params: unknown): Promise<Analysis> {
  const uri = (params as { uri?: unknown } | null)?.uri;
  if (typeof uri !== 'string' || !uri) throw new ResponseError(LSPErrorCodes.RequestFailed, 'The request needs {uri} of an open config.');
  if (!deps.documents.get(uri)) throw new ResponseError(LSPErrorCodes.RequestFailed, `The document ${uri} is not open.`);
  const a = await deps.analyzer.current(uri);
  if (!a) throw new ResponseError(LSPErrorCodes.RequestFailed, `The document ${uri} is not a ReSim experience sync config.`);
  return a;
}

/** Registers `resim/projectItems` and `resim/projectText`. */
export function registerProjectView(deps: ProjectViewDeps): void {
  deps.documents.onDidClose((e) => forgetProjectItems(e.document.uri));
  deps.connection.onRequest(ProjectViewMethods.items, async (params: ProjectItemsParams) =>
    listProjectItems(await analysisOf(deps, params), params ?? { uri: '' }),
  );
  deps.connection.onRequest(ProjectViewMethods.text, async (params: ProjectTextParams) => {
    const a = await analysisOf(deps, params);
    const out = projectText(a);
    if (!out)
      throw new ResponseError(
        LSPErrorCodes.RequestFailed,
        a.snapshot?.problem?.message ?? `The state of project "${a.project}" is not available yet; refresh it first.`,
      );
    return out;
  });
}
