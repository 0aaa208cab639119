/**
 * A local ReSim-compatible API server on loopback (docs/architecture.md, "sandbox"): the demo backend of
 * `resim-sync sandbox` and the test backend of the integration tests. It serves every endpoint
 * of docs/api.md under `/v1/` (see api.ts), with bearer-token auth, optional
 * persistence to a JSON data file, and fault injection (latency, 500/503/429, dropped
 * connections, writes whose answer is lost).
 *
 * Outside `/v1/` it serves admin endpoints for tests that run it in another process (not part
 * of the ReSim API). They need `Authorization: Bearer <adminToken>` (the `token` option when
 * given, else a random one: `Sandbox.adminToken`):
 *   GET    /_sandbox/requests  the request log (RequestLogEntry[])
 *   DELETE /_sandbox/requests  clears it (204)
 *   GET    /_sandbox/faults    the fault settings
 *   PUT    /_sandbox/faults    `{latencyMs?, failRate?, next?}` → the new settings (400 on bad values)
 *   GET    /_sandbox/state     the whole store (SandboxStore)
 *   POST   /_sandbox/reset     `{seed?: "demo"|"empty"}` → starts again from that seed (204)
 *
 * Every request (API and admin) is refused with 403 when its `Host` header is not a loopback
 * name (`127.0.0.1`, `localhost`, `[::1]`, with any port: DNS rebinding) or when it carries an
 * `Origin` header (a web page in the user's browser; no ReSim client sends one). See
 * docs/security.md, "The local sandbox".
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { handleApiRequest, operationOf } from './api';
import { ApiError } from './errors';
import { isLoopbackHostHeader } from '../server/src/security/loopback';
import { decideFault, mergeFaults, type FaultDecision, type FaultKind, type FaultSettings, type FaultSpec } from './faults';
import { loadStore, saveStore } from './persist';
import { UserError } from '../server/src/util/userError';
import { seedStore, type SeedKind } from './seed';
import { SandboxDb, type SandboxStore } from './store';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { RESIM_AUDIENCE as SANDBOX_AUDIENCE } from '../server/src/resim/oauthConstants';

export interface SandboxOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Only loopback is supported. */
  host?: '127.0.0.1';
  /** JSON file to load the state from (if it exists; else the seed) and to save after every write. */
  dataFile?: string;
  /** Initial contents when there is no data file to load (default `demo`). */
  seed?: SeedKind;
  /** Start from this store instead of a seed (e.g. `generateStore(...)`); the data file still wins if it exists. */
  store?: SandboxStore;
  /** Milliseconds waited before each `/v1/` answer (default 0). */
  latencyMs?: number;
  /** Probability in [0, 1] that a `/v1/` request fails (default 0); see faults.ts. */
  failRate?: number;
  /**
   * When set, requests must carry exactly `Authorization: Bearer <token>` (API and admin
   * endpoints); otherwise the API accepts any bearer token and the admin endpoints need
   * `adminToken`.
   */
  token?: string;
  /**
   * An OAuth issuer (e.g. a local `oidc-provider`) whose access tokens are accepted as the real
   * API accepts Auth0's: JWTs signed with the issuer's keys (JWKS from its discovery document),
   * audience `https://api.resim.ai`, not expired. With `token` too, either is accepted; with
   * `issuer` alone, only such JWTs.
   */
  issuer?: string;
  /** Called with one line per `/v1/` request (never contains the token). */
  log?: (line: string) => void;
  /** Random source in [0, 1) for fault injection (default Math.random); fix it for deterministic tests. */
  random?: () => number;
  /** Request log entries kept (default 100,000; the oldest half is dropped beyond that). */
  maxLogEntries?: number;
}

/** One `/v1/` request as the sandbox saw it. */
export interface RequestLogEntry {
  method: string;
  /** The URL path, e.g. `/v1/projects/<id>/experiences`. */
  path: string;
  /** Query parameters; a repeated parameter gives a list. */
  query: Record<string, string | string[]>;
  /** The status answered; 0 when the connection was dropped. */
  status: number;
  /** RFC 3339 time the request arrived. */
  timestamp: string;
  /** The API operation (docs/api.md names, e.g. "CreateExperience"), when the path is an endpoint. */
  operation?: string;
  /** The injected fault, if any. */
  fault?: FaultKind;
  /** True when the write was applied although the answer was a fault. */
  applied?: boolean;
}

