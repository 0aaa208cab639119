/**
 * What the real-editor tests share (neovim.test.ts, emacs.test.ts): the editors' installation
 * (scripts/editors-setup.sh, Debian's neovim, emacs-nox, elpa-eglot, elpa-yaml-mode), a
 * workspace with the seed example and a live config for the sandbox's `demo` project, and the
 * checks both editors' results must pass. Each editor's script writes the same JSON shape.
 */
import { strict as assert } from 'assert';
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Sandbox } from '../../../sandbox/server';
import { ROOT, SERVER } from '../lsp-helpers';

/**
 * A code block of docs/editors.md, the one after `<!-- tested: <id> -->`: the editor tests run
 * the documented setups as written.
 */
export function docBlock(id: string): string {
  const text = fs.readFileSync(path.join(ROOT, 'docs/editors.md'), 'utf8');
  const marker = `<!-- tested: ${id} -->`;
  const at = text.indexOf(marker);
  assert.ok(at >= 0, `docs/editors.md has no ${marker}`);
  const m = /^```[a-z]*\n([\s\S]*?)^```$/m.exec(text.slice(at + marker.length));
  assert.ok(m, `no code block after ${marker}`);
  return m[1];
}

/**
 * A folder with a `resim-language-server` that runs this checkout's dist/server.js, to put first
 * on the editors' PATH (the documented setups start `resim-language-server --stdio`).
 */
