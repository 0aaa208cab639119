/**
 * Code actions (docs/diagnostics.md, "Code actions"):
 * - the quick fixes the config loader attaches to its diagnostics (`fix`: tabs → spaces with the
 *   tab width that makes the file parse, snake_case → camelCase, closest key for unknown-key);
 * - "did you mean" for `unknown-tag`, `unknown-system`, `unknown-test-suite`,
 *   `unknown-managed-tag` (the closest name of the project, by `closestName`);
 * - "Add … to managedExperienceTags" for `unmanaged-tag`;
 * - the source action "Write matched experience IDs into the file" (the loader's
 *   `setExperienceIDs`, which edits the YAML document in place and keeps comments).
 *
 * Edits are computed against the analysis of the document's current version.
 */
import {
  CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type Range, type TextEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { setExperienceIDs } from '../config/index';
import { closestName } from '../util/closest';
import type { Analysis } from './analysis';
import { yamlScalar } from '../config/text';
import { SOURCE, type DiagnosticData } from './diagnostics';

/** The kind of the "Write matched experience IDs into the file" source action. */
export const WRITE_IDS_KIND = `${CodeActionKind.Source}.resim.writeExperienceIDs`;

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

export function codeActionsFor(a: Analysis, doc: TextDocument, params: CodeActionParams): CodeAction[] {
  const only = params.context.only;
  const uri = doc.uri;
  const out: CodeAction[] = [];
  const edit = (edits: TextEdit[]) => ({ changes: { [uri]: edits } });
  if (wanted(only, CodeActionKind.QuickFix)) {
    for (const d of params.context.diagnostics) {
      if (d.source !== SOURCE) continue;
      const data = (d.data ?? {}) as DiagnosticData;
      if (data.version !== undefined && data.version !== doc.version) continue; // stale: edits would not fit
      if (data.fix?.edits?.length) {
        out.push({ title: data.fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: edit(data.fix.edits) });
        continue;
      }
      const code = String(d.code ?? '');
      if (code === 'unknown-key') {
        const suggestion = data.loader?.suggestion;
        if (typeof suggestion === 'string' && suggestion)
          out.push({ title: `Change to "${suggestion}"`, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: edit([{ range: d.range, newText: suggestion }]) });
        continue;
      }
      const kind = DID_YOU_MEAN[code];
      if (kind) {
        const fix = didYouMean(a, doc, d, kind);
        if (fix) out.push(fix);
        continue;
      }
      if (code === 'unmanaged-tag') {
        const fix = addManagedTag(a, doc, d);
        if (fix) out.push(fix);
      }
    }
  }
  if (wanted(only, WRITE_IDS_KIND)) {
    const w = writeIDsAction(a, doc);
    if (w) out.push(w);
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
  const names = kind === 'tag' ? state.tags.map((t) => t.name) : kind === 'system' ? state.systems.map((s) => s.name) : state.testSuites.map((s) => s.name);
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
