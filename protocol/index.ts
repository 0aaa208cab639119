/**
 * The protocol shared by the VS Code client, the language server and the CLI: custom LSP
 * messages, the plan JSON, diagnostic codes and the config-file rules both sides apply. Types
 * and small pure functions only: no I/O, no `vscode`, no server code.
 */
export * from './config';
export * from './diagnostics';
export * from './messages';
export * from './plan';
export * from './projectView';
export * from './history';
