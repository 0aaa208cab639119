// StrykerJS (mutation testing) over the sync engine and the config's cross-checks: `npm run
// test:mutation` runs every mutant; `npm run test:mutation:floor` (part of `npm test`) runs the
// three files with a floor and fails below it (scripts/mutation-floor.mjs). Mutants of message
// text are disabled in the source with `// Stryker disable next-line StringLiteral: message text`.
export default {
  testRunner: 'mocha',
  mochaOptions: {
    // The unit tests of the engine and the config's checks (the loader's slow contract suites
    // exercise the same checks and are left to `npm test`).
    spec: [
      'test/unit/plan.test.ts',
      'test/unit/plan-fields.test.ts',
      'test/unit/plan-rules.test.ts',
      'test/unit/apply.test.ts',
      'test/unit/service.test.ts',
      'test/unit/glob-and-plan-fields.test.ts',
      'test/unit/checks.test.ts',
      'test/unit/problems.test.ts',
      'test/unit/fidelity.test.ts',
      'test/unit/trust-rules.test.ts',
      'test/unit/config.test.ts',
    ],
    require: ['tsx/cjs'],
    extension: ['ts'],
  },
  mutate: ['server/src/sync/**/*.ts', 'server/src/config/checks.ts'],
  coverageAnalysis: 'perTest',
  // Incremental: only mutants whose code or covering tests changed since the recorded run are
  // tested again (the record is committed, so CI and \`npm test\` start from it).
  incremental: true,
  incrementalFile: 'test/mutation/stryker-incremental.json',
  concurrency: 2,
  timeoutMS: 20000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: '.work/mutation/mutation.json' },
  tempDirName: '.work/stryker-tmp',
  cleanTempDir: true,
  ignorePatterns: ['dist', 'test-artifacts', 'bench/.work', 'test/e2e/.work', 'test/vscode/.work', '*.vsix'],
};
