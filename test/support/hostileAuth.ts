/**
 * A hostile OAuth / OIDC server on 127.0.0.1 for the security tests (docs/security.md, "The auth
 * server as an attacker"): discovery, device authorization (RFC 8628), token and revocation
 * endpoints at Auth0's paths, answering as a wrong, compromised or malicious server would. It
 * records every request (path, body), so that tests can show what reached it.
 *
 * Modes:
 * - `honest`: a working server (device code approved on the first poll, JWT access token with
 *   an `email` claim, a refresh token); the control case;
 * - `echo`: refuses refresh and revocation with an `error_description` that echoes the refresh
 *   token it received;
 * - `escapes`: terminal escapes (CSI, OSC 0 title, OSC 8 link, CR, bidi) in `verification_uri`,
 *   `user_code`, the JWT's `email` claim, and in `error_description` of refresh and revocation;
 * - `file-uri` / `foreign-uri` / `vscode-uri`: `verification_uri_complete` is `file:///etc/passwd`,
 *   an https page on another host, or a `vscode:` link (`verification_uri` stays on this server);
 * - `huge-device`: a 1.5 GB device authorization answer, streamed without Content-Length;
 * - `huge-discovery`: a 400 MB discovery document (Content-Length given) before a working server;
 * - `slow`: accepts requests and never answers;
 * - `foreign-http`: discovery names token and device endpoints over plain http on `foreignOrigin`
 *   (`http://0.0.0.0:PORT`: reaches this machine, but is not a loopback name);
 * - `bad-id-token`: the token answer carries an `id_token` that is not a valid JWT.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export type HostileMode =
  | 'honest'
  | 'echo'
  | 'escapes'
  | 'file-uri'
  | 'foreign-uri'
  | 'vscode-uri'
  | 'huge-device'
  | 'huge-discovery'
  | 'slow'
  | 'foreign-http'
  | 'bad-id-token';

/** Escapes a hostile server puts in its text: erase line + cursor up, OSC 0 title, OSC 8 link, CR, RLO. */
export const ESCAPES = '\x1b[2K\x1b[1A\x1b]0;pwned\x07\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\\r\u202e';

export interface HostileAuth {
  /** `http://127.0.0.1:PORT/` (the auth URL). */
  url: string;
  origin: string;
  requests: { path: string; body: string }[];
  /** The access token (a JWT) and refresh token the `honest` flows issue. */
  accessToken: string;
  refreshToken: string;
  close(): Promise<void>;
}

function b64url(o: unknown): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}

/** An unsigned JWT (decoded for display only, never verified, by the code under test). */
export function fakeJwt(claims: Record<string, unknown>): string {
  return `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url(claims)}.c2lnbmF0dXJlLW5vdC1jaGVja2Vk`;
}

export async function startHostileAuth(mode: HostileMode, opts: { foreignOrigin?: string } = {}): Promise<HostileAuth> {
  const requests: { path: string; body: string }[] = [];
  const rand = Math.random().toString(36).slice(2, 10);
  const email = mode === 'escapes' ? `victim@corp.example${ESCAPES}Signed in as admin@corp.example` : 'person@corp.example';
  const accessToken = fakeJwt({ email, sub: 'auth0|1', exp: Math.floor(Date.now() / 1000) + 3600, azp: 'client-x' });
  const refreshToken = `RT_${rand}_refresh_token_value`;
  let origin = '';
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
    res.end(text);
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      if (body.length < 100_000) body += d;
    });
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      requests.push({ path, body });
      res.on('error', () => undefined);
      if (mode === 'slow') return; // never answers
      const params = new URLSearchParams(body);
      if (path === '/.well-known/openid-configuration') {
        if (mode === 'huge-discovery') return stream(res, 400 * 1024 * 1024, true);
        const at = mode === 'foreign-http' ? opts.foreignOrigin : origin;
        return send(res, 200, {
          issuer: `${origin}/`,
          token_endpoint: `${at}/oauth/token`,
          device_authorization_endpoint: `${at}/oauth/device/code`,
          revocation_endpoint: `${origin}/oauth/revoke`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          jwks_uri: `${origin}/jwks`,
          authorization_endpoint: `${origin}/authorize`,
        });
      }
      if (path === '/oauth/device/code') {
        if (mode === 'huge-device') return stream(res, 1536 * 1024 * 1024, false);
        const complete =
          mode === 'file-uri'
            ? 'file:///etc/passwd'
            : mode === 'foreign-uri'
              ? 'https://evil.example/activate?user_code=ABCD-EFGH'
              : mode === 'vscode-uri'
                ? 'vscode://vscode.git/clone?url=https%3A%2F%2Fevil.example%2Frepo'
                : `${origin}/activate?user_code=ABCD-EFGH`;
        return send(res, 200, {
          device_code: `DC_${rand}_device_code_value`,
          user_code: mode === 'escapes' ? `ABCD${ESCAPES}EFGH` : 'ABCD-EFGH',
          verification_uri: mode === 'escapes' ? `${origin}/activate${ESCAPES}` : `${origin}/activate`,
          verification_uri_complete: complete,
          expires_in: 60,
          interval: 1,
        });
      }
      if (path === '/oauth/token') {
        const grant = params.get('grant_type');
        if (grant === 'refresh_token' && (mode === 'echo' || mode === 'escapes')) {
          return send(res, 400, {
            error: 'server_error',
            error_description: `refresh token ${params.get('refresh_token')} was revoked${mode === 'escapes' ? ESCAPES : ''}`,
          });
        }
        const answer: Record<string, unknown> = {
          access_token: accessToken,
          token_type: 'Bearer',
          expires_in: 3600,
          refresh_token: refreshToken,
          scope: 'offline_access',
        };
        if (mode === 'bad-id-token') answer.id_token = 'not-a.valid.jwt';
        return send(res, 200, answer);
      }
      if (path === '/oauth/revoke') {
        if (mode === 'echo' || mode === 'escapes')
          return send(res, 400, {
            error: 'invalid_request',
            error_description: `cannot revoke ${params.get('token')}${mode === 'escapes' ? ESCAPES : ''}`,
          });
        res.writeHead(200);
        return res.end();
      }
      send(res, 404, { error: 'not_found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/`,
    origin,
    requests,
    accessToken,
    refreshToken,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Streams `total` bytes of a JSON string (`{"x":"aaaa…`) until the client goes away. */
function stream(res: http.ServerResponse, total: number, withLength: boolean): void {
  res.writeHead(200, { 'Content-Type': 'application/json', ...(withLength ? { 'Content-Length': String(total + 8) } : {}) });
  const chunk = Buffer.alloc(1024 * 1024, 0x61);
  let sent = 0;
  res.write('{"x":"');
  const more = () => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', more);
    }
    res.end('"}');
  };
  more();
}
