/**
 * The client-neutral problem codes of a failed API call (server/src/resim/problems.ts) and the
 * app link that follows the API in use (server/src/lsp/markdown.ts).
 */
import { strict as assert } from 'assert';
import { ApiError } from '../../server/src/resim/errors';
import { apiProblem, notSignedIn, withoutCliAdvice } from '../../server/src/resim/problems';
import { appUrlFor, experienceUrl } from '../../server/src/lsp/markdown';

const API = 'https://api.example.test/v1/';
const NEUTRAL = /RESIM_|--[a-z]|ReSim: [A-Z]/;

describe('API problems: stable codes, client-neutral messages', () => {
  const cases: Array<[string, ApiError, string, RegExp]> = [
    [
      '401',
      new ApiError({
        operation: 'ListProjects',
        kind: 'http',
        status: 401,
        apiMessage: 'invalid bearer token',
        method: 'GET',
        url: `${API}projects`,
      }),
      'credentials-refused',
      /^The ReSim API at https:\/\/api\.example\.test\/v1\/ refused the credentials \(invalid bearer token\)\.$/,
    ],
    [
      '403',
      new ApiError({ operation: 'ListExperiences', kind: 'http', status: 403, method: 'GET', url: `${API}projects/x/experiences` }),
      'forbidden',
      /may not read/,
    ],
    [
      '404 to GET /projects: not the API',
      new ApiError({
        operation: 'ListProjects',
        kind: 'http',
        status: 404,
        apiMessage: 'Cannot GET /v1/projects',
        method: 'GET',
        url: `${API}projects`,
      }),
      'not-resim-api',
      /^The server at https:\/\/api\.example\.test\/v1\/ is not a ReSim API \(it answered 404 to GET ListProjects\)\.$/,
    ],
    [
      'an HTML page',
      new ApiError({
        operation: 'GetProject',
        kind: 'http',
        status: 500,
        apiMessage: '<!DOCTYPE html><html>…',
        method: 'GET',
        url: `${API}projects/x`,
      }),
      'not-resim-api',
      /not a ReSim API/,
    ],
    [
      'a success that is not JSON',
      new ApiError({
        operation: 'ListProjects',
        kind: 'http',
        status: 200,
        method: 'GET',
        url: `${API}projects`,
        detail: '200: the answer is not JSON',
      }),
      'not-resim-api',
      /not a ReSim API/,
    ],
    [
      'unknown project',
      new ApiError({
        operation: 'ResolveProject',
        kind: 'http',
        status: 404,
        method: 'GET',
        url: `${API}projects`,
        detail: 'no project named "nope" or with that ID among the 2 project(s)',
        hint: 'Give the exact name or the project ID (--project, RESIM_PROJECT).',
      }),
      'project-not-found',
      /^No such project at \S+: no project named "nope"\.$/,
    ],
    [
      'network',
      new ApiError({
        operation: 'ListProjects',
        kind: 'network',
        code: 'ECONNREFUSED',
        method: 'GET',
        url: `${API}projects`,
        detail: 'refused',
        hint: 'Check the API URL (--url, RESIM_URL, or the resim.apiUrl setting).',
      }),
      'api-unreachable',
      /^Cannot reach the ReSim API at \S+ \(ECONNREFUSED\)\.$/,
    ],
    [
      'no token',
      new ApiError({ operation: 'GetToken', kind: 'auth', detail: 'x', hint: 'Check --client-id (RESIM_CLIENT_ID).' }),
      'credentials-refused',
      /no longer valid or was refused/,
    ],
    [
      '500',
      new ApiError({ operation: 'ListTags', kind: 'http', status: 500, apiMessage: 'boom', method: 'GET', url: `${API}projects/x/tags` }),
      'api-error',
      /answered 500 to ListTags \(boom\)/,
    ],
  ];
  for (const [name, err, code, re] of cases) {
    it(`${name} → ${code}`, () => {
      const p = apiProblem(err, API);
      assert.equal(p.code, code);
      assert.match(p.message, re);
      assert.doesNotMatch(p.message, NEUTRAL, 'no flag, variable or editor command');
    });
  }
  it('drops command-line advice from an API error message', () => {
    const err = new ApiError({
      operation: 'CreateExperience',
      kind: 'network',
      code: 'ECONNRESET',
      method: 'POST',
      url: `${API}projects/p/experiences`,
      detail: 'cannot reach api.example.test (ECONNRESET)',
      hint: 'Check the API URL (--url, RESIM_URL, or the resim.apiUrl setting).',
    });
    assert.match(err.message, /--url/);
    assert.equal(
      withoutCliAdvice(err.message),
      'CreateExperience failed: cannot reach api.example.test (ECONNRESET) (POST https://api.example.test/v1/projects/p/experiences)',
    );
    assert.equal(withoutCliAdvice('409 Conflict: name taken.'), '409 Conflict: name taken.');
  });
  it('not signed in: the message says what signs in, in any client (command, variables, setting)', () => {
    const p = notSignedIn(API);
    assert.equal(p.code, 'not-signed-in');
    assert.ok(p.message.startsWith('Not signed in to the ReSim API at https://api.example.test/v1/. '), p.message);
    for (const fix of ['resim-sync login', 'RESIM_TOKEN', 'RESIM_CLIENT_ID', 'RESIM_CLIENT_SECRET', 'resim.apiUrl', 'RESIM_URL'])
      assert.ok(p.message.includes(fix), `${fix} in ${p.message}`);
  });
});

describe('"Open in ReSim" follows the API in use', () => {
  it('production and staging APIs have their app; anything else has none', () => {
    assert.equal(appUrlFor('https://api.resim.ai/v1/'), 'https://app.resim.ai');
    assert.equal(appUrlFor('https://api.resim.io/v1/'), 'https://app.resim.io');
    assert.equal(appUrlFor('http://127.0.0.1:8765/v1/'), undefined);
    assert.equal(appUrlFor('https://resim.example.com/v1/'), undefined);
    assert.equal(experienceUrl('https://api.resim.io/v1/', 'p 1', 'e'), 'https://app.resim.io/projects/p%201/experiences/e');
    assert.equal(experienceUrl('http://127.0.0.1:1/v1/', 'p', 'e'), undefined);
  });
});
