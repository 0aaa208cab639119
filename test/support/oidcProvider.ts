/**
 * A real OAuth 2 / OpenID Connect server for tests: `oidc-provider` on a free loopback port,
 * with the device authorization grant (RFC 8628), refresh tokens, client credentials and token
 * revocation on, and its routes where Auth0 has them (`oauth/device/code`, `oauth/token`,
 * `oauth/revoke`, `activate`), so that both OIDC discovery and the Auth0 fallback paths of
 * `server/src/resim/login.ts` meet the same server. Access tokens are JWTs for the audience
 * `https://api.resim.ai`, as Auth0 issues them for ReSim.
 *
 * Test-only knobs (each is a server policy a real authorization server may have):
 * - `interval`: the polling interval (seconds) the device authorization response advertises;
 * - `minPollSeconds`: a poll sooner than this after the previous one answers `slow_down`;
 * - `deviceCodeTtl`, `accessTokenTtl`: lifetimes in seconds.
 *
 * `approve(userCode)` / `deny(userCode)` go through the provider's own HTML pages over HTTP
 * (confirm the code, log in, consent), as a person in a browser would.
 */
import * as http from 'http';
import * as net from 'net';

export const INTERACTIVE_CLIENT = 'test-interactive-client';
export const MACHINE_CLIENT = 'test-machine-client';
export const MACHINE_SECRET = 'test-machine-secret-0123456789';
export const AUDIENCE = 'https://api.resim.ai';

export interface TestOidcOptions {
  interval?: number;
  minPollSeconds?: number;
  deviceCodeTtl?: number;
  accessTokenTtl?: number;
  /** Serve `.well-known/openid-configuration` (default true); false leaves only the Auth0 paths. */
  discovery?: boolean;
}

export interface TestOidc {
  /** Issuer and auth URL, ending with `/`. */
  url: string;
  /** Times (ms) of every device-code poll of the token endpoint. */
  polls: number[];
  /** Every request path seen (for discovery/fallback assertions). */
  paths: string[];
  /** The `grant_type` of every token request, in order. */
  grants: string[];
  approve(userCode: string, account?: string): Promise<void>;
  deny(userCode: string): Promise<void>;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export async function startTestOidc(opts: TestOidcOptions = {}): Promise<TestOidc> {
  const { default: Provider } = await import('oidc-provider');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const provider = new Provider(url, {
    clients: [
      {
        client_id: INTERACTIVE_CLIENT,
        client_name: 'resim-sync test',
        token_endpoint_auth_method: 'none',
        grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: MACHINE_CLIENT,
        client_secret: MACHINE_SECRET,
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    routes: {
      device_authorization: '/oauth/device/code',
      token: '/oauth/token',
      revocation: '/oauth/revoke',
      code_verification: '/activate',
      jwks: '/.well-known/jwks.json',
      userinfo: '/userinfo',
    },
    scopes: ['openid', 'offline_access'],
    features: {
      deviceFlow: { enabled: true },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'offline_access',
          audience: AUDIENCE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: opts.accessTokenTtl ?? 3600,
        }),
      },
    },
    ttl: {
      DeviceCode: opts.deviceCodeTtl ?? 600,
      AccessToken: opts.accessTokenTtl ?? 3600,
      ClientCredentials: opts.accessTokenTtl ?? 3600,
      RefreshToken: 86400,
      Grant: 86400,
      Session: 86400,
      Interaction: 600,
    },
    // Refresh tokens for every client allowed the refresh_token grant (Auth0 issues one for offline_access).
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    loadExistingGrant: async (ctx: any) => {
      // Consent is implied for the test clients: every requested scope and the API are granted.
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid offline_access');
      grant.addResourceScope(AUDIENCE, 'offline_access');
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub, email: `${sub}@example.com` }),
    }),
    pkce: { required: () => false },
  } as any);
  provider.proxy = false;

  const polls: number[] = [];
  const paths: string[] = [];
  const grants: string[] = [];
  let lastPoll = 0;
  provider.use(async (ctx: any, next: () => Promise<void>) => {
    paths.push(ctx.path);
    if (opts.discovery === false && ctx.path.startsWith('/.well-known/openid-configuration')) {
      ctx.status = 404;
      ctx.body = 'Not Found';
      return;
    }
    if (ctx.method === 'POST' && ctx.path === '/oauth/token') {
      // Peek at the grant type without consuming the body for oidc-provider.
      const raw = await new Promise<string>((resolve) => {
        const chunks: Buffer[] = [];
        ctx.req.on('data', (c: Buffer) => chunks.push(c));
        ctx.req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      });
      ctx.req.body = raw; // oidc-provider reads a pre-parsed string body
      grants.push(new URLSearchParams(raw).get('grant_type') ?? '');
      if (new URLSearchParams(raw).get('grant_type') === 'urn:ietf:params:oauth:grant-type:device_code') {
        const now = Date.now();
        polls.push(now);
        const tooSoon = opts.minPollSeconds !== undefined && lastPoll && now - lastPoll < opts.minPollSeconds * 1000;
        lastPoll = now;
        if (tooSoon) {
          ctx.status = 400;
          ctx.body = { error: 'slow_down', error_description: 'you are polling too quickly' };
          return;
        }
      }
    }
    await next();
    if (
      ctx.path === '/oauth/device/code' &&
      ctx.status === 200 &&
      opts.interval !== undefined &&
      ctx.body &&
      typeof ctx.body === 'object'
    ) {
      ctx.body = { ...ctx.body, interval: opts.interval };
    }
  });

  const server = http.createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  const browse = async (userCode: string, choice: 'approve' | 'deny', account: string) => {
    const jar = new Map<string, string>();
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const go = async (target: string, body?: Record<string, string>): Promise<{ status: number; location?: string; html: string }> => {
      const res = await fetch(new URL(target, url), {
        method: body ? 'POST' : 'GET',
        redirect: 'manual',
        headers: { cookie: cookie(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body: body ? new URLSearchParams(body).toString() : undefined,
      });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair.indexOf('=');
        jar.set(pair.slice(0, i), pair.slice(i + 1));
      }
      return { status: res.status, location: res.headers.get('location') ?? undefined, html: await res.text() };
    };
    const hidden = (html: string) =>
      Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const formAction = (html: string) => /<form[^>]*action="([^"]+)"/.exec(html)?.[1] ?? '';
    let page = await go(`/activate?user_code=${encodeURIComponent(userCode)}`);
    const fields = hidden(page.html);
    let res = await go('/activate', choice === 'approve' ? { ...fields, confirm: 'yes' } : { ...fields, abort: 'yes' });
    for (let i = 0; i < 12 && res.location; i++) {
      res = await go(res.location);
      if (/name="login"/.test(res.html)) {
        res = await go(formAction(res.html), { prompt: 'login', login: account, password: 'any' });
      } else if (/name="prompt" value="consent"/.test(res.html)) {
        res = await go(formAction(res.html), { prompt: 'consent' });
      }
    }
    page = res;
    if (choice === 'approve' && !/Sign-in Success/.test(page.html))
      throw new Error(`approval did not finish: ${page.status} ${page.html.slice(0, 500)}`);
  };

  return {
    url,
    polls,
    paths,
    grants,
    approve: (userCode, account = 'engineer') => browse(userCode, 'approve', account),
    deny: (userCode) => browse(userCode, 'deny', 'nobody'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
