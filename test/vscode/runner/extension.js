// The test-runner extension installed beside the .vsix in code-server (test/vscode/code-server.test.ts):
// on startup it runs the suite named by RESIM_VSCODE_TEST_SUITE (test/vscode/suite/index.ts, bundled)
// inside the extension host; the suite writes its report to RESIM_VSCODE_TEST_REPORT.
const fs = require('fs');

exports.activate = async function activate() {
  const suite = process.env.RESIM_VSCODE_TEST_SUITE;
  const report = process.env.RESIM_VSCODE_TEST_REPORT;
  if (!suite || !report) return;
  try {
    await require(suite).run();
  } catch (err) {
    if (!fs.existsSync(report)) {
      fs.writeFileSync(
        report,
        JSON.stringify({
          passes: [],
          failures: [{ title: 'the suite did not run', error: String((err && err.stack) || err) }],
          pending: [],
        }),
      );
    }
  }
};

exports.deactivate = function deactivate() {};
