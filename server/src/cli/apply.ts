/**
 * `resim-sync apply`: apply the sync behind the guards of docs/sync-rules.md (confirmation, stale plan, mass archive).
 */
import type { Command } from 'commander';
import type { ApplyResult } from '../../../protocol';
import { fingerprintConfig } from '../sync/fingerprint';
import { planHasChanges } from '../sync/plan';
import { planToJson, renderPlanText } from '../sync/render';
import { assertApplicable, assertSavedPlanMatches, recordedApply } from '../sync/service';
import { escapeVisible, quote } from '../security/text';
import { MAX_CONFIG_BYTES, readFileBounded } from '../util/files';
import {
  cliHistory,
  CliError,
  configOpt,
  confirm,
  EXIT,
  failOnPlanErrors,
  livePlan,
  loadAndPlan,
  progress,
  progressDone,
  projectOpt,
  projectRef,
  readConfigBytes,
  readConfigFile,
  style,
  type GlobalOpts,
} from './common';
import { writeExperienceIDs } from './updateConfig';

/** The apply's outcome, and how to undo it (`recordID`: its sync history record). */
export function printApplyResult(result: ApplyResult, recordID?: string): void {
  const failed = result.calls.filter((c) => !c.ok);
  const ok = result.calls.length - failed.length;
  if (failed.length) {
    process.stderr.write(`\nApply finished with ${failed.length} failed call${failed.length === 1 ? '' : 's'} (${ok} succeeded):\n`);
    for (const c of failed) process.stderr.write(`  ✗ ${c.operation} ${escapeVisible(c.target)}: ${escapeVisible(String(c.error))}\n`);
    process.stderr.write(`\nRun the same sync again: it plans only what is still missing.\n`);
  } else {
    process.stdout.write(`\nApply complete: ${ok} call${ok === 1 ? '' : 's'} succeeded.\n`);
  }
  if (recordID) process.stdout.write(`Recorded as ${recordID}: \`resim-sync undo ${recordID}\` previews undoing it.\n`);
}

/** Adds the `apply` command to the program. */
export function registerApply(program: Command): void {
  program
    .command('apply')
    .description('apply the sync: create, update, restore, tag, revise suites, archive')
    .addOption(projectOpt())
    .addOption(configOpt())
    .option('--no-archive', 'keep experiences that the config does not list')
    .option('--yes', 'apply without asking')
    .option('--allow-mass-archive', 'allow a plan that archives at least max(10, 25%) of the active experiences')
    .option('--update-config', 'write matched and created experience IDs into the config (keeps comments)')
    .option('--plan <file>', 'a plan saved by `preview --out`: apply exactly it, or refuse if the project or the config changed since')
    .action(
      async (o: {
        project?: string;
        config?: string;
        archive: boolean;
        yes?: boolean;
        allowMassArchive?: boolean;
        updateConfig?: boolean;
        plan?: string;
      }) => {
        const { file, text, bytes } = readConfigFile(o.config);
        let saved: { stateFingerprint?: string; configFingerprint?: string; project?: { id?: string } } | undefined;
        if (o.plan) {
          const bytes = readFileBounded(o.plan, {
            maxBytes: MAX_CONFIG_BYTES,
            expects: '--plan takes a plan saved by `resim-sync preview --out`',
          });
          try {
            saved = JSON.parse(bytes.toString('utf8'));
          } catch (err) {
            throw new CliError(
              `${o.plan} is not a saved plan (not JSON: ${(err as Error).message}). Save one with \`resim-sync preview --out ${o.plan}\`.`,
            );
          }
          if (!saved || typeof saved !== 'object' || Array.isArray(saved))
            throw new CliError(`${o.plan} is not a plan saved by \`resim-sync preview --out\`.`);
        }
        const globals = program.opts<GlobalOpts>();
        const first = await loadAndPlan(globals, file, text, o.project, o.archive, false, bytes);
        const loaded = first.loaded;
        const ref = projectRef(o.project, loaded);
        let { api, plan, state } = first;
        failOnPlanErrors(file, loaded, plan, false);
        if (saved?.project?.id && saved.project.id !== plan.project.id)
          throw new CliError(
            `The saved plan is for another project (${saved.project.id}), not "${plan.project.name}" (${plan.project.id}).`,
            EXIT.refused,
          );
        const guards = {
          expectedStateFingerprint: saved?.stateFingerprint,
          expectedConfigFingerprint: saved?.configFingerprint,
          requireFingerprints: Boolean(saved),
          allowMassArchive: o.allowMassArchive,
        };
        assertApplicable(plan, guards, loaded.config);
        if (saved)
          assertSavedPlanMatches(saved, planToJson(plan, { configFingerprint: fingerprintConfig(loaded.config, plan.archiveUnlisted) }));
        process.stdout.write(renderPlanText(plan, { paint: style }));
        if (!planHasChanges(plan)) return;
        if (!o.yes) {
          if (!process.stdin.isTTY)
            throw new CliError(
              'Not applied: no terminal to confirm on. Pass --yes to apply without asking (review the plan with `resim-sync preview` first).',
              EXIT.refused,
            );
          if (!(await confirm(`\nApply these changes to project ${quote(plan.project.name)}? Only 'yes' will be accepted: `)))
            throw new CliError('Not applied: not confirmed.', EXIT.refused);
          // The state may have moved while the user read the plan: re-read, and refuse if it did.
          const fresh = await livePlan(globals, ref, loaded, o.archive);
          assertApplicable(fresh.plan, { ...guards, expectedStateFingerprint: plan.stateFingerprint }, loaded.config);
          ({ api, plan, state } = fresh);
        }
        const history = await cliHistory(globals, {
          source: file,
          configFingerprint: fingerprintConfig(loaded.config, plan.archiveUnlisted),
        });
        const result = await recordedApply(api, plan, state, {
          onProgress: (done, total, what) => progress(`Applying ${done}/${total}: ${what}`),
          history,
        });
        progressDone();
        printApplyResult(result, result.recordID);
        if (o.updateConfig) {
          const ids: { name: string; id: string; index: number }[] = [];
          loaded.config.experiences.forEach((e, index) => {
            const id = result.experienceIDs[e.name];
            if (id && !e.experienceID) ids.push({ name: e.name, id, index });
          });
          if (ids.length) {
            const how = writeExperienceIDs(file, text, ids, readConfigBytes);
            process.stdout.write(
              `Wrote ${ids.length} experience ID${ids.length === 1 ? '' : 's'} into ${file}${how === 'merged' ? ' (merged into the edits made while the sync ran)' : ''}.\n`,
            );
          }
        }
        if (!result.ok) throw new CliError('', EXIT.error);
      },
    );
}
