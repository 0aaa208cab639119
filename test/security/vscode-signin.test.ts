/**
 * The VS Code sign-in with the browser (client/src/auth/signIn.ts) against the hostile auth
 * server (docs/security.md, "The auth server as an attacker"): the extension's own code with a
 * stub `vscode` module that records what `vscode.env.openExternal` is asked to open. A
 * `file:`, `vscode:` or foreign-host link is never opened; the auth server's own link is; what
 * is shown carries no raw control character.
 */
import { strict as assert } from 'assert';
import Module from 'module';
import * as path from 'path';
import { startHostileAuth, type HostileAuth, type HostileMode } from '../support/hostileAuth';
import { json, localServer, type LocalServer } from './helpers';

const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

interface Recorded {
  opened: string[];
  shown: string[];
  logged: string[];
}

/** The stub `vscode` module: one object (modules keep it once loaded); `current` is what this test records. */
const state: { settings: Record<string, string>; rec: Recorded } = { settings: {}, rec: { opened: [], shown: [], logged: [] } };
const vscodeStub = {
  workspace: { isTrusted: true, getConfiguration: () => ({ get: (k: string) => state.settings[k] }) },
  env: {
    clipboard: { writeText: async () => undefined },
    openExternal: async (u: { raw: string }) => {
      state.rec.opened.push(u.raw);
      return true;
    },
  },
  Uri: { parse: (raw: string) => ({ raw }) },
  ProgressLocation: { Notification: 15 },
  commands: { executeCommand: async () => undefined },
  window: {},
};

describe('security: the VS Code sign-in against a hostile auth server', function () {
  this.timeout(60_000);
  let auth: HostileAuth | undefined;
  let api: LocalServer;
  const mod = Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown };
  const realLoad = mod._load;

  before(async () => {
    api = await localServer((_q, res) => json(res, 200, { projects: [] }));
  });
  after(async () => {
    mod._load = realLoad;
    await api.close();
  });
  afterEach(async () => {
    await auth?.close();
    auth = undefined;
  });

  async function signIn(mode: HostileMode): Promise<Recorded> {
    auth = await startHostileAuth(mode);
    const rec: Recorded = { opened: [], shown: [], logged: [] };
    state.rec = rec;
    state.settings = { apiUrl: `${api.origin}/v1/`, authUrl: auth.url, authClientId: 'vscode-client' };
    const vscode = vscodeStub;
    const flowsTs = path.resolve(__dirname, '../../client/src/auth/flows.ts');
    mod._load = function (req: string, ...rest: unknown[]) {
      if (req === 'vscode') return vscode;
      // auth/lazy.ts loads the bundle dist/signInFlows.js next to itself: here, its source.
      if (req.endsWith('signInFlows.js')) return realLoad.call(this, flowsTs, ...rest);
      return realLoad.call(this, req, ...rest);
    };
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { ui } = require('../../client/src/ui') as typeof import('../../client/src/ui');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runSignIn } = require('../../client/src/auth/signIn') as typeof import('../../client/src/auth/signIn');
      let picks = 0;
      Object.assign(ui, {
        showQuickPick: async (items: { id: string }[]) => (picks++ === 0 ? items.find((i) => i.id === 'browser') : undefined),
        withProgress: (_o: unknown, task: (p: unknown, c: unknown) => unknown) =>
          task({ report: (r: { message?: string }) => rec.shown.push(r.message ?? '') }, { onCancellationRequested: () => undefined }),
        showWarningMessage: async (m: string) => void rec.shown.push(m),
        showInformationMessage: async (m: string) => void rec.shown.push(m),
      });
      const log = (m: string) => void rec.logged.push(m);
      await runSignIn({ logger: { info: log, warn: log, error: log } as never, leaveSandbox: async () => true });
    } finally {
      mod._load = realLoad;
    }
    for (const t of [...rec.shown, ...rec.logged]) assert.doesNotMatch(t, RAW_CONTROL, `shown raw: ${JSON.stringify(t)}`);
    return rec;
  }

  for (const mode of ['file-uri', 'foreign-uri', 'vscode-uri'] as const) {
    it(`${mode}: only the auth server's own link is opened, and the refusal is shown`, async () => {
      const rec = await signIn(mode);
      assert.deepEqual(rec.opened, [`${auth!.origin}/activate`]);
      assert.ok(
        rec.shown.some((m) => /was not opened/.test(m)),
        rec.shown.join('\n'),
      );
    });
  }

  it('the auth server’s link with the code is opened (control); escapes in the code are shown escaped', async () => {
    const honest = await signIn('honest');
    assert.deepEqual(honest.opened, [`${auth!.origin}/activate?user_code=ABCD-EFGH`]);
    await auth!.close();
    const escapes = await signIn('escapes');
    assert.ok(
      escapes.shown.some((m) => m.includes('ABCD\\x1b[2K')),
      escapes.shown.join('\n'),
    );
  });
});
