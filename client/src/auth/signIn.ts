/**
 * The Sign In flow (ReSim: Sign In, and the Accounts menu through the provider's
 * `createSession`): sign in with the browser (device code through `vscode.env.openExternal`, the
 * code copied to the clipboard and shown), an API token, client credentials, or the resim CLI's
 * login. Every method ends with a call to the API (ListProjects) before anything says "signed
 * in"; a failure says why in one sentence and asks again.
 *
 * Settings (machine-scoped, ignored in Restricted Mode, where signing in is off):
 * `resim.authUrl` (default ReSim's Auth0 tenant) and `resim.authClientId` (default the resim
 * CLI's public client).
 */
import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import { CLI_INTERACTIVE_CLIENT_ID, DEFAULT_AUTH_URL } from '../../../server/src/resim/oauthConstants';
import { DEFAULT_API_URL } from '../../../protocol';
import type { Logger } from '../log';
import { flows } from './lazy';
import { METHOD_LABEL, type SignInMethod, type StoredSession } from './provider';
import { ui } from '../ui';

export interface SignInDeps {
  logger: Logger;
  /** Resolves false when the person chose to stay in sandbox mode (no sign-in then). */
  leaveSandbox(): Promise<boolean>;
}

function authSettings(): { apiUrl: string; authUrl: string; clientId: string } {
  const cfg = vscode.workspace.getConfiguration('resim');
  return {
    apiUrl: cfg.get<string>('apiUrl')?.trim() || DEFAULT_API_URL,
    authUrl: cfg.get<string>('authUrl')?.trim() || DEFAULT_AUTH_URL,
    clientId: cfg.get<string>('authClientId')?.trim() || CLI_INTERACTIVE_CLIENT_ID,
  };
}

interface MethodItem extends vscode.QuickPickItem {
  id: SignInMethod;
}

const ITEMS: MethodItem[] = [
  {
    id: 'browser',
    label: 'Sign in with the browser',
    detail: 'Opens the ReSim sign-in page; confirm the code shown here (copied to the clipboard).',
  },
  { id: 'token', label: 'API token', detail: "Paste a ReSim API token; kept in VS Code's secret storage." },
  {
    id: 'clientCredentials',
    label: 'Client credentials',
    detail: 'An OAuth client ID and secret (machine login); kept in secret storage.',
  },
  { id: 'cliCache', label: 'resim CLI login', detail: 'Use the sign-in the resim CLI (or resim-sync login) saved on this machine.' },
];

/** A verified session to store; undefined when cancelled. */
export async function runSignIn(deps: SignInDeps): Promise<StoredSession | undefined> {
  if (!vscode.workspace.isTrusted) {
    const choice = await ui.showWarningMessage(
      'ReSim: signing in is off in Restricted Mode. Trust this workspace to sign in.',
      'Manage Workspace Trust',
    );
    if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
    return undefined;
  }
  if (!(await deps.leaveSandbox())) return undefined;
  let failure: string | undefined;
  for (;;) {
    const pick = await ui.showQuickPick(ITEMS, {
      title: failure ? `ReSim: Sign In — ${failure}` : 'ReSim: Sign In',
      placeHolder: failure ? 'Try again, or choose another way to sign in' : 'How do you want to sign in?',
      ignoreFocusOut: true,
    });
    if (!pick) return undefined;
    const result = await runMethod(pick.id, deps);
    if (result === undefined) return undefined;
    if ('session' in result) {
      const how = METHOD_LABEL[result.session.method];
      void ui.showInformationMessage(
        `ReSim: signed in ${result.session.account === how ? `with an ${how}` : `as ${result.session.account} (${how})`}; the API at ${result.session.apiUrl} answered.`,
      );
      return result.session;
    }
    failure = result.failure;
    deps.logger.warn(`Sign-in (${METHOD_LABEL[pick.id]}) failed: ${failure}`);
  }
}

type Outcome = { session: StoredSession } | { failure: string } | undefined;

async function verified(apiUrl: string, s: Omit<StoredSession, 'id' | 'apiUrl'>): Promise<Outcome> {
  try {
    await ui.withProgress({ location: vscode.ProgressLocation.Notification, title: `ReSim: checking the sign-in with ${apiUrl}` }, () =>
      flows().verifyToken(apiUrl, s.accessToken),
    );
  } catch (err) {
    return { failure: err instanceof Error ? err.message : String(err) };
  }
  return { session: { ...s, id: randomUUID(), apiUrl } };
}

