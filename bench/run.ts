/**
 * `npm run bench`: runs every benchmark section, each in its own Node process (so that memory
 * figures are its own), and writes bench/results.json (everything measured, with the machine)
 * and bench/results.md (the table the README quotes).
 *
 * A section is a file `bench/<name>.bench.ts` that prints one `Section` (bench/lib/results.ts)
 * as JSON on the last line of its stdout, or writes it to the file given after `--out`. Sections
 * run in the order of SECTIONS, then any other `bench/*.bench.ts` in name order.
 * Each is bounded by SECTION_TIMEOUT_MS; a section that fails or times out is reported as skipped.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderMarkdown } from './lib/report';
import { machine, type Section } from './lib/results';

const SECTIONS = ['plan', 'ingest', 'apply', 'preview', 'editor', 'flow', 'shapes', 'activation', 'webview'];
const SECTION_TIMEOUT_MS = Number(process.env.BENCH_SECTION_TIMEOUT_MS ?? 180_000);
const benchDir = __dirname;

function sectionFiles(): string[] {
  const all = fs
    .readdirSync(benchDir)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.replace(/\.bench\.ts$/, ''));
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const ordered = [...SECTIONS.filter((s) => all.includes(s)), ...all.filter((s) => !SECTIONS.includes(s)).sort()];
  return only.length ? ordered.filter((s) => only.includes(s)) : ordered;
}

function runSectionProcess(name: string): Promise<Section> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-section-')), 'section.json');
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(benchDir, `${name}.bench.ts`), '--out', out], {
      cwd: path.resolve(benchDir, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString('utf8')).slice(-2_000_000)));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-20_000)));
    // Activation packages and starts VS Code; the editor runs yaml-language-server on 50,000 experiences.
    const timeoutMs =
      name === 'activation'
        ? Math.max(SECTION_TIMEOUT_MS, 480_000)
        : name === 'editor' || name === 'shapes' || name === 'editor-e2e'
          ? Math.max(SECTION_TIMEOUT_MS, 900_000)
          : SECTION_TIMEOUT_MS;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const secs = Math.round((Date.now() - started) / 100) / 10;
      let section: Section | undefined;
      try {
        const text = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : (stdout.trim().split('\n').pop() ?? '');
        const parsed = JSON.parse(text) as Section;
        if (parsed && Array.isArray(parsed.rows)) section = parsed;
      } catch {
        /* not a section */
      }
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
      if (!section) {
        const why = signal === 'SIGKILL' ? `timed out after ${timeoutMs / 1000} s` : `exited ${code ?? signal} without a result`;
        section = { name, title: name, rows: [], details: { stderr: stderr.slice(-2000) }, notes: [], skipped: why };
      }
      section.details = { ...section.details, sectionSeconds: secs, measuredAt: new Date().toISOString() };
      process.stderr.write(`bench: ${name} ${section.skipped ? `skipped (${section.skipped})` : 'done'} in ${secs} s\n`);
      if (section.skipped && stderr) process.stderr.write(stderr.split('\n').slice(-15).join('\n') + '\n');
      resolve(section);
    });
  });
}

/**
 * The README quotes the table: everything of results.md from its first line to its "Notes"
 * section goes between the README's `<!-- bench:start -->` and `<!-- bench:end -->` markers.
 */
export function updateReadme(md: string): void {
  const readme = path.resolve(benchDir, '..', 'README.md');
  const text = fs.readFileSync(readme, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) return;
  const body = md
    .split('\n## Notes')[0]
    .replace(/^# Benchmarks\n+/, '')
    .trim();
  fs.writeFileSync(
    readme,
    `${text.slice(0, a + start.length)}\n${body}\n\nEvery sample and note: [bench/results.md](bench/results.md), [bench/results.json](bench/results.json).\n${text.slice(b)}`,
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  const m = machine();
  const sections: Section[] = [];
  for (const name of sectionFiles()) {
    process.stderr.write(`bench: ${name}...\n`);
    sections.push(await runSectionProcess(name));
  }
  const totalSeconds = Math.round((Date.now() - started) / 1000);
  // `npm run bench -- shapes editor`: the sections run now replace theirs in the last results;
  // the others keep their figures (each section's details.measuredAt says when).
  const file = path.join(benchDir, 'results.json');
  if (process.argv.slice(2).some((a) => !a.startsWith('-')) && fs.existsSync(file)) {
    const last = JSON.parse(fs.readFileSync(file, 'utf8')) as { sections: Section[] };
    const fresh = new Map(sections.map((s) => [s.name, s]));
    // A section that could not run this time keeps its last figures, with the failure noted.
    const merged = last.sections.map((s) => {
      const f = fresh.get(s.name);
      if (!f) return s;
      if (f.skipped && !s.skipped && s.rows.length)
        return { ...s, details: { ...s.details, lastAttempt: { skipped: f.skipped, at: new Date().toISOString() } } };
      return f;
    });
    for (const s of sections) if (!last.sections.some((x) => x.name === s.name)) merged.push(s);
    const order = (n: string) => (SECTIONS.includes(n) ? SECTIONS.indexOf(n) : SECTIONS.length);
    sections.splice(0, sections.length, ...merged.sort((a, b) => order(a.name) - order(b.name)));
  }
  const results = { machine: m, totalSeconds, sections };
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const md = renderMarkdown(results);
  fs.writeFileSync(path.join(benchDir, 'results.md'), md);
  updateReadme(md);
  process.stdout.write(md);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
