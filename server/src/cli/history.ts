/**
 * `resim-sync history [--project P] [--json]`, `resim-sync history show ID [--json]` and
 * `resim-sync undo ID [--format text|json|markdown] [--out F] [--plan F] [--yes] [--allow-mass-archive]`: the sync
 * history and undo (docs/undo.md). Records are read from `--history-dir` (RESIM_HISTORY_DIR, else
 * the XDG state folder); an undo previews the inverse plan against the project as it is now,
 * asks, applies behind the guards of apply, and is itself recorded.
 */
import { Option, type Command } from 'commander';
import { changeCount, formatSummary, type PlanJson } from '../../../protocol';
import { findRecord, historyDir, listRecords, statusOf, type SyncRecord } from '../sync/history';
import { planHasChanges } from '../sync/plan';
import { renderPlanMarkdown } from '../sync/markdown';
import { planToJson, renderPlanText } from '../sync/render';
import { assertApplicable, assertSavedPlanMatches, planUndo, recordedApply } from '../sync/service';
import { escapeVisible, quote } from '../security/text';
import { MAX_CONFIG_BYTES, readFileBounded, writeFileSafely } from '../util/files';
import { printApplyResult } from './apply';
import { cliHistory, CliError, confirm, env, EXIT, makeClient, progress, progressDone, style, type GlobalOpts } from './common';

/** Whether `ref` (a project name or ID, as --project takes) names the record's project. */
function isProject(r: { project: { id: string; name: string } }, ref: string | undefined): boolean {
  return !ref || r.project.id === ref || r.project.name === ref || r.project.name.toLowerCase() === ref.toLowerCase();
}

function recordText(r: SyncRecord): string {
  const b = r.begin;
  const out = [
    `Sync record ${b.recordID}${b.kind === 'undo' ? ` (undo of ${b.undoOf})` : ''}`,
    `  time:     ${b.time}`,
    `  who:      ${escapeVisible(b.who ?? 'unknown')}`,
    `  project:  ${quote(b.project.name)} (${escapeVisible(b.project.id)}) at ${escapeVisible(b.apiUrl)}`,
    ...(b.source ? [`  config:   ${escapeVisible(b.source)}`] : []),
    `  tool:     ${escapeVisible(b.tool)} (${escapeVisible(b.frontEnd)})`,
    `  status:   ${statusOf(r)}`,
    `  changes:  ${formatSummary(b.plan.summary)}`,
    '',
    'Calls:',
    ...r.calls.map(
      (c) =>
        `  ${c.ok ? '✓' : c.skipped ? '·' : '✗'} ${c.operation} ${escapeVisible(c.target)}${c.error ? `: ${escapeVisible(c.error)}` : ''}`,
    ),
  ];
  if (!r.end) out.push('  (no end: the apply was stopped; calls not listed have an unknown outcome)');
  return out.join('\n') + '\n';
}

function readSavedUndoPlan(file: string): PlanJson {
  const bytes = readFileBounded(file, {
    maxBytes: MAX_CONFIG_BYTES,
    expects: '--plan takes an undo plan saved by `resim-sync undo ID --out`',
  });
  let saved: unknown;
  try {
    saved = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new CliError(`${file} is not a saved undo plan (not JSON: ${(err as Error).message}).`);
  }
  if (!saved || typeof saved !== 'object' || Array.isArray(saved) || !(saved as PlanJson).undo)
    throw new CliError(`${file} is not an undo plan saved by \`resim-sync undo ID --out\`.`);
  return saved as PlanJson;
}