async function runMethod(method: SignInMethod, deps: SignInDeps): Promise<Outcome> {
  const { apiUrl, authUrl, clientId } = authSettings();
  const f = flows();
  const label = (token: string, fallback: string) => f.identity(token).account ?? fallback;
  try {
    switch (method) {
      case 'browser': {
        const token = await ui.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'ReSim: sign in with the browser', cancellable: true },
          async (progress, cancel) => {
            const ac = new AbortController();
            cancel.onCancellationRequested(() => ac.abort());
            return f.browserSignIn(
              authUrl,
              clientId,
              async (p) => {
                await vscode.env.clipboard.writeText(p.userCode).then(undefined, () => undefined);
                progress.report({ message: `Confirm the code ${p.userCode} in the browser (copied to the clipboard).` });
                // The prompt's text is safe to show (login.ts serverText); only `openUrl` is opened
                // (https on the auth server's host: never file:, javascript:, vscode: or another host).
                deps.logger.info(`Browser sign-in: confirm the code ${p.userCode} at ${p.verificationUriComplete ?? p.verificationUri}`);
                if (p.notOpened) {
                  deps.logger.warn(`Browser sign-in: ${p.notOpened}`);
                  void ui.showWarningMessage(`ReSim: ${p.notOpened} The auth server's sign-in page: ${p.verificationUri}`);
                }
                if (p.openUrl) await vscode.env.openExternal(vscode.Uri.parse(p.openUrl, true));
              },
              ac.signal,
            );
          },
        );
        return verified(apiUrl, {
          method,
          account: label(token.accessToken, 'ReSim user'),
          authUrl,
          clientId,
          accessToken: token.accessToken,
          refreshToken: token.refreshToken,
          expiresAt: finite(token.expiresAt),
        });
      }
      case 'token': {
        let prompt = 'Paste your ReSim API token';
        for (;;) {
          const token = (
            await ui.showInputBox({
              title: 'ReSim: API token',
              prompt,
              password: true,
              ignoreFocusOut: true,
              validateInput: (v) => (v.trim() ? undefined : 'The token is empty'),
            })
          )?.trim();
          if (!token) return undefined;
          const out = await verified(apiUrl, {
            method,
            account: label(token, 'API token'),
            accessToken: token,
            expiresAt: f.identity(token).expiresAt,
          });
          if (out && 'failure' in out) {
            prompt = `${out.failure} Paste a token for this API, or press Escape.`;
            deps.logger.warn(`Sign-in (API token) failed: ${out.failure}`);
            continue;
          }
          return out;
        }
      }
      case 'clientCredentials': {
        let prompt = 'OAuth client ID';
        for (;;) {
          const id = (
            await ui.showInputBox({
              title: 'ReSim: client credentials (1/2)',
              prompt,
              ignoreFocusOut: true,
              validateInput: (v) => (v.trim() ? undefined : 'The client ID is empty'),
            })
          )?.trim();
          if (!id) return undefined;
          const secret = (
            await ui.showInputBox({
              title: 'ReSim: client credentials (2/2)',
              prompt: 'OAuth client secret',
              password: true,
              ignoreFocusOut: true,
              validateInput: (v) => (v.trim() ? undefined : 'The client secret is empty'),
            })
          )?.trim();
          if (!secret) return undefined;
          let out: Outcome;
          try {
            const t = await f.clientCredentialsToken(authUrl, id, secret);
            out = await verified(apiUrl, {
              method,
              account: `client ${id}`,
              authUrl,
              clientId: id,
              clientSecret: secret,
              accessToken: t.accessToken,
              expiresAt: finite(t.expiresAt),
            });
          } catch (err) {
            out = { failure: (err as Error).message };
          }
          if (out && 'failure' in out) {
            prompt = `${out.failure} OAuth client ID:`;
            deps.logger.warn(`Sign-in (client credentials) failed: ${out.failure}`);
            continue;
          }
          return out;
        }
      }
      case 'cliCache': {
        const t = await f.cliCacheToken(authUrl, clientId);
        return verified(apiUrl, {
          method,
          account: label(t.accessToken, 'resim CLI login'),
          authUrl,
          clientId,
          accessToken: t.accessToken,
          expiresAt: finite(t.expiresAt),
        });
      }
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'cancelled') return undefined;
    return { failure: err instanceof Error ? err.message : String(err) };
  }
}

function finite(ms: number | undefined): number | undefined {
  return ms !== undefined && Number.isFinite(ms) ? ms : undefined;
}
