/**
 * `resim-sync validate`: check a config statically, and against the project with `--project`; `--fix` repairs tabs and snake_case keys.
 * `--format` prints the problems as compiler-style lines (`text`, default), JSON (`json`, alias
 * `--json`), SARIF 2.1.0 (`sarif`) or GitHub workflow commands (`github`): cli/annotations.ts.
 */
import { Option, type Command } from 'commander';
import { problemsSarif, writeGithubAnnotations } from './annotations';
import { fixConfig, loadConfig, withDiagnostics } from '../config';
import { resolveProjectRef } from '../resim/connection';
import type { Plan } from '../sync/model';
import { collectProblems } from '../sync/problems';
import { writeFileSafely } from '../util/files';
import { CliError, configOpt, env, EXIT, livePlan, projectOpt, readConfigBytes, readConfigFile, style, type GlobalOpts } from './common';
import { formatProblems, problemsJson } from './output';

/** Adds the `validate` command to the program. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a config (statically; against the project too with --project)')
    .addOption(configOpt())
    .addOption(projectOpt())
    .option('--fix', 'apply the safe fixes (tabs → spaces, snake_case → camelCase), keeping comments')
    .option('--no-archive', 'with --project: do not count unlisted experiences as archived')
    .addOption(new Option('--format <format>', 'how problems are printed').choices(['text', 'json', 'sarif', 'github']).default('text'))
    .option('--json', 'print errors as JSON (same as --format json)')
    .action(async (o: { config?: string; project?: string; fix?: boolean; archive: boolean; format: string; json?: boolean }) => {
      const format = o.json ? 'json' : o.format;
      const read = readConfigFile(o.config);
      const { file, bytes } = read;
      let text = read.text;
      // Never write a text decoded from bytes that were not UTF-8 (that would bake in the guess).
      if (o.fix && !bytes.length) {
        const fixed = fixConfig(text, ['tabs', 'snake-case']);
        if (fixed.text !== text) {
          if (readConfigBytes(file).toString('utf8') !== text)
            throw new CliError(`${file} changed while it was being fixed; it was not written. Run validate --fix again.`);
          writeFileSafely(file, fixed.text);
          text = fixed.text;
          process.stderr.write(`Fixed ${file}: ${fixed.applied.join('; ')}.\n`);
        } else process.stderr.write(`Nothing to fix automatically in ${file}.\n`);
      }
      const loaded = withDiagnostics(loadConfig(text, { fast: true }), bytes);
      let plan: Plan | undefined;
      const ref = resolveProjectRef(o.project, env);
      if (ref && loaded.ok) plan = (await livePlan(program.opts<GlobalOpts>(), ref, loaded, o.archive)).plan;
      const problems = collectProblems(loaded, plan?.errors, plan?.notices);
      const errors = problems.filter((p) => p.severity === 'error').length;
      if (format === 'json') process.stdout.write(problemsJson(problems) + '\n');
      else if (format === 'sarif') process.stdout.write(JSON.stringify(problemsSarif(file, problems), null, 2) + '\n');
      else if (format === 'github') writeGithubAnnotations(file, problems);
      else if (problems.length) process.stdout.write(formatProblems(file, problems, style) + '\n');
      if (format === 'text') {
        const n = loaded.config.experiences.length;
        process.stdout.write(
          errors
            ? `\n${errors} error${errors === 1 ? '' : 's'} in ${file}.${problems.some((p) => p.code === 'tab-indent' || p.code === 'snake-case-key') ? ' Run with --fix to repair tabs and snake_case keys.' : ''}\n`
            : `${file} is valid: ${n} experience${n === 1 ? '' : 's'}${plan ? `, checked against project "${plan.project.name}"` : ''}.\n`,
        );
      }
      if (errors) throw new CliError('', EXIT.error);
    });
}
