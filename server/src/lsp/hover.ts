/**
 * Hover (docs/architecture.md, "Hover"): on an experience entry, what sync will do with it (matched
 * experience ID, matched by name / ID / new, the action, the changed fields before → after,
 * a link to it in the ReSim app); on a tag, system or test suite name, its ID and members; on a
 * key (`profile:`, `managedTestSuites:`…), what the field means: its type and description from
 * the schema (`schema/experience-sync.schema.json`).
 *
 * Reads only the cached analysis (the last `LoadedConfig` and `Plan`): it never parses or
 * plans, so it answers at once even while a large file is being validated.
 */
import { MarkupKind, type Hover, type Position, type Range } from 'vscode-languageserver';
import type { ConfigPath } from '../config/model';
import type { PlannedExperience, ProjectState } from '../sync/model';
import type { Analysis } from './analysis';
import { keySchemaAt } from './completion';
import { experienceUrl, md, mdCode, mdLink, mdValue } from './markdown';

const ACTION_TITLE: Record<PlannedExperience['action'], string> = {
  create: '+ create',
  update: '~ update',
  restore: '↺ restore',
  archive: '- archive',
  unchanged: '✓ unchanged',
};

/** The hover at `pos`, or null when there is nothing to say. */
export function hoverAt(a: Analysis, pos: Position): Hover | null {
  let path: ConfigPath | undefined;
  try {
    path = a.loaded.pathAt(pos);
  } catch {
    return null;
  }
  if (!path || !path.length) return null;
  const onKey = keyHover(a, path, pos);
  if (onKey) return onKey;
  const value = contentOf(a, path);
  if (value === null) return null;
  let range;
  try {
    range = a.loaded.rangeOf(path);
  } catch {
    range = undefined;
  }
  return { contents: { kind: MarkupKind.Markdown, value }, ...(range ? { range } : {}) };
}

/** On a key: the field's documentation from the schema (null when `pos` is not on a key the schema knows). */
function keyHover(a: Analysis, path: ConfigPath, pos: Position): Hover | null {
  const field = path[path.length - 1];
  if (typeof field !== 'string') return null;
  let range;
  try {
    range = a.loaded.rangeOf(path, 'key');
  } catch {
    return null;
  }
  if (!range || !within(range, pos)) return null;
  const s = keySchemaAt(path);
  if (!s?.description) return null;
  const value = `**${mdCode(field)}**${s.type ? ` · ${s.type}` : ''}\n\n${s.description}`;
  return { contents: { kind: MarkupKind.Markdown, value }, range };
}

function within(r: Range, p: Position): boolean {
  const after = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const before = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return after && before;
}

function contentOf(a: Analysis, path: ConfigPath): string | null {
  const cfg = a.loaded.config;
  const [top, i, field, j] = path;
  if (top === 'experiences' && typeof i === 'number') {
    if (field === 'tags' && typeof j === 'number') return tagHover(a, strAt(cfg.experiences?.[i]?.tags, j));
    if (field === 'systems' && typeof j === 'number') return systemHover(a, strAt(cfg.experiences?.[i]?.systems, j));
    return experienceHover(a, i);
  }
  if (top === 'managedExperienceTags' && typeof i === 'number') return tagHover(a, strAt(cfg.managedExperienceTags, i));
  if (top === 'managedTestSuites' && typeof i === 'number') {
    if (field === 'experiences' && typeof j === 'number') {
      const name = strAt(cfg.managedTestSuites?.[i]?.experiences, j);
      const index = name === undefined ? -1 : (cfg.experiences ?? []).findIndex((e) => e?.name === name);
      if (index >= 0) return experienceHover(a, index);
      return name === undefined ? null : `**Experience** ${mdCode(name)}\n\nNot in this config's \`experiences\`.`;
    }
    return suiteHover(a, strAt([cfg.managedTestSuites?.[i]?.name], 0));
  }
  return null;
}

