/**
 * Small stand-ins of the GitHub REST API and the GitLab API v4 on 127.0.0.1, for the CI tests
 * (test/integration/github-action.test.ts, gitlab-ci.test.ts): just the comment and note
 * endpoints the action and the GitLab script call, kept in memory, and every request recorded
 * (method, path, headers, body) so that a test can check what was sent, and that no ReSim
 * credential ever was.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface StoredComment {
  id: number;
  body: string;
}

export interface StandIn {
  /** Base URL, e.g. `http://127.0.0.1:PORT` (GitHub) or `http://127.0.0.1:PORT/api/v4` (GitLab). */
  url: string;
  requests: RecordedRequest[];
  /** Comments (GitHub) or notes (GitLab) by issue / merge-request number. */
  comments: Map<number, StoredComment[]>;
  close(): Promise<void>;
}

type Route = (req: RecordedRequest, m: RegExpExecArray, send: (status: number, body: unknown) => void) => void;

async function serve(
  prefix: string,
  routes: [string, RegExp, Route][],
  expectAuth: (h: http.IncomingHttpHeaders) => boolean,
): Promise<StandIn> {
  const requests: RecordedRequest[] = [];
  const comments = new Map<number, StoredComment[]>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const rec: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      requests.push(rec);
      const send = (status: number, data: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(data === undefined ? '' : JSON.stringify(data));
      };
      if (!expectAuth(req.headers)) return send(401, { message: 'Bad credentials' });
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      for (const [method, re, route] of routes) {
        const m = re.exec(url.pathname);
        if (m && method === req.method) return route(rec, m, send);
      }
      send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const standIn: StandIn = {
    url: `http://127.0.0.1:${port}${prefix}`,
    requests,
    comments,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return standIn;
}

/** The GitHub REST API's issue-comment endpoints (list, create, update); needs `Authorization: token|Bearer <githubToken>`. */
export async function startGithubStandIn(githubToken: string): Promise<StandIn> {
  let nextId = 1000;
  const s: { standIn?: StandIn } = {};
  const list = (n: number) => {
    const map = s.standIn!.comments;
    if (!map.has(n)) map.set(n, []);
    return map.get(n)!;
  };
  s.standIn = await serve(
    '',
    [
      ['GET', /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/, (_r, m, send) => send(200, list(Number(m[1])))],
      [
        'POST',
        /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/,
        (r, m, send) => {
          const c = { id: nextId++, body: String(JSON.parse(r.body).body) };
          list(Number(m[1])).push(c);
          send(201, c);
        },
      ],
      [
        'PATCH',
        /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/,
        (r, m, send) => {
          for (const cs of s.standIn!.comments.values()) {
            const c = cs.find((x) => x.id === Number(m[1]));
            if (c) {
              c.body = String(JSON.parse(r.body).body);
              return send(200, c);
            }
          }
          send(404, { message: 'Not Found' });
        },
      ],
    ],
    (h) => h.authorization === `token ${githubToken}` || h.authorization === `Bearer ${githubToken}`,
  );
  return s.standIn;
}

/** The GitLab API v4's merge-request note endpoints (list, create, update); needs `PRIVATE-TOKEN` or `JOB-TOKEN` = `gitlabToken`. */
export async function startGitlabStandIn(gitlabToken: string): Promise<StandIn> {
  let nextId = 5000;
  const s: { standIn?: StandIn } = {};
  const list = (iid: number) => {
    const map = s.standIn!.comments;
    if (!map.has(iid)) map.set(iid, []);
    return map.get(iid)!;
  };
  const bodyOf = (r: RecordedRequest) => String(JSON.parse(r.body).body);
  s.standIn = await serve(
    '/api/v4',
    [
      ['GET', /^\/api\/v4\/projects\/[^/]+\/merge_requests\/(\d+)\/notes$/, (_r, m, send) => send(200, list(Number(m[1])))],
      [
        'POST',
        /^\/api\/v4\/projects\/[^/]+\/merge_requests\/(\d+)\/notes$/,
        (r, m, send) => {
          const n = { id: nextId++, body: bodyOf(r) };
          list(Number(m[1])).push(n);
          send(201, n);
        },
      ],
      [
        'PUT',
        /^\/api\/v4\/projects\/[^/]+\/merge_requests\/(\d+)\/notes\/(\d+)$/,
        (r, m, send) => {
          const n = list(Number(m[1])).find((x) => x.id === Number(m[2]));
          if (!n) return send(404, { message: '404 Not found' });
          n.body = bodyOf(r);
          send(200, n);
        },
      ],
    ],
    (h) => h['private-token'] === gitlabToken || h['job-token'] === gitlabToken,
  );
  return s.standIn;
}
