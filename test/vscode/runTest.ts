/**
 * `npm run test:vscode`: the extension-host suite (test/vscode/suite/) in desktop VS Code with
 * @vscode/test-electron, which downloads VS Code (`VSCODE_VERSION`, default "stable") unless
 * `VSCODE_EXECUTABLE` names an installed one. Where VS Code cannot be downloaded it says so and
 * exits 1; `npm test` runs the same suite in code-server instead (code-server.test.ts).
 */
import * as path from 'path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { buildSuite, makeWorkspace, ROOT, WORK } from './workspace';

async function main(): Promise<number> {
  const suite = await buildSuite();
  const workspace = makeWorkspace(path.join(WORK, 'electron-workspace'));
  let executable = process.env.VSCODE_EXECUTABLE;
  if (!executable) {
    try {
      executable = await Promise.race([
        downloadAndUnzipVSCode(process.env.VSCODE_VERSION ?? 'stable'),
        new Promise<string>((_, reject) => setTimeout(() => reject(new Error('no answer within 120 s')), 120_000)),
      ]);
    } catch (err) {
      process.stderr.write(
        `npm run test:vscode: VS Code could not be downloaded (${err instanceof Error ? err.message : String(err)}). ` +
          '@vscode/test-electron needs the VS Code download servers; set VSCODE_EXECUTABLE to an installed VS Code instead. ' +
          "`npm test` runs the same suite inside code-server's extension host (test/vscode/code-server.test.ts).\n",
      );
      return 1;
    }
  }
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: suite,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: { RESIM_EXTENSION_TESTS: '1', RESIM_TOKEN: '', RESIM_URL: '' },
    });
    return 0;
  } catch (err) {
    process.stderr.write(`npm run test:vscode: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

void main().then((code) => (process.exitCode = code));
