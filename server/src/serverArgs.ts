/**
 * The command line of `resim-language-server` (dist/server.js; docs/editors.md): the transport
 * is chosen by vscode-languageserver from `--stdio`, `--node-ipc` (VS Code), `--socket=N` or
 * `--pipe=NAME`. This answers `--version` and `--help`, and refuses a command line without a
 * transport with one line instead of the library's stack trace.
 */
import { VERSION } from './version';

const USAGE = `Usage: resim-language-server --stdio
The ReSim Experience Sync language server (LSP). Editors start it; setups: docs/editors.md.
Transports: --stdio | --node-ipc | --socket=<port> | --pipe=<name>
Connection: RESIM_URL, RESIM_PROJECT, RESIM_TOKEN (or RESIM_CLIENT_ID and RESIM_CLIENT_SECRET,
or the resim CLI's login); settings sent by the editor win.`;

const TRANSPORT = /^--(stdio|node-ipc|socket|pipe)(=|$)/;

/**
 * What to do with `args` (`process.argv.slice(2)`): run the server, or print `text` to stdout
 * (exit 0) or stderr (exit 1).
 */
export function serverArgs(args: readonly string[]): { run: true } | { run: false; exitCode: 0 | 1; text: string } {
  if (args.includes('--version') || args.includes('-v')) return { run: false, exitCode: 0, text: VERSION };
  if (args.includes('--help') || args.includes('-h')) return { run: false, exitCode: 0, text: USAGE };
  if (args.some((a) => TRANSPORT.test(a))) return { run: true };
  return {
    run: false,
    exitCode: 1,
    text: `resim-language-server: no transport given (${args.length ? `got ${args.join(' ')}` : 'no arguments'}); editors start it with --stdio. See --help.`,
  };
}
