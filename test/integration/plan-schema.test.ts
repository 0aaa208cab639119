/**
 * The plan JSON (docs/plan-format.md) validates against schema/plan.schema.json, as the CLI prints
 * it (`preview --json`, `preview --out`) and as the language server returns it (`resim/preview`).
 * Build first (`npm run build`).
 */
import * as assert from 'assert';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import planSchema from '../../schema/plan.schema.json';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { demoConfig } from '../fixtures/demo-config';
import { LspClient, ROOT } from './lsp-helpers';

/** An update, a create, archives and a suite revision: every part of the plan holds something. */
const CONFIG = demoConfig('created-by-the-schema-test', { omit: ['hover-stability-baseline', 'wind-gust-landing'] }).replace(
  'Aerial survey over test zone',
  'Aerial survey, changed',
);

describe('the plan JSON against schema/plan.schema.json', function () {
  this.timeout(60_000);
  let sb: Sandbox;
  let dir: string;
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  const validate = ajv.compile(planSchema);
  const check = (plan: unknown, what: string) => assert.ok(validate(plan), `${what}: ${ajv.errorsText(validate.errors)}`);

  before(async () => {
    sb = await startSandbox({ seed: 'demo' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-schema-'));
    fs.writeFileSync(path.join(dir, 'demo.experiences.yaml'), CONFIG);
  });
  after(async () => {
    await sb?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('resim-sync preview --json and --out', async () => {
    const out = path.join(dir, 'plan.json');
    // Asynchronously: the sandbox answers from this process's event loop.
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, 'dist', 'cli.js'),
        'preview',
        '--experience-config',
        path.join(dir, 'demo.experiences.yaml'),
        '--json',
        '--out',
        out,
      ],
      {
        env: { PATH: process.env.PATH, HOME: dir, RESIM_URL: sb.url, RESIM_TOKEN: 'schema-token' },
      },
    );
    const r = { stdout: '', stderr: '', status: 0 as number | null };
    child.stdout.on('data', (d) => (r.stdout += d));
    child.stderr.on('data', (d) => (r.stderr += d));
    r.status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(r.status, 0, r.stderr);
    const printed = JSON.parse(r.stdout) as {
      summary: { create: number; archive: number };
      experiences: unknown[];
      configFingerprint?: string;
    };
    check(printed, 'preview --json');
    check(JSON.parse(fs.readFileSync(out, 'utf8')), 'preview --out');
    // The sample covers every action kind the schema constrains.
    assert.equal(printed.summary.create, 1);
    assert.ok(printed.summary.archive > 0);
    assert.ok(printed.configFingerprint);
  });

  it('resim/preview of the language server', async () => {
    const c = await LspClient.start({ settings: { apiUrl: sb.url } });
    try {
      c.notify('resim/setCredentials', { apiUrl: sb.url, token: 'schema-token' });
      const uri = 'file:///ws/schema.experiences.yaml';
      c.open(uri, CONFIG);
      await c.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'will-archive'));
      const res = await c.request<{ plan: unknown; errors?: unknown[] }>('resim/preview', { uri });
      assert.equal(res.errors, undefined);
      check(res.plan, 'resim/preview');
    } finally {
      await c.stop();
    }
  });

  it('rejects a plan that strays from the format (the schema can fail)', () => {
    const bad = { project: { id: 'p', name: 'n' }, stateFingerprint: 'x' };
    assert.equal(validate(bad), false);
  });
});
