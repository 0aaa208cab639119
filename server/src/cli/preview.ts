/**
 * `resim-sync preview`: show what a sync would change; writes nothing. `--json` prints the plan JSON (docs/plan-format.md).
 */
import type { Command } from 'commander';
import { fingerprintConfig } from '../sync/fingerprint';
import { planHasChanges } from '../sync/plan';
import { collectProblems } from '../sync/problems';
import { planToJson, renderPlanText } from '../sync/render';
import { writeFileSafely } from '../util/files';
import { CliError, configOpt, EXIT, failOnPlanErrors, loadAndPlan, projectOpt, readConfigFile, style, type GlobalOpts } from './common';
import { formatProblems } from './output';

/** Adds the `preview` command to the program. */
export function registerPreview(program: Command): void {
  program
    .command('preview')
    .description('show what a sync would change; writes nothing')
    .addOption(projectOpt())
    .addOption(configOpt())
    .option('--no-archive', 'keep experiences that the config does not list')
    .option('--json', 'print the plan as JSON')
    .option('--detailed-exitcode', 'exit 2 when there are changes, 0 when none')
    .option('--out <file>', 'save the plan (JSON) for `apply --plan`')
    .action(
      async (o: { project?: string; config?: string; archive: boolean; json?: boolean; detailedExitcode?: boolean; out?: string }) => {
        const { file, text, bytes } = readConfigFile(o.config);
        const { loaded, plan } = await loadAndPlan(program.opts<GlobalOpts>(), file, text, o.project, o.archive, Boolean(o.json), bytes);
        failOnPlanErrors(file, loaded, plan, Boolean(o.json));
        const json = planToJson(plan, {
          configFingerprint: o.out || o.json ? fingerprintConfig(loaded.config, plan.archiveUnlisted) : undefined,
        });
        if (o.out) writeFileSafely(o.out, JSON.stringify(json, null, 2) + '\n');
        process.stdout.write(o.json ? JSON.stringify(json, null, 2) + '\n' : renderPlanText(plan, { paint: style }));
        if (!o.json) {
          // Warnings of the file itself (the plan above already shows restores and archives).
          const problems = collectProblems(loaded).filter((p) => p.severity !== 'error');
          if (problems.length) process.stderr.write(formatProblems(file, problems, style) + '\n');
        }
        if (o.detailedExitcode && planHasChanges(plan)) throw new CliError('', EXIT.changes);
      },
    );
}
