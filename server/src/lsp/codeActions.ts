/**
 * Code actions (docs/diagnostics.md, "Code actions"):
 * - the quick fixes the config loader attaches to its diagnostics (`fix`: tabs → spaces with the
 *   tab width that makes the file parse, snake_case → camelCase, closest key for unknown-key);
 * - "did you mean" for `unknown-tag`, `unknown-system`, `unknown-test-suite`,
 *   `unknown-managed-tag` (the closest name of the project, by `closestName`);
 * - "Add … to managedExperienceTags" for `unmanaged-tag` (not for a tag the project does not
 *   have: that is a typo, whose fix is the did-you-mean of `unknown-tag`);
 * - "did you mean" for `unknown-experience-in-suite` (the closest experience of the file);
 * - "Rename to …" (a free name) for `duplicate-experience-name`;
 * - "Add the unlisted experiences to the file" for `will-archive` (entries written by the clone
 *   code, sync/clone.ts, so the file then lists them as they are);
 * - "Rename every snake_case key" as a quick fix and as the fix-all source action
 *   (`source.fixAll.resim`, run by `editor.codeActionsOnSave`);
 * - "Write matched experience IDs into the file" (the loader's `setExperienceIDs`, which edits
 *   the YAML document in place and keeps comments), as a source action and as a quick fix on an
 *   experience matched by name.
 *
 * Edits are computed against the analysis of the document's current version.
 */
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type Position,
  type Range,
  type TextEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { stringify } from 'yaml';
import { setExperienceIDs } from '../config/index';
import { stateToConfig } from '../sync/clone';
import { closestName } from '../util/closest';
import type { Analysis } from './analysis';
import { yamlScalar } from '../config/text';
import { diagnosticsOf, SOURCE, type DiagnosticData } from './diagnostics';
import { APPLY_COMMAND, changeCount, formatSummary, isNoOp, plural, PREVIEW_COMMAND, type PlanBinding } from '../../../protocol';
import { fingerprintConfig } from '../sync/fingerprint';

/** The kind of the "Write matched experience IDs into the file" source action. */
export const WRITE_IDS_KIND = `${CodeActionKind.Source}.resim.writeExperienceIDs`;
/** The kind of the fix-all source action (every snake_case key renamed). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.resim`;
/** The kinds of the Preview Sync / Apply Sync actions offered to clients that run commands through the server. */
export const PREVIEW_KIND = `${CodeActionKind.Source}.resim.preview`;
export const APPLY_KIND = `${CodeActionKind.Source}.resim.apply`;
/** Loader codes whose fixes the fix-all applies together (each edits one key, so they never overlap). */
const FIX_ALL_CODES = new Set(['snake-case-key']);

const DID_YOU_MEAN: Record<string, 'tag' | 'system' | 'testSuite'> = {
  'unknown-tag': 'tag',
  'unknown-managed-tag': 'tag',
  'unknown-system': 'system',
  'unknown-test-suite': 'testSuite',
};

function wanted(only: string[] | undefined, kind: string): boolean {
  if (!only || !only.length) return true;
  return only.some((o) => kind === o || kind.startsWith(o + '.'));
}

/** The scalar written at `range`, unquoted (best effort: plain, "double" or 'single'). */
export function scalarAt(doc: TextDocument, range: Range): string {
  const raw = doc.getText(range).trim();
  if (raw.startsWith('"')) {
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw.replace(/^"|"$/g, '');
    }
  }
  if (raw.startsWith("'")) return raw.replace(/^'|'$/g, '').replace(/''/g, "'");
  return raw;
}

/** How the client sends diagnostics back and runs commands (clientCaps.ts). */
export interface CodeActionOptions {
  /** The client declared `codeAction.dataSupport`: a diagnostic's `data` is trusted as sent. */
  dataSupport: boolean;
  /** The server runs `resim.previewSync`/`resim.applySync` (not the VS Code client): offer them as source actions. */
  commands?: boolean;
}

