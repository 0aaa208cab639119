/**
 * The plan as GitHub-flavoured Markdown, for a pull-request or merge-request comment and a CI
 * run's summary (`resim-sync preview --format markdown`, the GitHub Action, the GitLab template:
 * docs/ci.md). One renderer over the one plan, beside the text and JSON of `render.ts`; it
 * decides nothing.
 *
 * Names and values come from the project and the config (anyone with access sets them), so they
 * are data, never markup: every one is written as a code span (`mdCode`, security/markdown.ts),
 * with its control, bidirectional and invisible characters as visible escapes. Inside a code
 * span GitHub makes no element, link, autolink or @-mention, so a name like `@org/everyone`,
 * `<img src=x onerror=alert(1)>` or `[x](javascript:alert(1))` shows as the literal text.
 *
 * The whole stays under GitHub's comment limit (65,536 characters): a value longer than
 * `MAX_VALUE_CHARS` is cut, and when the sections still do not fit, the rest is left out with a
 * line saying how much and where the full plan is (`MarkdownContext.fullPlanAt`). The first line
 * is a hidden marker (`planMarker`) naming the project and the config, by which a bot finds its
 * own comment to update it in place.
 */
import type { Plan } from './model';
import { planToJson } from './render';
import { ACTION_SYMBOL, isNoOp, summaryLine, type ExperienceAction, type PlanJson, type PlanJsonExperience } from '../../../protocol';
import { mdCode, mdValue as mdValueCut } from '../security/markdown';

/** A field value as a code span, cut after `MAX_VALUE_CHARS`. */
const mdValue = (v: unknown) => mdValueCut(v, MAX_VALUE_CHARS);

/** GitHub's limit of an issue or pull-request comment body, in characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** A value (a field's before or after) longer than this many characters is cut in the Markdown. */
export const MAX_VALUE_CHARS = 300;
/** A warning or message longer than this many characters is cut. */
export const MAX_MESSAGE_CHARS = 2000;
/** A tag, system or test suite lists at most this many members in the Markdown, then how many more. */
export const MAX_MEMBERS = 100;
/** A section with more entries than this folds into `<details>`. */
export const FOLD_AFTER = 10;

export interface MarkdownContext {
  /** The config file as the reader knows it (a path in the repository). Shown, and named in the marker. */
  configFile: string;
  /** The heading's words (program text, not data), default "ReSim sync plan". */
  title?: string;
  /** Where the full plan is when something is left out (e.g. "the plan file `plan.json` of this run"); Markdown, program text. */
  fullPlanAt?: string;
  /** Character limit of the result (default `GITHUB_COMMENT_LIMIT`). */
  maxChars?: number;
  /** Markdown lines (program text) added after the counts, e.g. the result of an apply. */
  notes?: string[];
}

/** The prefix of the hidden marker line; `planMarker` gives the whole line. */
export const PLAN_MARKER_PREFIX = '<!-- resim-sync-plan ';

/**
 * The hidden first line of a plan comment: `<!-- resim-sync-plan project=<id> config=<path> -->`,
 * both URI-encoded (so neither can close the comment). A bot updates the comment that starts with
 * the same line instead of adding a second one.
 */
export function planMarker(projectId: string, configFile: string): string {
  return `${PLAN_MARKER_PREFIX}project=${encodeURIComponent(projectId)} config=${encodeURIComponent(configFile)} -->`;
}

const HEADINGS: Record<Exclude<ExperienceAction, 'unchanged'>, string> = {
  create: 'Create',
  update: 'Update',
  restore: 'Restore',
  archive: 'Archive',
};

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function experienceItem(e: PlanJsonExperience): string {
  const how =
    e.previousName !== undefined
      ? ` (renamed from ${mdCode(e.previousName)}, matched by ID)`
      : e.thenArchive
        ? ' (then archived: the entry says `archived: true`)'
        : e.experienceID
          ? ` (${mdCode(e.experienceID)})`
          : '';
  const lines = [`- ${mdCode(e.name)}${how}`];
  for (const ch of e.changes)
    lines.push(
      e.action === 'create'
        ? `  - ${mdCode(ch.field)}: ${mdValue(ch.after)}`
        : `  - ${mdCode(ch.field)}: ${mdValue(ch.before)} → ${mdValue(ch.after)}`,
    );
  return lines.join('\n');
}

interface Section {
  heading: string;
  /** What one entry is, for "N … left out" (singular, plural). */
  unit: [string, string];
  /** How many entries; each is rendered only if it fits (a plan of 50,000 renders the few hundred shown). */
  size: number;
  render: (i: number) => string;
}

/** Member lines (`+`/`−` and a name) of a tag, system or suite, at most `MAX_MEMBERS`, then how many more. */
function memberLines(sign: string, names: string[]): string[] {
  const lines = names.slice(0, MAX_MEMBERS).map((n) => `  - ${sign} ${mdCode(n)}`);
  if (names.length > MAX_MEMBERS) lines.push(`  - *… and ${names.length - MAX_MEMBERS} more*`);
  return lines;
}

function section(heading: string, unit: [string, string], items: readonly unknown[], render: (i: number) => string): Section[] {
  return items.length ? [{ heading: `${heading} (${items.length})`, unit, size: items.length, render }] : [];
}

