/**
 * How the extension starts the bundled sandbox (`dist/cli.js sandbox`): with the extension
 * host's own Node (`process.execPath`, `ELECTRON_RUN_AS_NODE` in desktop VS Code), and the
 * bearer token in the child's environment (`RESIM_SANDBOX_TOKEN`), never on its command line,
 * which every local user can read (`ps`, /proc/<pid>/cmdline). No `vscode` import: the security
 * test starts it exactly so (test/security/sandbox.test.ts).
 */
import { spawn, type ChildProcess } from 'child_process';

/** Spawns `node <cli> sandbox --port <port> --seed demo` with `RESIM_SANDBOX_TOKEN=<token>`. */
export function spawnSandbox(cli: string, port: number, token: string, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawn(process.execPath, [cli, 'sandbox', '--port', String(port), '--seed', 'demo'], {
    env: { ...env, ELECTRON_RUN_AS_NODE: '1', RESIM_SANDBOX_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
