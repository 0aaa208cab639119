/**
 * The client-credentials token fetch is bounded (server/src/resim/auth.ts): a token endpoint that
 * accepts the connection and never answers is an error after `timeoutMs`, not a hang; and when
 * every caller waiting for the token gives up (abort), the request itself is aborted.
 */
import { strict as assert } from 'assert';
import * as http from 'http';
import type { AddressInfo } from 'net';
import type { Socket } from 'net';
import { ApiError, ClientCredentialsAuth } from '../../server/src/resim';

describe('resim auth: the token fetch has a timeout and honours cancellation', () => {
  let server: http.Server;
  let url = '';
  const sockets: { socket: Socket; closed: boolean }[] = [];

  beforeEach(async () => {
    server = http.createServer(() => undefined); // reads the request, never answers
    server.on('connection', (socket: Socket) => {
      const s = { socket, closed: false };
      socket.on('close', () => {
        s.closed = true;
      });
      sockets.push(s);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.socket.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const auth = (timeoutMs: number) =>
    new ClientCredentialsAuth({ clientId: 'id', clientSecret: 'SECRET-x', authUrl: url, audience: 'https://api.resim.ai', timeoutMs });

  it('an endpoint that never answers is an auth error after the timeout, not retried', async () => {
    await assert.rejects(auth(300).getToken(), (e: unknown) => {
      assert.ok(e instanceof ApiError, String(e));
      assert.equal(e.kind, 'auth');
      assert.equal(e.retriable, false);
      assert.match(e.message, /did not answer within 0\.3 s/);
      assert.doesNotMatch(e.message, /SECRET-x/);
      return true;
    });
  });

  it('aborting the only caller rejects at once and aborts the request', async () => {
    const controller = new AbortController();
    const pending = auth(60_000).getToken(controller.signal);
    const t0 = Date.now();
    while (!sockets.length && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 10));
    assert.equal(sockets.length, 1, 'the request reached the endpoint');
    controller.abort();
    await assert.rejects(pending, (e: unknown) => e instanceof ApiError && e.kind === 'aborted');
    const t1 = Date.now();
    while (!sockets[0].closed && Date.now() - t1 < 30_000) await new Promise((r) => setTimeout(r, 10));
    assert.ok(sockets[0].closed, 'the connection to the token endpoint was closed');
  });

  it('one caller giving up does not abort the fetch another caller still waits for', async () => {
    const a = auth(60_000);
    const controller = new AbortController();
    const first = a.getToken(controller.signal);
    const second = a.getToken();
    second.catch(() => undefined);
    const t0 = Date.now();
    while (!sockets.length && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    await assert.rejects(first, (e: unknown) => e instanceof ApiError && e.kind === 'aborted');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(sockets[0].closed, false, 'the shared request is still open');
  });
});
