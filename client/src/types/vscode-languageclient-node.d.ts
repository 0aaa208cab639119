// tsconfig's `moduleResolution: "node"` ignores package.json `exports`, through which
// vscode-languageclient@11 publishes its `./node` entry point; esbuild (which bundles it) reads
// `exports` fine. This maps the subpath to its typings for the type checker only.
declare module 'vscode-languageclient/node' {
  export * from 'vscode-languageclient/lib/node/main';
}
declare module 'vscode-languageserver-protocol/node' {
  export * from 'vscode-languageserver-protocol/lib/node/main';
}
declare module 'vscode-jsonrpc/node' {
  export * from 'vscode-jsonrpc/lib/node/main';
}