export function serverOnPath(dir: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const shim = path.join(bin, 'resim-language-server');
  fs.writeFileSync(shim, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(SERVER)} "$@"\n`, { mode: 0o755 });
  return `${bin}${path.delimiter}${process.env.PATH ?? ''}`;
}

/** The ID the sandbox's `demo` seed gives `scenario-survey-alpha`. */
export const ALPHA_ID = 'e0000000-0000-4000-8000-000000000001';

/**
 * The live config: no `# resim-project:` line, so the project comes only from the documented
 * settings (`project = 'demo'`), and `archiveUnlisted = false` there (not the default), so that a
 * setting the server does not read fails the checks (`state-unavailable`, or `will-archive` for
 * the three demo experiences the file leaves out). It restores the archived
 * `new-scenario-system-check` (`will-restore`, a live check) and creates `NEW_NAME`.
 */
export const LIVE = `experiences:
  - name: scenario-survey-alpha
    description: Aerial survey over test zone
    locations:
      - s3://drone-missions/surveys/alpha-test-zone
    tags: [regression]
    systems: [ ]
  - name: new-scenario-system-check
    description: Regression validation run
    locations: [s3://drone-missions/system-checks/regression-1]
  - name: made-in-the-editor
    description: New
    locations: [s3://new]
`;

/** The experience the live config creates (the apply step). */
export const NEW_NAME = 'made-in-the-editor';

/** Installs the editors when missing (apt-get; a no-op when present). */
export function ensureEditors(): void {
  execFileSync('bash', [path.join(ROOT, 'scripts/editors-setup.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
}

export interface Workspace {
  dir: string;
  seed: string;
  live: string;
  out: string;
}

/** A git repository (eglot finds its project by version control) holding the two configs. */
export function makeWorkspace(name: string): Workspace {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `resim-${name}-`));
  execFileSync('git', ['init', '-q', dir]);
  const seed = path.join(dir, 'seed.experiences.yaml');
  fs.copyFileSync(path.join(ROOT, 'test/fixtures/seed-example.yaml'), seed);
  const live = path.join(dir, 'live.experiences.yaml');
  fs.writeFileSync(live, LIVE);
  return { dir, seed, live, out: path.join(dir, 'results.json') };
}

/** The JSON an editor script writes. */
export interface EditorResults {
  error?: string;
  steps: string[];
  seed?: { diagnostics: { line: number; code: string }[]; fixTitle: string; tabsAfterFix: number; codesAfterFix: string[] };
  live?: {
    diagnostics: { line: number; code: string; message?: string }[];
    /** The hover as the editor shows it. */
    hover: string;
    completion: string[];
    preview: { summary?: Record<string, number>; project?: { id: string; name: string }; errors?: unknown };
    /** What the editor showed after the apply command ran (its message). */
    applied?: string;
  };
  /** Warnings and errors the editor logged about the server (its LSP log, its messages). */
  warnings?: string[];
}

export function readResults(file: string, editorOutput: string): EditorResults {
  assert.ok(fs.existsSync(file), `the editor wrote no results; its output:\n${editorOutput.slice(-3000)}`);
  const r = JSON.parse(fs.readFileSync(file, 'utf8')) as EditorResults;
  assert.equal(r.error, undefined, `the editor script failed after ${JSON.stringify(r.steps)}: ${r.error}\n${editorOutput.slice(-3000)}`);
  return r;
}

/** The checks of both editors (seed example, tab quick fix, live diagnostics, hover, completion, preview). */
export function assertEditorResults(r: EditorResults, opts: { preview?: boolean } = {}): void {
  const seed = r.seed!;
  const tabLines = fs
    .readFileSync(path.join(ROOT, 'test/fixtures/seed-example.yaml'), 'utf8')
    .split('\n')
    .map((l, i) => (/^[ ]*\t/.test(l) ? i : -1))
    .filter((i) => i >= 0);
  assert.deepEqual(
    seed.diagnostics
      .filter((d) => d.code === 'tab-indent')
      .map((d) => d.line)
      .sort((a, b) => a - b),
    tabLines,
  );
  assert.ok(
    seed.diagnostics.some((d) => d.code === 'snake-case-key'),
    JSON.stringify(seed.diagnostics),
  );
  assert.match(seed.fixTitle, /tab/i);
  assert.equal(seed.tabsAfterFix, 0, 'the quick fix replaced every tab');
  assert.ok(!seed.codesAfterFix.includes('tab-indent'), JSON.stringify(seed.codesAfterFix));

  const live = r.live!;
  const codes = live.diagnostics.map((d) => d.code);
  assert.ok(!codes.includes('state-unavailable'), `the project setting reached the server: ${JSON.stringify(live.diagnostics)}`);
  assert.ok(codes.includes('will-restore'), JSON.stringify(live.diagnostics));
  assert.ok(!codes.includes('will-archive'), `archiveUnlisted = false reached the server: ${JSON.stringify(live.diagnostics)}`);
  // Shown verbatim: no markdown escapes in the ID or the name (a copied ID must be right).
  assert.ok(live.hover.includes(ALPHA_ID), live.hover);
  assert.ok(live.hover.includes('scenario-survey-alpha'), live.hover);
  assert.ok(!/\\[-_]/.test(live.hover), `markdown escapes in the hover:\n${live.hover}`);
  assert.deepEqual([...live.completion].sort(), ['mbauer_tmp_hil_repro', 'sil_cluster']);
  if (opts.preview === false) {
    // A client that cannot send custom requests (ALE): the preview command's message says it.
    assert.match(
      String((live as { previewMessage?: string }).previewMessage),
      /ReSim plan for project "demo" from live\.experiences\.yaml: 1 to create, 1 to update, 1 to restore/,
    );
    assert.deepEqual(r.warnings ?? [], [], 'no warning or error logged about the server');
    return;
  }
  assert.equal(live.preview.project?.name, 'demo');
  assert.ok(live.preview.summary, JSON.stringify(live.preview));
  assert.equal(live.preview.summary.archive, 0, JSON.stringify(live.preview.summary));
  assert.equal(live.preview.summary.restore, 1, JSON.stringify(live.preview.summary));
  assert.equal(live.preview.summary.create, 1, JSON.stringify(live.preview.summary));

  assert.deepEqual(r.warnings ?? [], [], 'no warning or error logged about the server');
}

/** After the editor's apply: the sandbox has the new experience, archived none, and the editor said so. */
export function assertApplied(r: EditorResults, sb: Sandbox): void {
  assert.match(r.live?.applied ?? '', /applied to project "demo": \d+ calls, 0 failed/, JSON.stringify(r.live?.applied));
  const exps = Object.values(sb.store.experiences).flat();
  assert.ok(
    exps.some((e) => e.name === NEW_NAME && !e.archived),
    'the apply created the new experience',
  );
  assert.ok(
    exps.some((e) => e.name === 'legacy-night-flight' && !e.archived),
    'archiveUnlisted = false: nothing archived',
  );
}

/** Runs an editor to its end (killed after `timeoutMs`); resolves with its exit code and output. */
export function runEditor(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