/** Adds `history` and `undo` to the program. */
export function registerHistory(program: Command): void {
  const globals = () => program.opts<GlobalOpts>();
  const dir = () => historyDir(globals().historyDir, env);

  const history = program
    .command('history')
    .description('list the syncs recorded in the sync history (newest first)')
    .option('--project <name or ID>', 'only this project')
    .option('--json', 'print the list as JSON')
    .action((o: { project?: string; json?: boolean }) => {
      const all = listRecords(dir()).filter((r) => !('project' in r) || isProject(r, o.project));
      if (o.json) {
        process.stdout.write(JSON.stringify(all, null, 2) + '\n');
        return;
      }
      if (!all.length) {
        process.stdout.write(`No syncs recorded in ${dir()}.\n`);
        return;
      }
      for (const r of all) {
        if (!('project' in r)) {
          process.stdout.write(`${r.recordID}  refused: ${escapeVisible(r.problem)}\n`);
          continue;
        }
        const what = r.kind === 'undo' ? `undo of ${r.undoOf}` : r.source ? escapeVisible(r.source) : '';
        process.stdout.write(
          `${r.recordID}  ${r.time.replace('T', ' ').slice(0, 19)}  ${escapeVisible(r.who ?? 'unknown')}  ${quote(r.project.name)}  ${what}  ${formatSummary(r.summary)}${r.status === 'complete' ? '' : ` [${r.status}]`}\n`,
        );
      }
    });
  history
    .command('show <id>')
    .description('print one recorded sync: who, when, what, each call')
    .option('--json', 'print the record (its verified entries) as JSON')
    .action((id: string, o: { json?: boolean }) => {
      const r = findRecord(dir(), id);
      const json = o.json || history.opts<{ json?: boolean }>().json; // `history show ID --json`: commander gives it to `history`
      process.stdout.write(json ? JSON.stringify({ ...r.begin, calls: r.calls, end: r.end ?? null }, null, 2) + '\n' : recordText(r));
    });

  program
    .command('undo <id>')
    .description('preview, then apply, the undo of a recorded sync against the project as it is now')
    .option('--project <name or ID>', "refuse unless the record is this project's")
    .addOption(
      new Option('--format <format>', 'text (then asks and applies), or json / markdown (the undo plan only; applies nothing)')
        .choices(['text', 'json', 'markdown'])
        .default('text'),
    )
    .option('--json', 'print the undo plan as JSON; applies nothing (same as --format json)')
    .option('--out <file>', 'save the undo plan (JSON) for `undo ID --plan`; applies nothing')
    .option('--plan <file>', 'an undo plan saved by `undo ID --out`: apply exactly it, or refuse if the project changed since')
    .option('--yes', 'apply without asking')
    .option('--allow-mass-archive', 'allow an undo that archives at least max(10, 25%) of the active experiences')
    .action(
      async (
        id: string,
        o: {
          project?: string;
          format: 'text' | 'json' | 'markdown';
          json?: boolean;
          out?: string;
          plan?: string;
          yes?: boolean;
          allowMassArchive?: boolean;
        },
      ) => {
        const format = o.json ? 'json' : o.format;
        const record = findRecord(dir(), id);
        if (!isProject(record.begin, o.project))
          throw new CliError(
            `Sync record ${record.begin.recordID} is of project ${quote(record.begin.project.name)}, not ${quote(o.project!)}.`,
          );
        const saved = o.plan ? readSavedUndoPlan(o.plan) : undefined;
        if (saved && saved.undo?.recordID !== record.begin.recordID)
          throw new CliError(`${o.plan} undoes ${saved.undo?.recordID}, not ${record.begin.recordID}.`, EXIT.refused);
        const api = makeClient(globals());
        progress(`Reading project ${record.begin.project.name}…`);
        let { plan, state } = await planUndo(api, record);
        progressDone();
        const guards = { expectedStateFingerprint: saved?.stateFingerprint, allowMassArchive: o.allowMassArchive };
        if (saved) {
          assertApplicable(plan, guards);
          assertSavedPlanMatches(saved, planToJson(plan));
        }
        const json = planToJson(plan);
        if (o.out) writeFileSafely(o.out, JSON.stringify(json, null, 2) + '\n');
        if (format === 'json') process.stdout.write(JSON.stringify(json, null, 2) + '\n');
        else if (format === 'markdown')
          process.stdout.write(
            renderPlanMarkdown(json, { configFile: `sync record ${record.begin.recordID}`, title: 'ReSim undo plan' }) + '\n',
          );
        else process.stdout.write(renderPlanText(plan, { paint: style }));
        if (format !== 'text' || o.out || !planHasChanges(plan)) return;
        assertApplicable(plan, guards);
        if (!o.yes) {
          if (!process.stdin.isTTY)
            throw new CliError('Not undone: no terminal to confirm on. Pass --yes to undo without asking.', EXIT.refused);
          const n = changeCount(plan.summary);
          if (
            !(await confirm(
              `\nUndo ${record.begin.recordID} with ${n} change${n === 1 ? '' : 's'} to project ${quote(plan.project.name)}? Only 'yes' will be accepted: `,
            ))
          )
            throw new CliError('Not undone: not confirmed.', EXIT.refused);
          const fresh = await planUndo(api, record);
          assertApplicable(fresh.plan, { ...guards, expectedStateFingerprint: plan.stateFingerprint });
          ({ plan, state } = fresh);
        }
        const result = await recordedApply(api, plan, state, {
          onProgress: (done, total, what) => progress(`Undoing ${done}/${total}: ${what}`),
          history: await cliHistory(globals(), { undoOf: record.begin.recordID }),
        });
        progressDone();
        printApplyResult(result, result.recordID);
        if (!result.ok) throw new CliError('', EXIT.error);
      },
    );
}
