/**
 * `resim-sync preview`: show what a sync would change; writes nothing. `--format json` (alias
 * `--json`) prints the plan JSON (docs/plan-format.md), `--format markdown` the plan for a
 * pull-request comment (server/src/sync/markdown.ts, docs/ci.md), `--format text` (default) the
 * plan like `terraform plan`.
 */
import { Option, type Command } from 'commander';
import { renderPlanMarkdown } from '../sync/markdown';
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
    .addOption(new Option('--format <format>', 'how the plan is printed').choices(['text', 'json', 'markdown']).default('text'))
    .option('--json', 'print the plan as JSON (same as --format json)')
    .option('--detailed-exitcode', 'exit 2 when there are changes, 0 when none')
    .option('--out <file>', 'save the plan (JSON) for `apply --plan`')
    .action(
      async (o: {
        project?: string;
        config?: string;
        archive: boolean;
        format: 'text' | 'json' | 'markdown';
        json?: boolean;
        detailedExitcode?: boolean;
        out?: string;
      }) => {
        const format = o.json ? 'json' : o.format;
        const asJson = format === 'json';
        const { file, text, bytes } = readConfigFile(o.config);
        const { loaded, plan } = await loadAndPlan(program.opts<GlobalOpts>(), file, text, o.project, o.archive, asJson, bytes);
        failOnPlanErrors(file, loaded, plan, asJson);
        const json = planToJson(plan, {
          configFingerprint: o.out || asJson ? fingerprintConfig(loaded.config, plan.archiveUnlisted) : undefined,
        });
        if (o.out) writeFileSafely(o.out, JSON.stringify(json, null, 2) + '\n');
        process.stdout.write(
          asJson
            ? JSON.stringify(json, null, 2) + '\n'
            : format === 'markdown'
              ? renderPlanMarkdown(json, { configFile: file, fullPlanAt: o.out ? `the plan file ${'`'}${o.out}${'`'}` : undefined })
              : renderPlanText(plan, { paint: style }),
        );
        if (!asJson) {
          // Warnings of the file itself (the plan above already shows restores and archives).
          const problems = collectProblems(loaded).filter((p) => p.severity !== 'error');
          if (problems.length) process.stderr.write(formatProblems(file, problems, style) + '\n');
        }
        if (o.detailedExitcode && planHasChanges(plan)) throw new CliError('', EXIT.changes);
      },
    );
}
