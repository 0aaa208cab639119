/**
 * The language server's settings, credentials, state cache and document selection over stdio:
 * why live checks are off (`state-unavailable`: no credentials, a refused token, an untrusted
 * workspace), settings from `initializationOptions` and `didChangeConfiguration` for clients
 * without `workspace/configuration`, which documents are handled, sign-out, refreshes.
 */
import { strict as assert } from 'assert';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { LspClient, msg } from './lsp-helpers';

const DOC =
  '# resim-project: demo\nexperiences:\n  - name: scenario-survey-alpha\n    description: d\n    locations: [s3://x]\n    tags: [regresion]\n';

const stateUnavailable = (ds: Diagnostic[]) => ds.find((d) => d.code === 'state-unavailable');
const live = (ds: Diagnostic[]) => ds.some((d) => d.code === 'will-archive');

describe('language server: settings, credentials, state', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let c: LspClient | undefined;

  before(async () => {
    sb = await startSandbox({ seed: 'demo', token: 'the-right-token' });
  });
  afterEach(async () => {
    await c?.stop();
    c = undefined;
  });
  after(async () => {
    await sb?.close();
  });

  it('without credentials: state-unavailable says so without naming a flag or variable; static checks still run', async () => {
    c = await LspClient.start({ settings: { apiUrl: sb.url } });
    c.open('file:///a.experiences.yaml', DOC);
    const ds = await c.diagnosticsFor('file:///a.experiences.yaml', (d) => !!stateUnavailable(d));
    const d = stateUnavailable(ds)!;
    assert.match(msg(d), /not signed in to the ReSim API at http:\/\/127\.0\.0\.1:\d+\/v1\//);
    assert.doesNotMatch(msg(d), /RESIM_|--[a-z]|ReSim: /, 'client-neutral: no environment variable, flag or command');
    assert.deepEqual(d.range, { start: { line: 0, character: 0 }, end: { line: 0, character: '# resim-project: demo'.length } });
    assert.equal(ds.filter((x) => x.code === 'unknown-tag').length, 0, 'no live checks');
  });

  it('a refused token: says the API refused the credentials; then the right token turns live checks on; null signs out', async () => {
    c = await LspClient.start({ settings: { apiUrl: sb.url } });
    c.notify('resim/setCredentials', { apiUrl: sb.url, token: 'a-wrong-token' });
    const uri = 'file:///b.experiences.yaml';
    c.open(uri, DOC);
    let ds = await c.diagnosticsFor(uri, (d) => !!stateUnavailable(d));
    assert.match(msg(stateUnavailable(ds)!), /The ReSim API at \S+ refused the credentials \(invalid bearer token\)\./);
    assert.ok(!msg(stateUnavailable(ds)!).includes('a-wrong-token'), 'the token never appears');
    c.notify('resim/setCredentials', { apiUrl: sb.url, token: 'the-right-token' });
    ds = await c.diagnosticsFor(uri, live);
    assert.equal(ds.filter((x) => x.code === 'unknown-tag').length, 1);
    assert.ok(!c.stderr.includes('the-right-token'));
    c.notify('resim/setCredentials', { apiUrl: sb.url, token: null });
    ds = await c.diagnosticsFor(uri, (d) => !!stateUnavailable(d));
    assert.match(msg(stateUnavailable(ds)!), /not signed in/);
  });

  it('sends a stable reason with state-unavailable: not-signed-in, credentials-refused, not-resim-api, project-not-found', async () => {
    type Preview = { plan: unknown; errors?: { code: string; reason?: string; message: string }[] };
    const reasonOf = async (uri: string, text: string) => {
      c!.open(uri, text);
      const r = await c!.request<Preview>('resim/preview', { uri });
      assert.equal(r.plan, null);
      const e = r.errors?.find((x) => x.code === 'state-unavailable');
      assert.ok(e, JSON.stringify(r));
      assert.doesNotMatch(e.message, /RESIM_|--[a-z]|ReSim: [A-Z]/, 'client-neutral');
      return e.reason;
    };
    c = await LspClient.start({ settings: { apiUrl: sb.url } });
    assert.equal(await reasonOf('file:///r1.experiences.yaml', DOC), 'not-signed-in');
    c.notify('resim/setCredentials', { apiUrl: sb.url, token: 'a-wrong-token' });
    assert.equal(await reasonOf('file:///r2.experiences.yaml', DOC), 'credentials-refused');
    c.notify('resim/setCredentials', { apiUrl: sb.url, token: 'the-right-token' });
    assert.equal(
      await reasonOf('file:///r3.experiences.yaml', DOC.replace('resim-project: demo', 'resim-project: no-such-project')),
      'project-not-found',
    );
    await c.stop();
    // Something that answers at the API URL, but not as the ReSim API (404 to GET /projects).
    const http = await import('http');
    const other = http.createServer((_q, res) => {
      res.writeHead(404);
      res.end('Not Found');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const otherUrl = `http://127.0.0.1:${(other.address() as { port: number }).port}/v1/`;
    try {
      c = await LspClient.start({ settings: { apiUrl: otherUrl } });
      c.notify('resim/setCredentials', { apiUrl: otherUrl, token: 'any-token' });
      assert.equal(await reasonOf('file:///r4.experiences.yaml', DOC), 'not-resim-api');
    } finally {
      other.close();
    }
  });

  it('RESIM_TOKEN from the environment works like the CLI', async () => {
    c = await LspClient.start({ settings: { apiUrl: sb.url }, env: { RESIM_TOKEN: 'the-right-token' } });
    c.open('file:///c.experiences.yaml', DOC);
    await c.diagnosticsFor('file:///c.experiences.yaml', live);
  });

  it('an untrusted workspace makes no API call', async () => {
    c = await LspClient.start({ settings: { apiUrl: sb.url }, initializationOptions: { trusted: false } });
    c.notify('resim/setCredentials', { apiUrl: sb.url, token: 'the-right-token' });
    const before = sb.requestLog.length;
    c.open('file:///d.experiences.yaml', DOC);
    const ds = await c.diagnosticsFor('file:///d.experiences.yaml', (d) => !!stateUnavailable(d));
    assert.match(msg(stateUnavailable(ds)!), /not trusted/);
    assert.match(msg(stateUnavailable(ds)!), /Restricted Mode/);
    // A file without a project link: Restricted Mode is still the reason given, not the missing project.
    c.open('file:///d2.experiences.yaml', 'experiences:\n  - name: a\n    description: d\n    locations: [s3://a]\n');
    const ds2 = await c.diagnosticsFor('file:///d2.experiences.yaml', (d) => !!stateUnavailable(d));
    assert.match(msg(stateUnavailable(ds2)!), /Restricted Mode/);
    assert.doesNotMatch(msg(stateUnavailable(ds2)!), /no ReSim project is set/);
    assert.equal(sb.requestLog.length, before);
  });

  it('a client without workspace/configuration: initializationOptions, then didChangeConfiguration', async () => {
    c = await LspClient.start({
      settings: null,
      initializationOptions: { settings: { resim: { apiUrl: sb.url, project: 'perception', archiveUnlisted: false } } },
    });
    c.notify('resim/setCredentials', { apiUrl: sb.url, token: 'the-right-token' });
    const uri = 'file:///e.experiences.yaml';
    const text =
      'experiences:\n  - name: scenario-survey-alpha\n    description: Same name as in the demo project, different experience\n    locations: [s3://perception-logs/survey-alpha]\n';
    c.open(uri, text);
    const pv = await c.request<{ plan: { project: { name: string }; summary: { archive: number } } }>('resim/preview', { uri });
    assert.equal(pv.plan.project.name, 'perception');
    assert.equal(pv.plan.summary.archive, 0, 'archiveUnlisted: false');
    c.notify('workspace/didChangeConfiguration', { settings: { resim: { apiUrl: sb.url, project: 'demo' } } });
    await c.diagnosticsFor(uri, live);
    const pv2 = await c.request<{ plan: { project: { name: string }; summary: { archive: number } } }>('resim/preview', { uri });
    assert.equal(pv2.plan.project.name, 'demo');
    assert.ok(pv2.plan.summary.archive > 0);
  });

  it('handles resim-experiences, *.experiences.yaml, first-line comments and resim.configFiles globs; ignores other YAML', async () => {
    c = await LspClient.start({ settings: { apiUrl: sb.url, configFiles: ['**/sync/*.yaml'] } });
    const bad = 'experiences:\n  - name: a\n';
    c.open('file:///ws/sync/mine.yaml', bad, 'yaml');
    c.open('file:///ws/other.yaml', bad, 'yaml');
    c.open('file:///ws/commented.yaml', '# resim-project: demo\n' + bad, 'yaml');
    c.open('file:///ws/x.experiences.yml', bad, 'yaml');
    c.open('file:///ws/anything.txt', bad, 'resim-experiences');
    for (const uri of ['file:///ws/sync/mine.yaml', 'file:///ws/commented.yaml', 'file:///ws/x.experiences.yml', 'file:///ws/anything.txt'])
      await c.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'schema'));
    // The unhandled document gets nothing, and no features.
    const syms = await c.symbols('file:///ws/other.yaml');
    assert.deepEqual(syms, []);
    assert.equal(c.diagnostics.get('file:///ws/other.yaml')?.diagnostics.length ?? 0, 0);
  });

  it('resim/refreshState reads the project again and the diagnostics follow', async () => {
    c = await LspClient.start({ settings: { apiUrl: sb.url } });
    c.notify('resim/setCredentials', { apiUrl: sb.url, token: 'the-right-token' });
    const uri = 'file:///f.experiences.yaml';
    const text = DOC.replace('regresion', 'fresh-tag');
    c.open(uri, text);
    let ds = await c.diagnosticsFor(uri, live);
    assert.equal(ds.filter((x) => x.code === 'unknown-tag').length, 1);
    const res = await fetch(`${sb.url}projects/d0000000-0000-4000-8000-000000000001/experienceTags`, {
      method: 'POST',
      headers: { Authorization: 'Bearer the-right-token', 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'fresh-tag', description: 'made by a test' }),
    });
    assert.equal(res.status, 201);
    const r = await c.request<{ fetchedAt: string | null; problem: string | null }>('resim/refreshState', { uri });
    assert.equal(r.problem, null);
    assert.ok(r.fetchedAt);
    ds = await c.diagnosticsFor(uri, (d) => live(d) && !d.some((x) => x.code === 'unknown-tag'));
    sb.reset('demo');
  });

  it('resim/preview with fresh: true reads a state older than the limit again; without it, the cache serves', async () => {
    c = await LspClient.start({ settings: { apiUrl: sb.url }, initializationOptions: { freshPreviewMaxAgeMs: 0 } });
    c.notify('resim/setCredentials', { apiUrl: sb.url, token: 'the-right-token' });
    const uri = 'file:///g.experiences.yaml';
    c.open(uri, DOC.replace('    tags: [regresion]\n', ''));
    await c.diagnosticsFor(uri, live);
    type Preview = { plan: { experiences: { name: string; action: string }[] } | null };
    const archives = (p: Preview) => (p.plan?.experiences ?? []).filter((e) => e.action === 'archive').map((e) => e.name);
    const first = await c.request<Preview>('resim/preview', { uri });
    assert.ok(!archives(first).includes('second-writer'));
    const res = await fetch(`${sb.url}projects/d0000000-0000-4000-8000-000000000001/experiences`, {
      method: 'POST',
      headers: { Authorization: 'Bearer the-right-token', 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'second-writer', description: 'made by a test', locations: ['s3://y'] }),
    });
    assert.equal(res.status, 201);
    const cached = await c.request<Preview>('resim/preview', { uri });
    assert.ok(!archives(cached).includes('second-writer'), "the status bar's preview uses the cached state");
    const fresh = await c.request<Preview>('resim/preview', { uri, fresh: true });
    assert.ok(archives(fresh).includes('second-writer'), 'Preview Sync reads the project again');
    sb.reset('demo');
  });
});
