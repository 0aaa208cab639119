/**
 * `resim-sync validate --format sarif|github` (dist/cli.js; server/src/cli/annotations.ts, run
 * as users run it: @actions/core is an ES module that only the bundle loads): the SARIF log validates
 * against the SARIF 2.1.0 JSON Schema (test/fixtures/sarif-schema-2.1.0.json, the OASIS schema
 * as the npm package @microsoft/jest-sarif ships it, MIT), one result per problem with the
 * diagnostic code as rule ID and its region; the GitHub workflow commands parse back to the same
 * file, line, column and message.
 */
import { strict as assert } from 'assert';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Log } from 'sarif';
import { loadConfig } from '../../server/src/config';
import { escapeVisible } from '../../server/src/security/text';
import { collectProblems, type Problem } from '../../server/src/sync/problems';

const cliPath = path.join(__dirname, '..', '..', 'dist', 'cli.js');

/** A validator of the SARIF schema (draft-04; its `language` pattern is not valid in Unicode mode, as the schema's own tools read it). */
function sarifValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8'));

/** A config with errors and warnings in several places, one message with a comma, a colon, a percent sign and a line break. */
const CONFIG = [
  'experiences:',
  '  - name: "a,b: 100%"',
  '    description: d',
  '    locations: [s3://x]',
  '    tagz: [x]',
  '  - name: "a,b: 100%"',
  '    description: d',
  '    locations: [s3://y]',
  '  - name: "two\\nlines, 50%: ::error::x"',
  '    description: d',
  '    locations: [s3://z]',
  '  - name: "two\\nlines, 50%: ::error::x"',
  '    description: d',
  '    locations: [s3://z]',
  '    environment_variables: []',
  'managed_test_suites: []',
  '',
].join('\n');

/** The problems the CLI reports for CONFIG (the engine's one mapping, sync/problems.ts). */
const problems = (): Problem[] => collectProblems(loadConfig(CONFIG));

function validate(file: string, format: string): string {
  const r = spawnSync(process.execPath, [cliPath, 'validate', '--config', file, '--format', format], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: os.tmpdir() },
  });
  assert.equal(r.status, 1, r.stderr);
  return r.stdout;
}

/** Undoes @actions/core's escaping of a workflow command's properties and message, as the runner does. */
const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');

function parseCommand(line: string): { command: string; props: Record<string, string>; message: string } {
  const m = /^::(\w+) ([^:]*)::(.*)$/.exec(line);
  assert.ok(m, `a workflow command: ${line}`);
  const props: Record<string, string> = {};
  for (const kv of m[2]!.split(',')) {
    const i = kv.indexOf('=');
    props[kv.slice(0, i)] = unescapeProperty(kv.slice(i + 1));
  }
  return { command: m[1]!, props, message: unescapeData(m[3]!) };
}

describe('validate --format sarif and --format github (cli/annotations.ts)', function () {
  this.timeout(60000);
  let dir: string;
  let file: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-formats-'));
    fs.mkdirSync(path.join(dir, 'configs'));
    file = path.join('configs', 'my robots,a:b.experiences.yaml');
    fs.writeFileSync(path.join(dir, file), CONFIG);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the SARIF log is valid SARIF 2.1.0 with one result per problem: rule ID = code, region = line and column', () => {
    const ps = problems();
    assert.ok(ps.length >= 4, `several problems: ${ps.map((p) => p.code).join(', ')}`);
    const log = JSON.parse(validate(path.join(dir, file), 'sarif')) as Log;
    const check = sarifValidator();
    assert.ok(check(log), JSON.stringify(check.errors, null, 2));
    const results = log.runs[0]!.results!;
    assert.equal(results.length, ps.length);
    ps.forEach((p, i) => {
      const r = results[i]!;
      assert.equal(r.ruleId, p.code);
      assert.equal(r.level, p.severity === 'information' ? 'note' : p.severity);
      assert.equal(r.message.text, escapeVisible(p.message));
      const loc = r.locations![0]!.physicalLocation!;
      assert.equal(loc.artifactLocation!.uri, path.join(dir, file).split('/').map(encodeURIComponent).join('/'));
      assert.equal(loc.region!.startLine, p.line);
      assert.equal(loc.region!.startColumn, p.column);
    });
    const rules = log.runs[0]!.tool.driver.rules!.map((r) => r.id);
    assert.deepEqual(rules, [...new Set(ps.map((p) => p.code))], 'one rule per code');
  });

  it('a log without problems is valid SARIF too', () => {
    const ok = path.join(dir, 'ok.yaml');
    fs.writeFileSync(ok, 'experiences:\n  - name: a\n    description: d\n    locations: [s3://x]\n');
    const r = spawnSync(process.execPath, [cliPath, 'validate', '--config', ok, '--format', 'sarif'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const log = JSON.parse(r.stdout) as Log;
    assert.deepEqual(log.runs[0]!.results, []);
    const check = sarifValidator();
    assert.ok(check(log), JSON.stringify(check.errors));
  });

  it('the GitHub workflow commands parse back to the same file, line, column and message', () => {
    const ps = problems();
    const r = spawnSync(process.execPath, [cliPath, 'validate', '--config', file, '--format', 'github'], { encoding: 'utf8', cwd: dir });
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, ps.length, 'one line per problem');
    lines.forEach((line, i) => {
      const p = ps[i]!;
      const c = parseCommand(line);
      assert.equal(c.command, p.severity === 'error' ? 'error' : p.severity === 'warning' ? 'warning' : 'notice');
      assert.equal(c.props['file'], file);
      assert.equal(Number(c.props['line']), p.line);
      assert.equal(Number(c.props['col']), p.column);
      assert.equal(c.props['title'], `resim-sync: ${p.code}`);
      assert.equal(c.message, escapeVisible(p.message));
    });
  });
});
