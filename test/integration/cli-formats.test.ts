/**
 * `resim-sync preview --format markdown|json|text` against the sandbox, and JSON on stdout for
 * every outcome with `--json` / `--format json`: a refused token, an unknown project, a missing
 * file, a bad flag (issue: a CI step that parses stdout must never get an empty string).
 */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { demoConfig } from '../fixtures/demo-config';

const cliPath = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const TOKEN = 'format-test-token-81c2';

describe('resim-sync output formats', function () {
  this.timeout(120000);
  let sb: Sandbox;
  let dir: string;
  let file: string;

  before(async () => {
    sb = await startSandbox({ port: 0, seed: 'demo', token: TOKEN });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-formats-'));
    file = path.join(dir, 'demo.experiences.yaml');
    fs.writeFileSync(file, demoConfig('created-by-ci'));
  });
  after(async () => {
    await sb.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // Asynchronously: the sandbox runs in this process.
  async function cli(args: string[], token = TOKEN): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [cliPath, ...args], {
        env: { PATH: process.env.PATH, HOME: dir, RESIM_URL: sb.url, RESIM_TOKEN: token, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('--format markdown prints the plan for a pull-request comment; --format json and text are the existing renderings', async () => {
    const md = await cli(['preview', '--project', 'demo', '--config', file, '--format', 'markdown']);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^<!-- resim-sync-plan project=\S+ config=\S+ -->\n## ReSim sync plan: project `demo`/);
    assert.match(md.stdout, /\| \\\+ create \| 1 \|/);
    assert.match(md.stdout, /### \+ Create \(1\)\n\n- `created-by-ci`\n {2}- `description`: `"New"`/);
    const json = await cli(['preview', '--project', 'demo', '--config', file, '--format', 'json']);
    assert.equal(JSON.parse(json.stdout).summary.create, 1);
    const alias = await cli(['preview', '--project', 'demo', '--config', file, '--json']);
    assert.deepEqual(JSON.parse(alias.stdout).summary, JSON.parse(json.stdout).summary);
    const text = await cli(['preview', '--project', 'demo', '--config', file, '--format', 'text']);
    assert.match(text.stdout, /\+ create\s+created-by-ci/);
  });

  it('with --json every failure is JSON on stdout: {"errors": [{code, message}]}', async () => {
    const cases: [string[], string, string?][] = [
      [['preview', '--project', 'demo', '--config', file, '--json'], 'credentials-refused', 'wrong-token'],
      [['preview', '--project', 'no-such-project', '--config', file, '--format', 'json'], 'project-not-found'],
      [['preview', '--project', 'demo', '--config', path.join(dir, 'missing.yaml'), '--json'], 'bad-input'],
      [['preview', '--project', 'demo', '--config', file, '--json', '--format', 'nope'], 'usage'],
      [['apply', '--project', 'demo', '--config', file, '--plan', file, '--format=json'], 'usage'],
    ];
    for (const [args, code, token] of cases) {
      const r = await cli(args, token);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      let out: { errors: { code: string; message: string }[] };
      try {
        out = JSON.parse(r.stdout);
      } catch {
        assert.fail(`stdout is not JSON for ${args.join(' ')}: ${JSON.stringify(r.stdout)}`);
      }
      assert.equal(out.errors[0]!.code, code, args.join(' '));
      assert.ok(out.errors[0]!.message.length > 10);
      assert.ok(!r.stdout.includes(TOKEN) && !r.stdout.includes('wrong-token'), 'no credential in the JSON');
    }
  });
});
