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

await Promise.all([
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