function strAt(list: unknown, i: number): string | undefined {
  const v = Array.isArray(list) ? list[i] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** Why there is no live information, as a hover line. */
function noState(a: Analysis): string {
  if (a.snapshot?.problem) return md(a.snapshot.problem.message, 500);
  if (a.planSkipped) return md(a.planSkipped, 500);
  if (a.snapshot?.state) return '';
  return '*Reading the project…*';
}

function experienceHover(a: Analysis, index: number): string {
  const cfg = a.loaded.config.experiences?.[index];
  const name = typeof cfg?.name === 'string' ? cfg.name : `#${index + 1}`;
  const lines = [`**Experience** ${mdCode(name)}`, ''];
  const p = a.plan?.experiences && a.byIndex.get(index);
  if (!a.plan || !p) {
    const why = noState(a);
    lines.push(why || 'Not part of the plan (the entry has errors).');
    return lines.join('\n');
  }
  lines.push(`**${ACTION_TITLE[p.action]}**`, '');
  if (p.matchedBy === 'name') lines.push(`Matched by name to ${mdCode(p.experienceID ?? '')}`);
  else if (p.matchedBy === 'id')
    lines.push(
      `Matched by ID to ${mdCode(p.experienceID ?? '')}${p.previousName !== undefined ? ` (renamed from ${mdCode(p.previousName)})` : ''}`,
    );
  else lines.push('New: no experience of the project matches; sync creates it.');
  if (p.changes.length) {
    lines.push('', p.action === 'create' ? 'Fields:' : 'Changes:', '');
    for (const c of p.changes.slice(0, 30)) {
      lines.push(
        p.action === 'create'
          ? `- ${mdCode(c.field)}: ${mdValue(c.after)}`
          : `- ${mdCode(c.field)}: ${mdValue(c.before)} → ${mdValue(c.after)}`,
      );
    }
    if (p.changes.length > 30) lines.push(`- … ${p.changes.length - 30} more`);
  }
  const link = p.experienceID ? experienceUrl(a.settings.apiUrl, a.plan.project.id, p.experienceID) : undefined;
  if (link) lines.push('', mdLink('Open in ReSim', link));
  return lines.join('\n');
}

function memberLine(state: ProjectState, ids: readonly string[]): string {
  const archived = new Set(state.experiences.filter((e) => e.archived).map((e) => e.experienceID));
  const n = ids.filter((id) => archived.has(id)).length;
  return `${ids.length} experience${ids.length === 1 ? '' : 's'}${n ? ` (${n} archived)` : ''}`;
}

function tagHover(a: Analysis, name: string | undefined): string | null {
  if (name === undefined) return null;
  const lines = [`**Tag** ${mdCode(name)}`, ''];
  const state = a.snapshot?.state;
  if (!state) return [...lines, noState(a)].join('\n');
  const tag = state.tags.find((t) => t.name === name);
  if (!tag) return [...lines, 'Not a tag of this project.'].join('\n');
  lines.push(`ID ${mdCode(tag.id)}`, '', `Members: ${memberLine(state, tag.experienceIDs)}`);
  const planned = a.plan?.tags.find((t) => t.tagID === tag.id);
  if (planned && (planned.add.length || planned.remove.length))
    lines.push('', `Sync adds it to ${planned.add.length}, removes it from ${planned.remove.length}.`);
  const managed = (a.loaded.config.managedExperienceTags ?? []).includes(name);
  lines.push('', managed ? 'Managed: removed from experiences that do not list it.' : 'Not managed: sync adds it, never removes it.');
  return lines.join('\n');
}

function systemHover(a: Analysis, name: string | undefined): string | null {
  if (name === undefined) return null;
  const lines = [`**System** ${mdCode(name)}`, ''];
  const state = a.snapshot?.state;
  if (!state) return [...lines, noState(a)].join('\n');
  const sys = state.systems.find((s) => s.name === name);
  if (!sys) return [...lines, 'Not a system of this project.'].join('\n');
  lines.push(`ID ${mdCode(sys.id)}`, '', `Members: ${memberLine(state, sys.experienceIDs)}`);
  const planned = a.plan?.systems.find((s) => s.systemID === sys.id);
  if (planned?.add.length) lines.push('', `Sync adds it to ${planned.add.length}.`);
  return lines.join('\n');
}

function suiteHover(a: Analysis, name: string | undefined): string | null {
  if (name === undefined) return null;
  const lines = [`**Test suite** ${mdCode(name)}`, ''];
  const state = a.snapshot?.state;
  if (!state) return [...lines, noState(a)].join('\n');
  const suite = state.testSuites.find((s) => s.name === name);
  if (!suite) return [...lines, 'Not a test suite of this project.'].join('\n');
  const rev = suite.testSuiteRevision !== undefined ? `, revision ${mdCode(suite.testSuiteRevision)}` : '';
  lines.push(`ID ${mdCode(suite.testSuiteID)}${rev}`, '', `Members: ${memberLine(state, suite.experiences)}`);
  const planned = a.plan?.testSuites.find((s) => s.testSuiteID === suite.testSuiteID);
  if (planned) {
    if (!planned.changed) lines.push('', 'Membership matches: no new revision.');
    else {
      const before = new Set(planned.before);
      const after = new Set(planned.after);
      const added = planned.after.filter((n) => !before.has(n));
      const removed = planned.before.filter((n) => !after.has(n));
      lines.push('', `Sync makes a new revision: ${added.length} added, ${removed.length} removed.`);
      for (const n of added.slice(0, 20)) lines.push(`- added ${mdCode(n)}`);
      for (const n of removed.slice(0, 20)) lines.push(`- removed ${mdCode(n)}`);
    }
  }
  return lines.join('\n');
}
