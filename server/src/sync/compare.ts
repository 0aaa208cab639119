/**
 * The project side of "Compare with Project": the project's state written as a config laid out
 * like the config it is compared with, so that the diff reads line by line (an unchanged value is
 * an unchanged line):
 * - the config's leading comment lines (its `# resim-project:` link) head the text;
 * - the root keys, the experiences, the test suites and the managed tags come in the config's
 *   order (entries the config does not list follow, by name);
 * - within an experience or a suite the keys come in the config's order and spelling
 *   (`environment_variables` stays snake_case), the fields the config omits after them;
 * - lists of names (tags, systems, suite members, managed tags) keep the config's order for the
 *   names both hold; a list the config writes in flow style (`[a, b]`) is written so;
 * - the indentation is the config's (the indent of its first nested line, else 2).
 * The values are the project's (`stateToConfig`, the clone's rules). Experiences are matched to
 * config entries by the plan (`matched`: config index → experience ID).
 */
import { Document, isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { canonicalKey } from '../config/schema';
import { stateToConfig } from './clone';
import type { ProjectState } from './model';

/** The layout of one map of the config: its keys as spelled, in order, and which lists are flow. */
interface MapLayout {
  keys: string[];
  flow: Set<string>;
  /** For each list of scalars (canonical key): its items in order. */
  lists: Map<string, string[]>;
}

function mapLayout(node: unknown): MapLayout {
  const out: MapLayout = { keys: [], flow: new Set(), lists: new Map() };
  if (!isMap(node)) return out;
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined) continue;
    out.keys.push(key);
    const v = pair.value;
    if (isSeq(v)) {
      if (v.flow) out.flow.add(canonicalKey(key));
      out.lists.set(
        canonicalKey(key),
        v.items.map((i) => (isScalar(i) ? String(i.value) : '')),
      );
    }
  }
  return out;
}

/** `names` in the order of `like` for those it holds, the others after in their own order. */
function orderLike(names: readonly string[], like: readonly string[] | undefined): string[] {
  if (!like) return [...names];
  const rank = new Map(like.map((n, i) => [n, i]));
  return [...names].sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity));
}

/** A plain map with `value`'s keys in the layout's order and spelling, the others after. */
function arrange(value: Record<string, unknown>, layout: MapLayout | undefined, reorder: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const done = new Set<string>();
  for (const spelled of layout?.keys ?? []) {
    const key = canonicalKey(spelled);
    if (!(key in value) || done.has(key)) continue;
    let v = value[key];
    if (Array.isArray(v) && reorder.includes(key)) v = orderLike(v as string[], layout?.lists.get(key));
    out[spelled] = v;
    done.add(key);
  }
  for (const [key, v] of Object.entries(value)) if (!done.has(key)) out[key] = v;
  return out;
}

function setFlow(node: unknown, layout: MapLayout | undefined): void {
  if (!layout || !isMap(node)) return;
  for (const pair of (node as YAMLMap).items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (layout.flow.has(canonicalKey(key)) && isSeq(pair.value)) (pair.value as YAMLSeq).flow = true;
  }
}

/** The indentation of the config: the indent of its first nested line, else 2. */
function indentOf(text: string): number {
  const m = /\n( +)\S/.exec(text);
  const n = m ? m[1].length : 2;
  return n >= 1 && n <= 8 ? n : 2;
}

/**
 * The project text for Compare with Project (see the module comment).
 * `matched`: the experience ID matched to each config entry (by config index), from the plan.
 */
export function projectTextLike(state: ProjectState, configText: string, matched: ReadonlyMap<number, string>): string {
  const doc = parseDocument(configText);
  const root = doc.contents;
  const rootLayout = mapLayout(root);
  const rootSeq = (key: string): unknown[] => {
    if (!isMap(root)) return [];
    const pair = root.items.find((p) => isScalar(p.key) && canonicalKey(String(p.key.value)) === key);
    return isSeq(pair?.value) ? pair.value.items : [];
  };
  const expItems = rootSeq('experiences');
  const suiteItems = rootSeq('managedTestSuites');

  // The experiences in the config's order (by the plan's match), the others by name.
  const order = [...matched].sort((a, b) => a[0] - b[0]).map(([, id]) => id);
  const { config } = stateToConfig(state, { order });
  const layoutOfID = new Map<string, MapLayout>();
  for (const [i, id] of matched) layoutOfID.set(id, mapLayout(expItems[i]));
  const suiteLayouts = new Map<string, MapLayout>();
  for (const item of suiteItems) {
    const l = mapLayout(item);
    const name = isMap(item) ? item.items.find((p) => isScalar(p.key) && p.key.value === 'name')?.value : undefined;
    if (isScalar(name)) suiteLayouts.set(String(name.value), l);
  }
  const suiteRank = new Map([...suiteLayouts.keys()].map((n, i) => [n, i]));

  const experiences = config.experiences.map((e) =>
    arrange(e as unknown as Record<string, unknown>, e.experienceID ? layoutOfID.get(e.experienceID) : undefined, ['tags', 'systems']),
  );
  const suites = [...config.managedTestSuites]
    .sort((a, b) => (suiteRank.get(a.name) ?? Infinity) - (suiteRank.get(b.name) ?? Infinity))
    .map((s) => arrange(s as unknown as Record<string, unknown>, suiteLayouts.get(s.name), ['experiences']));
  const managedTags = orderLike(config.managedExperienceTags ?? [], rootLayout.lists.get('managedExperienceTags'));
  const data = arrange({ experiences, managedTestSuites: suites, managedExperienceTags: managedTags }, rootLayout, []);

  const out = new Document(data);
  if (isMap(out.contents)) {
    for (const pair of out.contents.items) {
      const key = canonicalKey(isScalar(pair.key) ? String(pair.key.value) : String(pair.key));
      if (rootLayout.flow.has(key) && isSeq(pair.value)) (pair.value as YAMLSeq).flow = true;
      if (!isSeq(pair.value)) continue;
      const items = (pair.value as YAMLSeq).items as Node[];
      if (key === 'experiences')
        items.forEach((n, i) => {
          const id = config.experiences[i]?.experienceID;
          setFlow(n, id ? layoutOfID.get(id) : undefined);
        });
      if (key === 'managedTestSuites')
        items.forEach((n, i) => setFlow(n, suiteLayouts.get(String((suites[i] as { name?: unknown }).name))));
    }
  }
  const header = /^(?:[ \t]*#[^\n]*\n)*/.exec(configText)![0];
  const body = out.toString({ indent: indentOf(configText), indentSeq: true, lineWidth: 0, flowCollectionPadding: false });
  return `${header}${body}`;
}
