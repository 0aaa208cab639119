// ESLint (typescript-eslint) for every TypeScript file of the repository; `npm run lint` runs it
// with `prettier --check` (the format: .prettierrc.json).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of docs/architecture.md ("Layers"), as import rules: each folder lists what it may not
 * import. Paths are matched as written in the import (relative), so each pattern names the folder.
 */
/** `[globs, message]` or `[regex, message]` per restricted group of import paths. */
const restrict = (...groups) => ({
  'no-restricted-imports': [
    'error',
    { patterns: groups.map(([g, message]) => (typeof g === 'string' ? { regex: g, message } : { group: g, message })) },
  ],
});
const SERVER = [[['**/server/src/**'], 'the layer talks to the server only through protocol/ and LSP (docs/architecture.md, "Layers")']];
const SANDBOX = [[['**/sandbox/**'], 'only the CLI starts the sandbox (server/src/cli/sandbox.ts)']];
const CLIENT = [[['**/client/src/**'], 'nothing imports the VS Code client']];
const FRONT_ENDS = [
  ['**/lsp/**', '../lsp', '**/cli/**', '../cli', '../cli.ts', '../server', '../server.ts'],
  'the engine does not depend on a front end',
];

const layerRules = [
  // protocol/: types and pure rules that every box shares; depends on nothing of ours.
  { files: ['protocol/**/*.ts'], rules: restrict(...SERVER, ...SANDBOX, ...CLIENT) },
  // config/: depends on nothing of ours but protocol/ and util/.
  {
    files: ['server/src/config/**/*.ts'],
    rules: restrict(
      FRONT_ENDS,
      [['../sync', '../sync/**', '../resim', '../resim/**'], 'config/ depends on nothing of ours but protocol/'],
      ...SANDBOX,
      ...CLIENT,
    ),
  },
  // sync/: the engine; config/'s types, its own port.
  // TODO(issue 24): sync/ still speaks resim/model's types (port.ts, model.ts, plan.ts,
  // fingerprint.ts); they move into sync's own types and resim/ adapts, then `../resim/**` is banned here.
  // TODO(issue 24): service.ts (issue 19's undo) compares a record's API URL with resim/url's
  // normalisation; the port should hand the engine its normalised base URL instead.
  {
    files: ['server/src/sync/**/*.ts'],
    rules: restrict(
      FRONT_ENDS,
      ['^\\.\\./resim(/(?!(model|url)$).*)?$', 'the engine calls the API through its port (sync/port.ts)'],
      ...SANDBOX,
      ...CLIENT,
    ),
  },
  // resim/: the API client; implements sync's port, nothing else of the engine.
  {
    files: ['server/src/resim/**/*.ts'],
    rules: restrict(
      FRONT_ENDS,
      ['^\\.\\./(config(/.*)?|sync(/(?!port$).*)?)$', 'the API client knows only the port it implements'],
      ...SANDBOX,
      ...CLIENT,
    ),
  },
  // util/, security/: leaves.
  {
    files: ['server/src/util/**/*.ts', 'server/src/security/**/*.ts'],
    rules: restrict(
      FRONT_ENDS,
      [['../config', '../config/**', '../sync', '../sync/**', '../resim', '../resim/**'], 'util/ and security/ are leaves'],
      ...SANDBOX,
      ...CLIENT,
    ),
  },
  // TODO(issue 24): security/markdown.ts (issue 18's Markdown escaping) reads the engine's value text;
  // valueText.ts moves to a leaf (or protocol/) and this exception goes.
  {
    files: ['server/src/security/markdown.ts'],
    rules: restrict(FRONT_ENDS, [['../config', '../config/**', '../resim', '../resim/**'], 'security/ is a leaf'], ...SANDBOX, ...CLIENT),
  },
  // lsp/: the language server's features; no CLI, no client.
  {
    files: ['server/src/lsp/**/*.ts'],
    rules: restrict([['**/cli/**', '../cli', '../cli.ts'], 'the language server does not use the CLI'], ...SANDBOX, ...CLIENT),
  },
  {
    files: ['server/src/cli/**/*.ts', 'server/src/cli.ts'],
    rules: restrict(
      [['**/lsp/**', '../lsp'], 'the CLI does not use the language server (TODO(issue 24): the off-thread loader)'],
      ...CLIENT,
    ),
  },
  // The CLI's `sandbox` command starts the sandbox.
  { files: ['server/src/cli/sandbox.ts'], rules: restrict(...CLIENT) },
  // client/: protocol/ and LSP only.
  { files: ['client/src/**/*.ts'], rules: restrict(...SERVER, ...SANDBOX) },
  // TODO(issue 24): client files that still import server code (sign-in flows and OAuth constants,
  // escaping and value text of the plan webview, redaction, a free port): the shared pieces move to
  // protocol/ (or a shared leaf) when the helpers editing these files this session have merged.
  {
    files: [
      'client/src/auth/flows.ts',
      'client/src/auth/signIn.ts',
      'client/src/planHtml.ts',
      'client/src/sandbox.ts',
      'client/src/redact.ts',
    ],
    rules: restrict(
      [['**/server/src/lsp/**', '**/server/src/cli/**', '**/server/src/config/**'], 'the client reaches the server only through LSP'],
      ...SANDBOX,
    ),
  },
  // sandbox/: written from docs/api.md, nothing from the server.
  { files: ['sandbox/**/*.ts'], rules: restrict(...SERVER, ...CLIENT) },
  // TODO(issue 24): the sandbox still shares the API client's model types (api.ts, store.ts, seed.ts,
  // validate.ts: resim/model, config/model) and four server leaves (util/files, util/userError,
  // security/loopback, resim/oauthConstants); its own types from docs/api.md replace the first.
  {
    files: [
      'sandbox/api.ts',
      'sandbox/store.ts',
      'sandbox/seed.ts',
      'sandbox/validate.ts',
      'sandbox/cli.ts',
      'sandbox/server.ts',
      'sandbox/persist.ts',
    ],
    rules: restrict(
      [
        ['**/server/src/lsp/**', '**/server/src/cli/**', '**/server/src/sync/**'],
        'the sandbox checks the client: it does not share its engine',
      ],
      ...CLIENT,
    ),
  },
];

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'test/e2e/.work/**', 'test/vscode/.work/**', 'test-artifacts/**', '.vscode-test/**', '**/*.js'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        __dirname: 'readonly',
        __filename: 'readonly',
        require: 'readonly',
        module: 'writable',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
      },
    },
    rules: {
      // Unused names are the compiler's job (tsconfig noUnusedLocals); `_`-prefixed parameters are intended.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // The protocol declares its messages as namespaces, as vscode-eslint does.
      '@typescript-eslint/no-namespace': 'off',
      // Tests and the sandbox read untyped JSON; `as` casts say what is expected there.
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Control characters are what the security checks look for.
      'no-control-regex': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
    },
  },
  ...layerRules,
);