function sectionsOf(plan: PlanJson): Section[] {
  const sections: Section[] = [];
  for (const action of ['create', 'update', 'restore', 'archive'] as const) {
    const list = plan.experiences.filter((e) => e.action === action);
    sections.push(
      ...section(`${ACTION_SYMBOL[action]} ${HEADINGS[action]}`, ['experience', 'experiences'], list, (i) => experienceItem(list[i]!)),
    );
  }
  const { tags, systems } = plan;
  sections.push(
    ...section('Tags', ['tag', 'tags'], tags, (i) =>
      [`- tag ${mdCode(tags[i]!.name)}`, ...memberLines('\\+', tags[i]!.add), ...memberLines('−', tags[i]!.remove)].join('\n'),
    ),
  );
  sections.push(
    ...section('Systems', ['system', 'systems'], systems, (i) =>
      [`- system ${mdCode(systems[i]!.name)}`, ...memberLines('\\+', systems[i]!.add)].join('\n'),
    ),
  );
  const suites = plan.testSuites.filter((s) => s.changed);
  sections.push(
    ...section('Test suites', ['test suite', 'test suites'], suites, (i) => {
      const s = suites[i]!;
      const before = new Set(s.before);
      const after = new Set(s.after);
      return [
        `- test suite ${mdCode(s.name)}: new revision with ${count(s.after.length, 'experience')}`,
        ...memberLines(
          '\\+',
          s.after.filter((n) => !before.has(n)),
        ),
        ...memberLines(
          '−',
          s.before.filter((n) => !after.has(n)),
        ),
      ].join('\n');
    }),
  );
  return sections;
}

function countsTable(plan: PlanJson): string {
  const s = plan.summary;
  const rows: [string, number][] = [
    [`${ACTION_SYMBOL.create} create`, s.create],
    [`${ACTION_SYMBOL.update} update`, s.update],
    [`${ACTION_SYMBOL.restore} restore`, s.restore],
    [`${ACTION_SYMBOL.archive} archive`, s.archive],
    [`${ACTION_SYMBOL.unchanged} unchanged`, s.unchanged],
    ['tag additions', s.tagAdditions],
    ['tag removals', s.tagRemovals],
    ['system additions', s.systemAdditions],
    ['test suite revisions', s.testSuiteRevisions],
  ];
  // `\+`, `\-`: a cell that starts with + or - is text, not a list.
  return ['| change | count |', '|---|---:|', ...rows.map(([k, n]) => `| ${k.replace(/^([+-])/, '\\$1')} | ${n} |`)].join('\n');
}

/**
 * The plan (the engine's `Plan`, or its JSON form `PlanJson` of docs/plan-format.md) as
 * GitHub-flavoured Markdown of at most `context.maxChars` characters (default 65,536): the
 * marker line, the project and the config, a table of counts, the mass-archive guard as a
 * warning callout, one section per action (experiences with each field's before → after, then
 * tags, systems, test suites; folded in `<details>` past `FOLD_AFTER` entries) and the warnings.
 * What does not fit is left out with a line saying how many entries and where the full plan is.
 */
export function renderPlanMarkdown(plan: Plan | PlanJson, context: MarkdownContext): string {
  const json: PlanJson = 'notices' in plan ? planToJson(plan) : plan;
  const limit = context.maxChars ?? GITHUB_COMMENT_LIMIT;
  const head: string[] = [
    planMarker(json.project.id, context.configFile),
    `## ${context.title ?? 'ReSim sync plan'}: project ${mdCode(json.project.name)}`,
    '',
    `Config ${mdCode(context.configFile)} · project ID ${mdCode(json.project.id)}${json.archiveUnlisted ? '' : ' · unlisted experiences are kept (no archive)'}`,
    '',
    `**${summaryLine(json.summary)}**`,
    '',
  ];
  if (!isNoOp(json.summary)) head.push(countsTable(json), '');
  for (const note of context.notes ?? []) head.push(note, '');
  if (json.massArchive.tripped)
    head.push(
      '> [!WARNING]',
      `> **Mass archive.** This plan archives ${json.massArchive.archiveCount} of ${json.massArchive.activeCount} active experiences (threshold ${json.massArchive.threshold}). Apply refuses it unless mass archives are allowed (\`allow-mass-archive\`; \`--allow-mass-archive\` on the command line).`,
      '',
    );

  const tail: string[] = [];
  if (json.warnings.length) {
    tail.push('### Warnings', '');
    for (const w of json.warnings) tail.push(`- ${mdCode(w, MAX_MESSAGE_CHARS)}`);
    tail.push('');
  }

  const sections = sectionsOf(json);
  const leftOutLine = (n: number, unit: [string, string]) =>
    `*${n} ${n === 1 ? unit[0] : unit[1]} left out to stay under the comment limit; the full plan is in ${context.fullPlanAt ?? 'the output of `resim-sync preview --format json`'}.*`;
  // Room for the left-out lines of every section, then the sections in order until the budget is spent.
  const reserve = sections.length * 400 + 200;
  let used = head.join('\n').length + tail.join('\n').length + reserve;
  const tailWarnings = used > limit; // even the warnings do not fit: drop them and say so
  if (tailWarnings) {
    used -= tail.join('\n').length;
    tail.length = 0;
    tail.push(`*${count(json.warnings.length, 'warning')} left out to stay under the comment limit.*`, '');
  }
  const body: string[] = [];
  let full = false;
  for (const s of sections) {
    const kept: string[] = [];
    for (let i = 0; i < s.size && !full; i++) {
      const item = s.render(i);
      if (used + item.length + 1 > limit) full = true;
      else {
        kept.push(item);
        used += item.length + 1;
      }
    }
    body.push(`### ${s.heading}`, '');
    const fold = s.size > FOLD_AFTER;
    if (fold) body.push('<details>', `<summary>${count(s.size, s.unit[0], s.unit[1])}</summary>`, '');
    if (kept.length) body.push(...kept, '');
    if (kept.length < s.size) body.push(leftOutLine(s.size - kept.length, s.unit), '');
    if (fold) body.push('</details>', '');
  }
  return [...head, ...body, ...tail].join('\n').replace(/\n+$/, '\n');
}