export interface Sandbox {
  /** Base URL of the API, `http://127.0.0.1:PORT/v1/`. */
  url: string;
  /** The bearer token of the `/_sandbox/` admin endpoints: the `token` option, else a random one. */
  readonly adminToken: string;
  port: number;
  /** Every `/v1/` request, oldest first. Clear it with `requestLog.length = 0`. */
  requestLog: RequestLogEntry[];
  /** The live state (plain data). Read it freely; change it only through the API or `reset`. */
  readonly store: SandboxStore;
  /** Changes latency, fail rate, or the scripted faults of the next requests. Throws RangeError on bad values. */
  setFaults(f: { latencyMs?: number; failRate?: number; next?: FaultSpec[] }): void;
  /** The current fault settings. */
  getFaults(): FaultSettings;
  /** Replaces the state with `store` or a fresh seed (saved to the data file if any). */
  reset(store?: SandboxStore | SeedKind): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

const FAULT_ANSWERS: Record<Exclude<FaultKind, 'drop'>, { status: number; message: string }> = {
  http500: { status: 500, message: 'internal server error (injected by the sandbox)' },
  http503: { status: 503, message: 'service unavailable (injected by the sandbox)' },
  http429: { status: 429, message: 'rate limit exceeded (injected by the sandbox)' },
};

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

function send(res: http.ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  if (body === undefined || status === 204) {
    res.writeHead(status, { ...headers, 'Content-Length': '0' });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Parses a JSON body; empty → undefined; invalid → ApiError 400. */
function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new ApiError(400, `request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Constant-time comparison of two secrets. */
function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Why a request is refused before anything else, or undefined: a `Host` that is not a loopback
 * name (a DNS-rebinding page reaches 127.0.0.1 under its own host name), or an `Origin` header
 * (sent by browsers with cross-site and form requests; ReSim clients never send one).
 */
export function foreignRequest(req: Pick<http.IncomingMessage, 'headers'>): string | undefined {
  const host = req.headers.host ?? '';
  if (!isLoopbackHostHeader(host))
    return `refused: the sandbox answers only requests addressed to a loopback host (127.0.0.1, localhost), not ${JSON.stringify(host)}`;
  if (req.headers.origin !== undefined)
    return `refused: requests from a web page (Origin ${JSON.stringify(req.headers.origin)}) are not accepted`;
  return undefined;
}

/** Starts the sandbox on loopback. Rejects if the port is taken or the data file is unusable. */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const random = opts.random ?? Math.random;
  const maxLog = opts.maxLogEntries ?? 100_000;
  let faults = mergeFaults({ latencyMs: 0, failRate: 0, next: [] }, { latencyMs: opts.latencyMs, failRate: opts.failRate });
  const dataFile = opts.dataFile;
  const initial = (dataFile && loadStore(dataFile)) || opts.store || seedStore(opts.seed ?? 'demo');
  let db = new SandboxDb(initial);
  if (dataFile) saveStore(dataFile, db.store);
  const requestLog: RequestLogEntry[] = [];

  const record = (entry: RequestLogEntry): void => {
    if (requestLog.length >= maxLog) requestLog.splice(0, Math.ceil(maxLog / 2));
    requestLog.push(entry);
    if (opts.log) {
      const q = new URLSearchParams(entry.query as Record<string, string>).toString();
      const status = entry.status === 0 ? 'connection dropped' : String(entry.status);
      const fault = entry.fault ? ` [fault ${entry.fault}${entry.applied ? ', write applied' : ''}]` : '';
      opts.log(`${entry.timestamp} ${entry.method} ${entry.path}${q ? `?${q}` : ''} → ${status}${fault}`);
    }
  };

  const adminToken = opts.token ?? randomBytes(24).toString('hex');
  const verifyJwt = opts.issuer ? issuerVerifier(opts.issuer) : undefined;

  /**
   * 401 unless the request carries `Bearer <expected>` or, where `jwt` is given (the API with
   * `issuer`), a JWT that it accepts; any bearer token when neither is set.
   */
  const authError = async (
    req: http.IncomingMessage,
    expected: string | undefined = opts.token,
    jwt = verifyJwt,
  ): Promise<ApiError | undefined> => {
    const header = req.headers.authorization;
    const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const challenge = { 'WWW-Authenticate': 'Bearer' };
    if (!m) return new ApiError(401, 'missing or malformed Authorization header: expected "Authorization: Bearer <token>"', challenge);
    if (expected !== undefined && sameSecret(m[1], expected)) return undefined;
    if (jwt) {
      const why = await jwt(m[1]);
      return why ? new ApiError(401, `invalid bearer token: ${why}`, challenge) : undefined;
    }
    if (expected !== undefined) return new ApiError(401, 'invalid bearer token', challenge);
    return undefined;
  };

  const answerFault = (req: http.IncomingMessage, res: http.ServerResponse, fault: FaultDecision): number => {
    if (fault.kind === 'drop') {
      req.socket.destroy();
      return 0;
    }
    const a = FAULT_ANSWERS[fault.kind];
    send(res, a.status, { message: a.message }, fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {});
    return a.status;
  };

  const handleV1 = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: Buffer, timestamp: string): Promise<void> => {
    const method = req.method ?? 'GET';
    const segments = url.pathname === '/v1' ? [] : url.pathname.slice('/v1/'.length).split('/');
    const entry: RequestLogEntry = {
      method,
      path: url.pathname,
      query: queryRecord(url.searchParams),
      status: 0,
      timestamp,
      operation: operationOf(method, segments),
    };
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    const fault = decideFault(faults, WRITE_METHODS.has(method), random);
    if (fault && !fault.applied) {
      entry.status = answerFault(req, res, fault);
      entry.fault = fault.kind;
      record(entry);
      return;
    }
    let status: number;
    let body: unknown;
    let headers: Record<string, string> = {};
    try {
      const denied = await authError(req);
      if (denied) throw denied;
      if (method !== 'GET') db.dropDerived(); // before the handler: a write that fails half-way still invalidates
      const result = handleApiRequest(db, { method, segments, query: url.searchParams, body: parseJson(raw) }, randomUUID, timestamp);
      if (result.wrote) db.dropDerived();
      if (result.wrote && dataFile) saveStore(dataFile, db.store);
      status = result.status;
      body = result.body;
    } catch (err) {
      if (err instanceof ApiError) {
        status = err.status;
        headers = err.headers;
      } else {
        status = 500;
        opts.log?.(`sandbox internal error on ${method} ${url.pathname}: ${(err as Error).stack ?? err}`);
      }
      body = { message: err instanceof ApiError ? err.message : `sandbox internal error: ${(err as Error).message}` };
    }
    if (fault) {
      entry.status = answerFault(req, res, fault);
      entry.fault = fault.kind;
      entry.applied = true;
    } else {
      send(res, status, body, headers);
      entry.status = status;
    }
    record(entry);
  };

  const handleAdmin = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: Buffer): Promise<void> => {
    const key = `${req.method} ${url.pathname}`;
    try {
      const denied = await authError(req, adminToken, undefined);
      if (denied) throw denied;
      switch (key) {
        case 'GET /_sandbox/requests':
          return send(res, 200, requestLog);
        case 'DELETE /_sandbox/requests':
          requestLog.length = 0;
          return send(res, 204);
        case 'GET /_sandbox/faults':
          return send(res, 200, faults);
        case 'PUT /_sandbox/faults': {
          const body = parseJson(raw);
          if (!body || typeof body !== 'object' || Array.isArray(body))
            throw new ApiError(400, 'body must be {latencyMs?, failRate?, next?}');
          try {
            faults = mergeFaults(faults, body as Partial<FaultSettings>);
          } catch (err) {
            throw new ApiError(400, (err as Error).message);
          }
          return send(res, 200, faults);
        }
        case 'GET /_sandbox/state':
          return send(res, 200, db.store);
        case 'POST /_sandbox/reset': {
          const body = (parseJson(raw) ?? {}) as { seed?: unknown };
          if (body.seed !== undefined && body.seed !== 'demo' && body.seed !== 'empty')
            throw new ApiError(400, 'seed must be "demo" or "empty"');
          sandbox.reset((body.seed as SeedKind | undefined) ?? opts.seed ?? 'demo');
          return send(res, 204);
        }
        default:
          throw new ApiError(404, `no such sandbox admin endpoint: ${key}`);
      }
    } catch (err) {
      const status = err instanceof ApiError ? err.status : 500;
      send(res, status, { message: (err as Error).message }, err instanceof ApiError ? err.headers : {});
    }
  };

  const server = http.createServer((req, res) => {
    const timestamp = new Date().toISOString();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      send(res, 400, { message: 'malformed request URL' });
      return;
    }
    const foreign = foreignRequest(req);
    if (foreign) {
      req.resume();
      send(res, 403, { message: foreign });
      return;
    }
    readBody(req)
      .then(
        (raw) => {
          if (url.pathname.startsWith('/_sandbox/')) return handleAdmin(req, res, url, raw);
          if (url.pathname === '/v1' || url.pathname.startsWith('/v1/')) return handleV1(req, res, url, raw, timestamp);
          return send(res, 404, { message: `not found: ${url.pathname} (the API is under /v1/)` });
        },
        (err) =>
          send(res, err instanceof BodyTooLarge ? 413 : 400, {
            message: err instanceof BodyTooLarge ? 'request body too large' : 'could not read the request body',
          }),
      )
      .catch((err) => {
        opts.log?.(`sandbox internal error: ${(err as Error).stack ?? err}`);
        send(res, 500, { message: 'sandbox internal error' });
      });
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(
        err.code === 'EADDRINUSE'
          ? new UserError(`port ${opts.port} on ${host} is already in use: choose another port, or port 0 for a free one`)
          : err.code === 'EACCES'
            ? new UserError(`port ${opts.port} on ${host} needs privileges: choose a port above 1023, or port 0 for a free one`)
            : err,
      );
    };
    server.once('error', onError);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const sandbox: Sandbox = {
    url: `http://${host}:${port}/v1/`,
    adminToken,
    port,
    requestLog,
    get store() {
      return db.store;
    },
    setFaults(f) {
      faults = mergeFaults(faults, f);
    },
    getFaults() {
      return { ...faults, next: faults.next.slice() };
    },
    reset(store) {
      const next = store === undefined ? seedStore(opts.seed ?? 'demo') : typeof store === 'string' ? seedStore(store) : store;
      db = new SandboxDb(next);
      if (dataFile) saveStore(dataFile, db.store);
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
  return sandbox;
}

export { generateStore, seedStore, SEED_IDS, GENERATED_PROJECT_ID, fixedID } from './seed';
export type { SeedKind } from './seed';
export type { SandboxStore } from './store';
export type { FaultKind, FaultSettings, FaultSpec } from './faults';

/**
 * Checks access tokens of `issuer` as the ReSim API checks Auth0's: a JWT signed with a key of
 * the issuer's JWKS (`jwks_uri` of its discovery document), issuer and audience
 * `https://api.resim.ai` matching, not expired. Resolves with why a token is refused, or undefined.
 */
function issuerVerifier(issuer: string): (token: string) => Promise<string | undefined> {
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const jwks = () =>
    (keys ??= fetch(new URL('.well-known/openid-configuration', issuer.endsWith('/') ? issuer : `${issuer}/`), { redirect: 'error' })
      .then((r) => r.json() as Promise<{ jwks_uri?: string }>)
      .then((d) => createRemoteJWKSet(new URL(d.jwks_uri ?? new URL('.well-known/jwks.json', issuer).href)))
      .catch((e: unknown) => {
        keys = undefined;
        throw e;
      }));
  return async (token) => {
    try {
      await jwtVerify(token, await jwks(), { issuer, audience: SANDBOX_AUDIENCE });
      return undefined;
    } catch (e) {
      return (e as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'the token has expired' : 'not a token of this API';
    }
  };
}
