/**
 * Clone writes names into comments escaped, and its first line names the project that was
 * cloned (docs/security.md, "Names written into files"): a project named "demo\nstaging", suite,
 * tag and experience names holding newlines and YAML, go through clone → preview as
 * "No changes", and nothing they hold becomes a key of the file.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { seedStore, SEED_IDS, startSandbox, type Sandbox } from '../../sandbox/server';
import { runCli } from './helpers';

const PROJECT = 'demo\nstaging';
const SUITE = 'Basic Suite\nmanagedExperienceTags: [injected-tag]';
const SKIPPED_SUITE = 'Nightly Suite\ninjected: true';
const EXPERIENCE = 'survey\n- name: injected-experience';
const TAG = 'night\nly: x';

describe('security: names through clone', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let dir: string;

  before(async () => {
    const store = seedStore('demo');
    const pid = SEED_IDS.demoProject;
    store.projects.find((p) => p.projectID === pid)!.name = PROJECT;
    store.experiences[pid].find((e) => e.name === 'scenario-survey-alpha')!.name = EXPERIENCE;
    store.experienceTags[pid].find((t) => t.name === 'nightly')!.name = TAG;
    const suites = store.testSuites[pid];
    suites.find((s) => s.name === 'Basic Suite')!.name = SUITE;
    const nightly = suites.find((s) => s.name === 'Nightly Suite')!;
    nightly.name = SKIPPED_SUITE;
    // Holding an archived experience: a config cannot list it, so clone leaves it in a comment.
    nightly.experiences = [...nightly.experiences, SEED_IDS.demo.experiences['new-scenario-system-check']];
    sandbox = await startSandbox({ store });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resim-sec-clone-'));
  });
  after(async () => {
    await sandbox.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the first line names the cloned project, comments are escaped, and the clone previews as No changes', async () => {
    const env = { HOME: dir, RESIM_URL: sandbox.url, RESIM_TOKEN: 'clone-test-token' };
    const file = path.join(dir, 'clone.experiences.yaml');
    const cloned = await runCli(['clone', '--project', SEED_IDS.demoProject, '--config', file], env);
    assert.equal(cloned.code, 0, cloned.stderr);
    assert.ok(cloned.stdout.includes('Cloned project "demo\\nstaging"'), cloned.stdout);
    const text = fs.readFileSync(file, 'utf8');
    const lines = text.split('\n');
    assert.equal(lines[0], `# resim-project: ${SEED_IDS.demoProject}`, 'the name cannot be written on one line: the ID names the project');
    assert.ok(lines[1].startsWith('# Cloned from ReSim project "demo\\nstaging"'), lines[1]);
    assert.ok(text.includes('# Test suite "Nightly Suite\\ninjected: true" is not managed here'), text);
    const doc = parse(text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc).sort(), ['experiences', 'managedExperienceTags', 'managedTestSuites'], 'no key injected');
    assert.deepEqual(
      (doc.managedTestSuites as { name: string }[]).map((s) => s.name),
      [SUITE],
    );
    assert.ok((doc.experiences as { name: string }[]).some((e) => e.name === EXPERIENCE));
    assert.ok((doc.managedExperienceTags as string[]).includes(TAG));

    // The project comes from the first line alone: it is the cloned one, and nothing changes.
    const preview = await runCli(['preview', '--detailed-exitcode', '--config', file], env);
    assert.equal(preview.code, 0, preview.stdout + preview.stderr);
    assert.match(preview.stdout, /No changes\. The project matches the config\./);
    assert.ok(preview.stdout.includes(`ReSim project "demo\\nstaging" (${SEED_IDS.demoProject})`), preview.stdout);
  });
});
