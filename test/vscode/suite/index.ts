/**
 * The extension-host suite's entry: `run()` is what `@vscode/test-electron` calls
 * (`extensionTestsPath`) and what the code-server runner extension (test/vscode/runner/) calls.
 * It runs the mocha tests of this folder inside VS Code's extension host, with the `vscode` API,
 * and writes a JSON report to `RESIM_VSCODE_TEST_REPORT` when that is set.
 */
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export interface SuiteReport {
  passes: string[];
  failures: { title: string; error: string }[];
  pending: string[];
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 90_000, color: false, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'extension.test.js'));
  const report: SuiteReport = { passes: [], failures: [], pending: [] };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const file = process.env.RESIM_VSCODE_TEST_REPORT;
      if (file) fs.writeFileSync(file, JSON.stringify(report, null, 2));
      if (failures) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => report.passes.push(t.fullTitle()));
    runner.on('fail', (t, err: Error) => report.failures.push({ title: t.fullTitle(), error: String(err?.stack ?? err) }));
    runner.on('pending', (t) => report.pending.push(t.fullTitle()));
  });
}