/** Positions compare as (line, character). */
function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Ranges meet when they share a position, ends included (a cursor at a diagnostic's end meets it). */
export function rangesMeet(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/**
 * The server's own diagnostic that `d` (as the client sent it back) stands for: with `dataSupport`
 * and `data`, `d` itself; else the diagnostic of `ours` with the same code on the same line, the
 * one starting closest to `d` (clients that rebuild diagnostics from code, message and range,
 * like ALE, send no `data` and may round the columns).
 */
export function resolveDiagnostic(d: Diagnostic, ours: readonly Diagnostic[], dataSupport: boolean): Diagnostic | undefined {
  if (d.source !== undefined && d.source !== SOURCE) return undefined;
  if (dataSupport && d.data && typeof d.data === 'object' && d.source === SOURCE) return d;
  const code = String(d.code ?? '');
  let best: Diagnostic | undefined;
  for (const o of ours) {
    if (String(o.code) !== code || o.range.start.line !== d.range.start.line) continue;
    const dist = Math.abs(o.range.start.character - d.range.start.character);
    if (!best || dist < Math.abs(best.range.start.character - d.range.start.character)) best = o;
  }
  return best;
}

/**
 * The code actions for `params` (docs/diagnostics.md, "Code actions"): quick fixes only for the
 * diagnostics of `context` whose range meets `params.range`, the fix of the diagnostic under the
 * cursor (`params.range.start`) first and the only `isPreferred` one (eglot's and VS Code's
 * default action); then the source actions.
 */
export function codeActionsFor(
  a: Analysis,
  doc: TextDocument,
  params: CodeActionParams,
  opts: CodeActionOptions = { dataSupport: true },
): CodeAction[] {
  const only = params.context?.only;
  const uri = doc.uri;
  const out: CodeAction[] = [];
  const edit = (edits: TextEdit[]) => ({ changes: { [uri]: edits } });
  if (wanted(only, CodeActionKind.QuickFix)) {
    const ours = a.version === doc.version ? diagnosticsOf(a) : [];
    const cursor = params.range.start;
    const contains = (r: Range) => !before(cursor, r.start) && !before(r.end, cursor);
    const sent = Array.isArray(params.context?.diagnostics) ? params.context.diagnostics : [];
    // A client that sends no diagnostics (Flymake not yet told, a bare client): ours at the range.
    const asked = (sent.length ? sent.map((d) => resolveDiagnostic(d, ours, opts.dataSupport)) : ours)
      .filter((d): d is Diagnostic => !!d && rangesMeet(d.range, params.range))
      // Stable: the diagnostics under the cursor first, in the client's order.
      .sort((x, y) => Number(!contains(x.range)) - Number(!contains(y.range)));
    const fixes: CodeAction[] = [];
    for (const d of asked) {
      const data = (d.data ?? {}) as DiagnosticData;
      if (data.version !== undefined && data.version !== doc.version) continue; // stale: edits would not fit
      const code = String(d.code ?? '');
      if (data.fix?.edits?.length) {
        fixes.push({
          title: data.fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          isPreferred: true,
          edit: edit(data.fix.edits),
        });
        if (FIX_ALL_CODES.has(code)) {
          const all = fixAllAction(a, doc, CodeActionKind.QuickFix);
          if (all) fixes.push({ ...all, diagnostics: [d] });
        }
        continue;
      }
      if (code === 'unknown-key') {
        const suggestion = data.loader?.suggestion;
        if (typeof suggestion === 'string' && suggestion)
          fixes.push({
            title: `Change to "${suggestion}"`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [d],
            isPreferred: true,
            edit: edit([{ range: d.range, newText: suggestion }]),
          });
        continue;
      }
      const kind = DID_YOU_MEAN[code];
      if (kind) {
        const fix = didYouMean(a, doc, d, kind);
        if (fix) fixes.push(fix);
        continue;
      }
      if (code === 'unmanaged-tag') {
        const fix = addManagedTag(a, doc, d);
        if (fix) fixes.push(fix);
      } else if (code === 'unknown-experience-in-suite') {
        const fix = suiteMemberDidYouMean(a, doc, d);
        if (fix) fixes.push(fix);
      } else if (code === 'duplicate-experience-name') {
        const fix = renameDuplicate(a, doc, d);
        if (fix) fixes.push(fix);
      } else if (code === 'will-archive') {
        const fix = addUnlisted(a, doc, d);
        if (fix) fixes.push(fix);
      }
    }
    // One preferred action: the first fix, when it is of the diagnostic under the cursor.
    fixes.forEach((f, i) => {
      const preferred = i === 0 && f.isPreferred === true && !!f.diagnostics?.some((d) => contains(d.range));
      if (preferred) f.isPreferred = true;
      else delete f.isPreferred;
    });
    out.push(...fixes);
    if (touchesUnwrittenID(a, params.range)) {
      const w = writeIDsAction(a, doc);
      if (w) out.push({ ...w, kind: CodeActionKind.QuickFix });
    }
  }
  if (wanted(only, WRITE_IDS_KIND)) {
    const w = writeIDsAction(a, doc);
    if (w) out.push(w);
  }
  if (only?.length && wanted(only, FIX_ALL_KIND)) {
    const all = fixAllAction(a, doc, FIX_ALL_KIND);
    if (all) out.push(all);
  }
  // Clients without code lens (ALE, eglot) reach preview and apply here; the server runs the commands.
  if (opts.commands && wanted(only, PREVIEW_KIND))
    out.push({
      title: 'ReSim: Preview Sync',
      kind: PREVIEW_KIND,
      command: { title: 'Preview Sync', command: PREVIEW_COMMAND, arguments: [uri] },
    });
  if (opts.commands && wanted(only, APPLY_KIND)) {
    const plan = a.plan;
    if (plan && a.version === doc.version && a.loaded.ok && !plan.errors.length && !isNoOp(plan.summary)) {
      // The title states what is applied and the arguments bind it (both fingerprints): choosing
      // it is the confirmation, for clients that cannot ask (ALE answers no showMessageRequest).
      const binding: PlanBinding = {
        stateFingerprint: plan.stateFingerprint,
        configFingerprint: fingerprintConfig(a.loaded.config, plan.archiveUnlisted),
      };
      const n = changeCount(plan.summary);
      out.push({
        title: `ReSim: Apply ${plural(n, 'change')} to project "${plan.project.name}" (${formatSummary(plan.summary)})`,
        kind: APPLY_KIND,
        command: { title: 'Apply Sync', command: APPLY_COMMAND, arguments: [uri, binding] },
      });
    }
  }
  // One action per title: a file-wide fix (tabs) is carried by each of its diagnostics.
  const seen = new Map<string, CodeAction>();
  for (const action of out) {
    const prev = seen.get(action.title);
    if (prev) prev.diagnostics = [...(prev.diagnostics ?? []), ...(action.diagnostics ?? [])];
    else seen.set(action.title, action);
  }
  return [...seen.values()];
}

function didYouMean(a: Analysis, doc: TextDocument, d: Diagnostic, kind: 'tag' | 'system' | 'testSuite'): CodeAction | undefined {
  const state = a.snapshot?.state;
  if (!state) return undefined;
  const names =
    kind === 'tag'
      ? state.tags.map((t) => t.name)
      : kind === 'system'
        ? state.systems.map((s) => s.name)
        : state.testSuites.map((s) => s.name);
  const name = scalarAt(doc, d.range);
  const best = closestName(name, names);
  if (!best || best === name) return undefined;
  const flow = isInFlow(doc, d.range);
  return {
    title: `Change to "${best}"`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    isPreferred: true,
    edit: { changes: { [doc.uri]: [{ range: d.range, newText: yamlScalar(best, flow) }] } },
  };
}

function isInFlow(doc: TextDocument, range: Range): boolean {
  const line = doc.getText({ start: { line: range.start.line, character: 0 }, end: range.start });
  return /\[[^\]]*$/.test(line);
}

function lineText(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
}

/** "Add "x" to managedExperienceTags": appends to the list (block or flow), or adds the key. */
function addManagedTag(a: Analysis, doc: TextDocument, d: Diagnostic): CodeAction | undefined {
  const loader = ((d.data ?? {}) as DiagnosticData).loader ?? {};
  const name = typeof loader.tag === 'string' ? loader.tag : typeof loader.name === 'string' ? loader.name : scalarAt(doc, d.range);
  if (!name) return undefined;
  if (a.snapshot?.state && !a.snapshot.state.tags.some((t) => t.name === name)) return undefined; // a typo: see unknown-tag
  const edits = managedTagEdits(a, doc, name);
  if (!edits) return undefined;
  return {
    title: `Add "${name}" to managedExperienceTags`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    edit: { changes: { [doc.uri]: edits } },
  };
}

const MANAGED_KEY = /^\s*["']?managed(?:ExperienceTags|_experience_tags)["']?\s*$/;

export function managedTagEdits(a: Analysis, doc: TextDocument, name: string): TextEdit[] | undefined {
  const text = doc.getText();
  const keyRange = a.loaded.rangeOf(['managedExperienceTags'], 'key');
  const present = keyRange && MANAGED_KEY.test(doc.getText(keyRange));
  if (!present) {
    const sep = text.length === 0 || text.endsWith('\n') ? '' : '\n';
    const end = doc.positionAt(text.length);
    return [{ range: { start: end, end }, newText: `${sep}managedExperienceTags:\n  - ${yamlScalar(name, false)}\n` }];
  }
  const items = Array.isArray(a.loaded.config.managedExperienceTags) ? a.loaded.config.managedExperienceTags : [];
  if (items.includes(name)) return undefined;
  if (items.length) {
    const last = a.loaded.rangeOf(['managedExperienceTags', items.length - 1]);
    if (!last) return undefined;
    if (isInFlow(doc, last)) return [{ range: { start: last.end, end: last.end }, newText: `, ${yamlScalar(name, true)}` }];
    const line = lineText(doc, last.start.line);
    const dash = line.lastIndexOf('-', last.start.character);
    const indent = dash >= 0 ? line.slice(0, dash).replace(/[^\t]/g, ' ') : '  ';
    const eol = { line: last.end.line, character: lineText(doc, last.end.line).length };
    return [{ range: { start: eol, end: eol }, newText: `\n${indent}- ${yamlScalar(name, false)}` }];
  }
  // The key is there with an empty value (`managedExperienceTags:` or `[]`): rewrite the value.
  const keyLine = lineText(doc, keyRange.end.line);
  const eol = { line: keyRange.end.line, character: keyLine.length };
  const indent = keyLine.slice(0, keyLine.length - keyLine.trimStart().length);
  return [{ range: { start: keyRange.end, end: eol }, newText: `:\n${indent}  - ${yamlScalar(name, false)}` }];
}

/** The source action: writes `experienceID` into every entry matched by name that lacks one. */
function writeIDsAction(a: Analysis, doc: TextDocument): CodeAction | undefined {
  if (!a.plan || a.version !== doc.version) return undefined;
  const ids = new Map<number, string>();
  for (const [i, p] of a.byIndex) {
    const cfg = a.loaded.config.experiences?.[i];
    if (p.matchedBy === 'name' && p.experienceID && cfg && !cfg.experienceID) ids.set(i, p.experienceID);
  }
  if (!ids.size) return undefined;
  const text = doc.getText();
  let next: string;
  try {
    next = setExperienceIDs(text, ids);
  } catch {
    return undefined;
  }
  if (next === text) return undefined;
  return {
    title: `Write matched experience IDs into the file (${ids.size})`,
    kind: WRITE_IDS_KIND,
    edit: { changes: { [doc.uri]: [minimalEdit(doc, text, next)] } },
  };
}

/** One edit turning `before` into `after`: the changed middle, so the cursor and folds stay put. */
export function minimalEdit(doc: TextDocument, before: string, after: string): TextEdit {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before.charCodeAt(endB - 1) === after.charCodeAt(endA - 1)) {
    endB--;
    endA--;
  }
  return { range: { start: doc.positionAt(start), end: doc.positionAt(endB) }, newText: after.slice(start, endA) };
}

/** "Change to "x"" for a suite member that is not an experience of the file: the closest one that is. */
function suiteMemberDidYouMean(a: Analysis, doc: TextDocument, d: Diagnostic): CodeAction | undefined {
  const loader = ((d.data ?? {}) as DiagnosticData).loader ?? {};
  const name = typeof loader.experience === 'string' ? loader.experience : scalarAt(doc, d.range);
  const names = (a.loaded.config.experiences ?? []).map((e) => e?.name).filter((n): n is string => typeof n === 'string' && n !== '');
  const best = closestName(name, names);
  if (!best || best === name) return undefined;
  return {
    title: `Change to "${best}"`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    isPreferred: true,
    edit: { changes: { [doc.uri]: [{ range: d.range, newText: yamlScalar(best, isInFlow(doc, d.range)) }] } },
  };
}

/** "Rename to "x-2"": the first `<name>-<n>` that neither the file nor the project uses. */
function renameDuplicate(a: Analysis, doc: TextDocument, d: Diagnostic): CodeAction | undefined {
  const loader = ((d.data ?? {}) as DiagnosticData).loader ?? {};
  const name = typeof loader.name === 'string' ? loader.name : scalarAt(doc, d.range);
  if (!name) return undefined;
  const taken = new Set<string>((a.loaded.config.experiences ?? []).map((e) => e?.name));
  for (const e of a.snapshot?.state?.experiences ?? []) taken.add(e.name);
  let n = 2;
  while (taken.has(`${name}-${n}`)) n++;
  const free = `${name}-${n}`;
  return {
    title: `Rename to "${free}"`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    edit: { changes: { [doc.uri]: [{ range: d.range, newText: yamlScalar(free, isInFlow(doc, d.range)) }] } },
  };
}

/**
 * "Add the N unlisted experiences to the file" for `will-archive`: appends the experiences the
 * sync would archive after the last entry, written by the clone code with their IDs, so that the
 * sync keeps them as they are. Only for a block list of experiences (a flow list is left alone).
 */
function addUnlisted(a: Analysis, doc: TextDocument, d: Diagnostic): CodeAction | undefined {
  const state = a.snapshot?.state;
  if (!state || !a.plan || a.version !== doc.version) return undefined;
  const ids = new Set(
    a.plan.experiences.filter((e) => e.action === 'archive' && e.configIndex === undefined && e.experienceID).map((e) => e.experienceID!),
  );
  const count = (a.loaded.config.experiences ?? []).length;
  if (!ids.size || !count) return undefined;
  const last = a.loaded.rangeOf(['experiences', count - 1]);
  if (!last || isInFlow(doc, last)) return undefined;
  const line = lineText(doc, last.start.line);
  const dash = line.lastIndexOf('-', last.start.character);
  if (dash < 0) return undefined;
  const { config } = stateToConfig({ ...state, experiences: state.experiences.filter((e) => ids.has(e.experienceID)), testSuites: [] });
  const body = stringify({ experiences: config.experiences }, { lineWidth: 0, indentSeq: true }).replace(/\n$/, '');
  const pad = line.slice(0, dash).replace(/[^\t]/g, ' ');
  const entries = body
    .split('\n')
    .slice(1)
    .map((l) => pad + l.slice(2))
    .join('\n');
  let endLine = last.end.line;
  // A range ending at column 0 ends on the line before (the item's newline).
  if (last.end.character === 0 && endLine > last.start.line) endLine--;
  const eol = { line: endLine, character: lineText(doc, endLine).length };
  return {
    title: `Add the ${ids.size} unlisted experience${ids.size === 1 ? '' : 's'} to the file (instead of archiving ${ids.size === 1 ? 'it' : 'them'})`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    edit: { changes: { [doc.uri]: [{ range: { start: eol, end: eol }, newText: `\n${entries}` }] } },
  };
}

/** Every fix of `FIX_ALL_CODES` in the file as one action (undefined when fewer than two, for a quick fix). */
function fixAllAction(a: Analysis, doc: TextDocument, kind: string): CodeAction | undefined {
  if (a.version !== doc.version) return undefined;
  const edits: TextEdit[] = [];
  for (const d of a.loaded.diagnostics) if (FIX_ALL_CODES.has(d.code) && d.fix?.edits?.length) edits.push(...d.fix.edits);
  if (!edits.length || (kind === CodeActionKind.QuickFix && edits.length < 2)) return undefined;
  return {
    title: `Rename every snake_case key to camelCase (${edits.length})`,
    kind,
    edit: { changes: { [doc.uri]: edits } },
  };
}

/** True when `range` touches the name of an experience matched by name whose entry has no experienceID yet. */
function touchesUnwrittenID(a: Analysis, range: Range): boolean {
  if (!a.plan) return false;
  const exps = a.loaded.config.experiences ?? [];
  for (const [i, p] of a.byIndex) {
    if (p.matchedBy !== 'name' || !p.experienceID || exps[i]?.experienceID) continue;
    const r = a.loaded.rangeOf(['experiences', i, 'name']);
    if (r && r.start.line <= range.end.line && r.end.line >= range.start.line) return true;
  }
  return false;
}
