/**
 * `resim-sync clone`: write the project's experiences, tags and test suites into a new config file (the engine's `cloneConfig`).
 */
import type { Command } from 'commander';
import { cloneConfig } from '../sync/clone';
import { quote } from '../security/text';
import { writeFileSafely } from '../util/files';
import { CliError, configOpt, env, EXIT, fileExists, projectOpt, projectRef, readState, type GlobalOpts } from './common';

/** Adds the `clone` command to the program. */
export function registerClone(program: Command): void {
  program
    .command('clone')
    .description("write the project's experiences, tags and test suites into a config file")
    .addOption(projectOpt())
    .addOption(configOpt())
    .option('--force', 'overwrite the file if it exists')
    .action(async (o: { project?: string; config?: string; force?: boolean }) => {
      const file = o.config || env.RESIM_EXPERIENCES_CONFIG;
      if (!file) throw new CliError('No output file: pass --experience-config <path> for the cloned config.');
      const refuseExisting = () => {
        if (!o.force && fileExists(file))
          throw new CliError(
            `${file} already exists; clone did not overwrite it. Pass --force to replace it, or choose a new file.`,
            EXIT.refused,
          );
      };
      refuseExisting();
      const { state } = await readState(program.opts<GlobalOpts>(), projectRef(o.project, undefined));
      refuseExisting(); // it may have appeared while the project was read
      writeFileSafely(file, cloneConfig(state));
      const n = state.experiences.filter((e) => !e.archived).length;
      process.stdout.write(
        `Cloned project ${quote(state.project.name)} into ${file}: ${n} experience${n === 1 ? '' : 's'}, ${state.tags.length} tags, ${state.testSuites.length} test suites.\n`,
      );
    });
}
