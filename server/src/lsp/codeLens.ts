/**
 * Code lens (docs/architecture.md, "Code lens"): on each experience what sync will do with it
 * (`+ create`, `~ update: description, locations`, `↺ restore`, `✓ unchanged`), and on line 0
 * the plan's summary (`Plan: 1 to create, 2 to update, 1 to archive` or `No changes`) with the
 * command `resim.previewSync`, plus `Apply` (`resim.applySync`) when there is something to
 * apply and nothing blocks it. Rendered from the plan only; no lenses without state.
 *
 * Commands get one argument, the document URI; the extension client registers them (other
 * clients may map them to the `resim/preview` and `resim/apply` requests).
 */
import type { CodeLens, Position, Range } from 'vscode-languageserver';
import { itemStarts } from '../config/index';
import type { Plan, PlannedExperience } from '../sync/model';
import { ACTION_SYMBOL } from '../../../protocol';
import { planHasChanges } from '../sync/plan';
import type { Analysis } from './analysis';

export const PREVIEW_COMMAND = 'resim.previewSync';
export const APPLY_COMMAND = 'resim.applySync';

/** The title of one experience's lens. */
export function experienceLensTitle(p: PlannedExperience): string {
  switch (p.action) {
    case 'update': {
      const fields = p.changes.map((c) => c.field);
      return `${ACTION_SYMBOL.update} update${fields.length ? `: ${fields.join(', ')}` : ''}`;
    }
    case 'restore':
      return `${ACTION_SYMBOL.restore} restore${p.changes.length ? `: ${p.changes.map((c) => c.field).join(', ')}` : ''}`;
    default:
      return `${ACTION_SYMBOL[p.action]} ${p.action}`;
  }
}

/** The summary lens title: `Plan: 1 to create, 2 to update, 1 to archive` (non-zero counts), or `No changes`. */
export function summaryLensTitle(plan: Plan): string {
  if (!planHasChanges(plan)) return 'No changes';
  const s = plan.summary;
  const parts: string[] = [];
  const add = (n: number, what: string) => {
    if (n) parts.push(`${n} ${what}`);
  };
  add(s.create, 'to create');
  add(s.update, 'to update');
  add(s.restore, 'to restore');
  add(s.archive, 'to archive');
  const members = s.tagAdditions + s.tagRemovals + s.systemAdditions;
  add(members, members === 1 ? 'membership change' : 'membership changes');
  add(s.testSuiteRevisions, s.testSuiteRevisions === 1 ? 'suite revision' : 'suite revisions');
  return `Plan: ${parts.join(', ')}`;
}

export function codeLensesFor(a: Analysis): CodeLens[] {
  const plan = a.plan;
  if (!plan) return [];
  const uri = a.uri;
  const top: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const lenses: CodeLens[] = [];
  const errors = plan.errors.length + a.loaded.diagnostics.filter((d) => d.severity === 'error').length;
  const title = errors ? `${summaryLensTitle(plan)} (${errors} error${errors === 1 ? '' : 's'} to fix first)` : summaryLensTitle(plan);
  lenses.push({ range: top, command: { title, command: PREVIEW_COMMAND, arguments: [uri] } });
  if (!errors && planHasChanges(plan)) lenses.push({ range: top, command: { title: 'Apply', command: APPLY_COMMAND, arguments: [uri] } });
  // Each item's start from the piece offsets when known: rangeOf would parse every experience.
  const starts = itemStarts(a.loaded, 'experiences');
  for (const [index, p] of a.byIndex) {
    let start: Position | undefined = starts?.[index];
    if (!start) {
      try {
        start = a.loaded.rangeOf(['experiences', index])?.start;
      } catch {
        start = undefined;
      }
    }
    if (!start) continue;
    const at: Range = { start, end: start };
    lenses.push({ range: at, command: { title: experienceLensTitle(p), command: PREVIEW_COMMAND, arguments: [uri] } });
  }
  return lenses;
}
