/**
 * In-process fixtures for the language server's features (server/src/lsp/), as
 * yaml-language-server tests its hover and completion: a config text with a caret marker `‸`
 * where the request is made, a project state built here, and the `Analysis` the server would
 * cache for them (loadConfig + computePlan, no process, no network).
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position } from 'vscode-languageserver';
import { loadConfig } from '../../../server/src/config';
import type { Analysis } from '../../../server/src/lsp/analysis';
import { normalizeSettings } from '../../../server/src/lsp/settings';
import type { Experience } from '../../../server/src/resim/model';
import type { ProjectState } from '../../../server/src/sync/model';
import { computePlan } from '../../../server/src/sync/plan';

/** The caret marker of the fixtures. */
export const CARET = '‸';

/** The text without its caret, and the caret's position (0-based line and UTF-16 character). */
export function caret(marked: string): { text: string; pos: Position } {
  const i = marked.indexOf(CARET);
  if (i < 0 || marked.indexOf(CARET, i + 1) >= 0) throw new Error('a fixture holds exactly one caret');
  const text = marked.slice(0, i) + marked.slice(i + CARET.length);
  const before = text.slice(0, i);
  const line = before.split('\n').length - 1;
  return { text, pos: { line, character: i - (before.lastIndexOf('\n') + 1) } };
}

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function exp(n: number, name: string, over: Partial<Experience> = {}): Experience {
  return { experienceID: ID(n), name, description: `about ${name}`, locations: [`s3://bucket/${name}`], archived: false, ...over };
}

/**
 * Project "demo": experiences alpha (tag regression, system drone), beta (archived), gamma;
 * tags regression and nightly; systems drone and rover; the test suite smoke holding alpha.
 */
export function demoState(): ProjectState {
  return {
    project: { id: 'p-demo', name: 'demo' },
    experiences: [exp(1, 'alpha'), exp(2, 'beta', { archived: true }), exp(3, 'gamma')],
    tags: [
      { id: 't-regression', name: 'regression', experienceIDs: [ID(1)] },
      { id: 't-nightly', name: 'nightly', experienceIDs: [] },
    ],
    systems: [
      { id: 's-drone', name: 'drone', experienceIDs: [ID(1)] },
      { id: 's-rover', name: 'rover', experienceIDs: [] },
    ],
    testSuites: [{ testSuiteID: 'ts-smoke', name: 'smoke', experiences: [ID(1)] }],
    fetchedAt: '2026-01-01T00:00:00.000Z',
  };
}

/** The analysis the server caches for `text` against `state` (no state: offline, no plan). */
export function analysisOf(
  text: string,
  state: ProjectState | undefined = demoState(),
  uri = 'file:///ws/demo.experiences.yaml',
): Analysis {
  const loaded = loadConfig(text);
  const settings = normalizeSettings({ project: 'demo' }, {});
  const a: Analysis = { uri, version: 1, loaded, settings, project: 'demo', key: 'k', byIndex: new Map() };
  if (!state) return a;
  a.snapshot = { key: 'k', apiUrl: settings.apiUrl, project: 'demo', state, loading: false };
  if (loaded.diagnostics.some((d) => d.code === 'yaml-syntax' || d.code === 'tab-indent')) return a;
  a.plan = computePlan(loaded.config, state, { archiveUnlisted: settings.archiveUnlisted });
  for (const e of a.plan.experiences) if (e.configIndex !== undefined) a.byIndex.set(e.configIndex, e);
  return a;
}

/** An open document of `text` (version 1), as `TextDocuments` holds it. */
export function documentOf(text: string, uri = 'file:///ws/demo.experiences.yaml'): TextDocument {
  return TextDocument.create(uri, 'resim-experiences', 1, text);
}

/** The config used by most feature tests; `‸` marks nothing here (tests add their own caret). */
export const CONFIG = `# resim-project: demo
experiences:
  - name: alpha
    description: changed description
    locations: [s3://bucket/alpha]
    tags: [regression]
    systems: [drone]
  - name: beta
    description: about beta
    locations: [s3://bucket/beta]
  - name: delta
    description: new one
    locations: [s3://bucket/delta]
    tags: [nightly]
managedTestSuites:
  - name: smoke
    experiences: [alpha, delta]
managedExperienceTags: [regression, nightly]
`;

/** `CONFIG` with a caret inserted before the `nth` occurrence of `needle`, plus `delta` characters. */
export function at(needle: string, delta = 0, nth = 0, text = CONFIG): string {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`"${needle}" #${nth} not in the fixture`);
  }
  i += delta;
  return text.slice(0, i) + CARET + text.slice(i);
}
