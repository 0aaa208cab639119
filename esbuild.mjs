// Bundles the entry points of docs/architecture.md: the extension client, the language server and the CLI.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

// The GitHub Action (action.yml, server/src/ci/github.ts). `--action` builds only its committed
// bundle, action/dist/index.js (`npm run build:action`; `--action-outfile=F` writes it elsewhere, for
// the test that the committed bundle is up to date); a plain build puts a copy in dist/ for the tests.
const action = { ...common, entryPoints: ['server/src/ci/github.ts'] };
const actionOut = process.argv.find((a) => a.startsWith('--action-outfile='))?.slice('--action-outfile='.length);
if (process.argv.includes('--action')) {
  await esbuild.build({ ...action, outfile: actionOut ?? 'action/dist/index.js', minify: true, sourcemap: false });
  process.exit(0);
}

await Promise.all([
  esbuild.build({ ...action, outfile: 'dist/action.js' }),
  // The language client is a bundle of its own, loaded after activation (client/src/lazy.ts).
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['client/src/languageClient.ts'], outfile: 'dist/languageClient.js', external: ['vscode'] }),
  // Also the `resim-language-server` program of the npm package (package.json `bin`).
  esbuild.build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' } }),
  // The language server's parsing thread (server/src/lsp/offThread.ts).
  esbuild.build({ ...common, entryPoints: ['server/src/lsp/loadWorker.ts'], outfile: 'dist/loadWorker.js' }),
  // Sign-in flows (openid-client, the API client): loaded on first sign-in or token refresh (client/src/auth/lazy.ts).
  esbuild.build({ ...common, entryPoints: ['client/src/auth/flows.ts'], outfile: 'dist/signInFlows.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
]);
