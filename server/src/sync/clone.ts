/**
 * Clone: writes a project's state as a sync config (the resim CLI's `--clone`), extended as
 * docs/sync-rules.md says so that clone → preview says "No changes":
 * - unarchived experiences, sorted by name, with their experienceID, every field that is set,
 *   their tags and systems;
 * - every project tag as `managedExperienceTags`;
 * - the test suites with their members (a suite holding an archived experience cannot be
 *   expressed in a config, so it is left out with a comment saying why).
 * The first line links the file to the project: `# resim-project: <name>`, or the project's ID
 * when the name would not read back as exactly this project (see `projectCommentValue`). Every
 * name written into a comment is quoted with visible escapes (security/text.ts `quote`), so a
 * name holding a newline cannot end the comment and inject YAML (docs/security.md).
 */
import { stringify } from 'yaml';
import { hasUnsafeCharacters, quote } from '../security/text';
import type { ConfigExperience, ConfigTestSuite, SyncConfig } from '../config/model';
import type { ProjectState } from './model';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What the clone's first line `# resim-project: <value>` names: the project's name when a
 * reader of that line gets exactly this project back (one line, no control, bidirectional or
 * invisible character, no surrounding spaces, not a UUID, which would be read as a project ID),
 * else the project's ID.
 */
export function projectCommentValue(project: { id: string; name: string }): string {
  const n = project.name;
  const safe = n !== '' && n === n.trim() && !hasUnsafeCharacters(n) && !UUID_RE.test(n);
  return safe ? n : project.id;
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Options of the clone. `order`: experience IDs to write first, in this order (e.g. the order of
 * an existing config, so that a diff against it lines up); the others follow by name.
 */
export interface CloneOptions {
  order?: readonly string[];
}

/** The config that describes `state` exactly (plain data; see `cloneConfig` for the text). */
export function stateToConfig(state: ProjectState, opts: CloneOptions = {}): { config: SyncConfig; skippedSuites: string[] } {
  const tagsOf = new Map<string, string[]>();
  const systemsOf = new Map<string, string[]>();
  const collect = (into: Map<string, string[]>, sets: { name: string; experienceIDs: string[] }[]) => {
    for (const s of sets) for (const id of s.experienceIDs) into.set(id, [...(into.get(id) ?? []), s.name]);
  };
  collect(tagsOf, state.tags);
  collect(systemsOf, state.systems);

  const rank = new Map((opts.order ?? []).map((id, i) => [id, i]));
  const active = state.experiences
    .filter((e) => !e.archived)
    .sort((a, b) => (rank.get(a.experienceID) ?? Infinity) - (rank.get(b.experienceID) ?? Infinity) || byName(a, b));
  const experiences: ConfigExperience[] = active.map((e) => {
    const out: ConfigExperience = {
      name: e.name,
      experienceID: e.experienceID,
      description: e.description ?? '',
      locations: [...(e.locations ?? [])],
    };
    if (e.profile) out.profile = e.profile;
    if (e.environmentVariables?.length) out.environmentVariables = e.environmentVariables.map((v) => ({ name: v.name, value: v.value }));
    if (e.cacheExempt) out.cacheExempt = true;
    if (e.containerTimeoutSeconds) out.containerTimeoutSeconds = e.containerTimeoutSeconds;
    if (e.customFields?.length) out.customFields = e.customFields.map((f) => ({ name: f.name, type: f.type, values: [...f.values] }));
    const tags = tagsOf.get(e.experienceID);
    if (tags?.length) out.tags = [...tags].sort();
    const systems = systemsOf.get(e.experienceID);
    if (systems?.length) out.systems = [...systems].sort();
    return out;
  });

  const nameOf = new Map(state.experiences.map((e) => [e.experienceID, e]));
  const managedTestSuites: ConfigTestSuite[] = [];
  const skippedSuites: string[] = [];
  for (const s of [...state.testSuites].sort(byName)) {
    const members = s.experiences.map((id) => nameOf.get(id));
    if (members.some((m) => !m || m.archived)) {
      skippedSuites.push(s.name);
      continue;
    }
    managedTestSuites.push({ name: s.name, experiences: members.map((m) => m!.name) });
  }
  return {
    config: { experiences, managedTestSuites, managedExperienceTags: state.tags.map((t) => t.name).sort() },
    skippedSuites,
  };
}

/** The config text of a clone, starting with `# resim-project: <project name or ID>`. */
export function cloneConfig(state: ProjectState, opts: CloneOptions = {}): string {
  const { config, skippedSuites } = stateToConfig(state, opts);
  const header = [
    `# resim-project: ${projectCommentValue(state.project)}`,
    `# Cloned from ReSim project ${quote(state.project.name)} (${state.project.id}) by resim-sync.`,
    '# Preview before you apply: unlisted experiences are archived by a sync.',
  ];
  for (const s of skippedSuites)
    header.push(`# Test suite ${quote(s)} is not managed here: it holds archived experiences, which a config cannot list.`);
  const body = stringify(
    { experiences: config.experiences, managedTestSuites: config.managedTestSuites, managedExperienceTags: config.managedExperienceTags },
    { lineWidth: 0, indentSeq: true },
  );
  return `${header.join('\n')}\n${body}`;
}
