/**
 * `resim-sync login`, `logout` and `whoami`: signing in as a person with the device-code flow
 * (resim/login.ts), the token cached in the resim CLI's `~/.resim/cache.json` (resim/tokenCache.ts)
 * so that one login serves both tools.
 *
 *   resim-sync [--auth-url URL] [--client-id ID] login [--no-browser]
 *   resim-sync [--auth-url URL] [--client-id ID] logout
 *   resim-sync [--url URL] whoami
 *
 * `--auth-url` (env `RESIM_AUTH_URL`) defaults to ReSim's Auth0 tenant; `--client-id` here is the
 * public client to sign in with (default: the resim CLI's interactive client). Ctrl-C cancels a
 * login (exit 130). Errors are `LoginError`s (worded for the command line by `loginErrorText`)
 * or `ApiError`s.
 */
import type { Command } from 'commander';
import open from 'open';
import type { AuthProvider, ResimClient } from '../resim';
import { deviceLogin, LoginError, revokeRefreshToken, serverText, tokenIdentity, type OAuthServer } from '../resim/login';
import { CLI_INTERACTIVE_CLIENT_ID, DEFAULT_AUTH_URL } from '../resim/oauthConstants';
import { cachedToken, checkCacheDir, cliCachePath, removeCachedToken, writeCachedToken } from '../resim/tokenCache';
import { escapeVisible } from '../security/text';
import { timeoutMs } from './common';

/** Exit code of a login cancelled with Ctrl-C (128 + SIGINT). */
export const EXIT_CANCELLED = 130;

interface AuthGlobals {
  url?: string;
  authUrl?: string;
  clientId?: string;
  /** `--timeout` (seconds): the limit of each request to the auth server too. */
  timeout?: string;
}

export interface LoginCommandDeps {
  globals(): AuthGlobals;
  env: NodeJS.ProcessEnv;
  /** The API URL in use (flag, env, default). */
  apiUrl(): string;
  /** The credentials every API command uses; throws the CLI's "no credentials" error. */
  auth(): AuthProvider;
  client(auth: AuthProvider): ResimClient;
  out?: { write(s: string): unknown };
  err?: { write(s: string): unknown };
}

/** The fix, in command-line terms, for each `LoginError` code. */
export function loginErrorText(err: LoginError): string {
  const fix: Record<LoginError['code'], string> = {
    'access-denied': 'Run `resim-sync login` again to retry.',
    expired: 'Run `resim-sync login` again and approve the code before it expires.',
    cancelled: '',
    refused: 'Run `resim-sync login` again (check --client-id if you set it).',
    unreachable: 'Check --auth-url (RESIM_AUTH_URL) and your network.',
    insecure: 'Pass an https URL to --auth-url (RESIM_AUTH_URL).',
    'not-oauth': 'Check --auth-url (RESIM_AUTH_URL): it is the OAuth server, e.g. https://resim.us.auth0.com/, not the API.',
  };
  return [err.message, fix[err.code]].filter(Boolean).join(' ');
}

/** "expires 2026-… (in 5 min)", "expired 2026-… (3 min ago)" or "does not expire", after "it" or "Token:". */
export function expiryText(ms: number): string {
  if (!Number.isFinite(ms)) return 'does not expire';
  const left = Math.round((ms - Date.now()) / 60000);
  const at = new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  return left >= 0 ? `expires ${at} (in ${left} min)` : `expired ${at} (${-left} min ago)`;
}

function server(d: LoginCommandDeps): OAuthServer {
  const g = d.globals();
  return {
    authUrl: g.authUrl || d.env.RESIM_AUTH_URL || DEFAULT_AUTH_URL,
    clientId: g.clientId || CLI_INTERACTIVE_CLIENT_ID,
    timeoutS: timeoutMs({ timeout: g.timeout }) / 1000,
  };
}

export function registerLoginCommands(program: Command, d: LoginCommandDeps): void {
  const out = d.out ?? process.stdout;
  const err = d.err ?? process.stderr;

  program
    .command('login')
    .description('sign in with your browser (device code); the token goes to ~/.resim/cache.json, shared with the resim CLI')
    .option('--no-browser', 'only print the URL and the code')
    .action(async (o: { browser: boolean }) => {
      const s = server(d);
      const file = cliCachePath();
      // Before the person approves anything: a cache folder that cannot be used is refused now.
      checkCacheDir(file, { create: true });
      const cancel = new AbortController();
      const onSigint = () => cancel.abort();
      process.once('SIGINT', onSigint);
      try {
        const token = await deviceLogin({
          server: s,
          signal: cancel.signal,
          onCode: async (p) => {
            // The prompt's text is already safe to print (login.ts: serverText); only openUrl may be opened.
            const url = p.openUrl ? escapeVisible(p.openUrl) : p.verificationUri;
            err.write(
              `To sign in, open\n  ${url}\nand check that it shows the code\n  ${p.userCode}\n(valid ${Math.round(p.expiresIn / 60)} min; Ctrl-C cancels)\n`,
            );
            if (p.notOpened) err.write(`${p.notOpened}\n`);
            if (p.openUrl && o.browser && process.stdout.isTTY) await open(p.openUrl).catch(() => undefined);
          },
        });
        const { setAside } = writeCachedToken(file, s.clientId, token);
        if (setAside) err.write(`Warning: ${file} could not be used; it was kept as ${setAside} and a new one written.\n`);
        const who = tokenIdentity(token.accessToken);
        const refreshed = token.refreshToken ? (Number.isFinite(token.expiresAt) ? ' and is refreshed automatically' : '') : '';
        out.write(
          `Signed in${who.account ? ` as ${who.account}` : ''} (OAuth client ${s.clientId}). Token saved to ${file}; it ${expiryText(token.expiresAt)}${refreshed}.\n`,
        );
      } finally {
        process.off('SIGINT', onSigint);
      }
    });

  program
    .command('logout')
    .description('sign out: revoke the refresh token and remove the token from ~/.resim/cache.json')
    .action(async () => {
      const s = server(d);
      const file = cliCachePath();
      const token = cachedToken(file, s.clientId);
      if (!token) {
        out.write(`Not signed in: ${file} holds no token for OAuth client ${s.clientId}.\n`);
        return;
      }
      let revoked = false;
      if (token.refreshToken) {
        revoked = await revokeRefreshToken(s, token.refreshToken).catch((e: unknown) => {
          err.write(`Warning: the refresh token could not be revoked: ${e instanceof LoginError ? e.message : serverText(String(e))}\n`);
          return false;
        });
      }
      removeCachedToken(file, s.clientId);
      out.write(
        `Signed out: removed the token of OAuth client ${s.clientId} from ${file}${revoked ? ' and revoked its refresh token' : ''}.\n`,
      );
    });

  program
    .command('whoami')
    .description('show the API, who you are signed in as, and when the token expires (after a call to the API)')
    .action(async () => {
      const auth = d.auth();
      const api = d.client(auth);
      const projects = await api.listProjects();
      const token = await auth.getToken();
      const who = tokenIdentity(token);
      const lines = [
        `API:          ${d.apiUrl()} (answered: ${projects.length} project${projects.length === 1 ? '' : 's'} visible)`,
        `Signed in as: ${who.account ?? 'unknown (the token carries no identity)'}${who.clientId ? ` (OAuth client ${who.clientId})` : ''}`,
        `Credentials:  ${auth.describe()}`,
        `Token:        ${who.expiresAt !== undefined ? expiryText(who.expiresAt) : 'expiry unknown'}`,
      ];
      out.write(lines.join('\n') + '\n');
    });
}
