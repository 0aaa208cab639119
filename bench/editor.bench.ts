/**
 * Editor: the language server's figures, ours (`node dist/server.js --stdio`) against Red Hat's
 * yaml-language-server (devDependency, configured with our schema schema/experience-sync.schema.json
 * through the `yaml.schemas` setting), on the same 5,000-experience file (~1.2 MB, ~45,000 lines,
 * no tags or systems, no project configured: static checks only):
 *   - didChange (a one-line edit in the middle, toggling `cacheExempt: false` ↔ `maybe`, which the
 *     schema rejects) → the publishDiagnostics that reflects it: p50/p95 over 20 edits;
 *   - hover and completion latency, idle and while a validation is running (the request is sent
 *     just after the server's debounce delay following an edit);
 *   - peak RSS of each server process (VmHWM from /proc, polled every 25 ms).
 * Targets: edit → diagnostics p50 ≤ 150 ms and ≤ 0.15 × yaml-language-server's; hover and
 * completion p50 ≤ 30 ms even while validating; peak RSS ≤ 200 MiB.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { LspClient } from './lib/lsp';
import { MiB, now, percentile, round, watchPeakRss } from './lib/measure';
import { ratioOf, runSection, type Row, type Section } from './lib/results';

const root = path.resolve(__dirname, '..');
/** The server bundle measured: dist/server.js, or $BENCH_SERVER (to measure another build). */
const ourServer = process.env.BENCH_SERVER ?? path.join(root, 'dist', 'server.js');
const ylsServer = path.join(root, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server');
const schemaPath = path.join(root, 'schema', 'experience-sync.schema.json');

export const EDITOR_EXPERIENCES = 5000;
const EDITS = Number(process.env.BENCH_EDITS ?? 20);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 10);
const EDIT_TIMEOUT_MS = 120_000;

/**
 * Each server's own delay between a change and the start of its validation: ours
 * `debounceMs` (server/src/lsp/analysis.ts, default 75 ms); yaml-language-server's
 * `validationDelayMs` (out/server/src/yamlSettings.js, 200 ms, not configurable).
 */
const DEBOUNCE_MS = { ours: 75, yls: 200 };

/** The editor file: 9 lines per experience, no tags/systems, valid against the schema. */
export function editorDocument(n = EDITOR_EXPERIENCES): { text: string; editLine: number; hoverLine: number; completionLine: number } {
  const width = String(n).length;
  const lines: string[] = ['experiences:'];
  let editLine = -1;
  let hoverLine = -1;
  let completionLine = -1;
  for (let i = 1; i <= n; i++) {
    const id = String(i).padStart(width, '0');
    if (i === Math.floor(n / 5)) hoverLine = lines.length;
    lines.push(`  - name: exp-${id}`);
    lines.push(`    description: Generated experience ${i}`);
    lines.push('    locations:');
    lines.push(`      - s3://bench/experiences/${id}/scenario.mcap`);
    if (i === Math.floor((4 * n) / 5)) completionLine = lines.length;
    lines.push(`    profile: ${i % 2 ? 'full_stack' : 'planner_stack'}`);
    lines.push('    environmentVariables:');
    lines.push('      - name: SEED');
    lines.push(`        value: "${i}"`);
    if (i === Math.floor(n / 2)) editLine = lines.length;
    lines.push('    cacheExempt: false');
  }
  return { text: `${lines.join('\n')}\n`, editLine, hoverLine, completionLine };
}

interface ServerResult {
  openMs: number;
  staticErrorsAtOpen: number;
  editMs: number[];
  hoverIdleMs: number[];
  completionIdleMs: number[];
  hoverWhileValidatingMs: number[];
  completionWhileValidatingMs: number[];
  completionItems: number;
  hoverAnswered: boolean;
  peakRss: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measureServer(kind: 'ours' | 'yls', doc: ReturnType<typeof editorDocument>, dir: string): Promise<ServerResult> {
  const file = path.join(dir, `bench-${kind}.experiences.yaml`);
  fs.writeFileSync(file, doc.text);
  const uri = pathToFileURL(file).toString();
  const script = kind === 'ours' ? ourServer : ylsServer;
  const client = new LspClient(process.execPath, [script, '--stdio'], { PATH: process.env.PATH, HOME: dir });
  const rss = watchPeakRss(client.pid, 25);
  const yamlSettings = {
    schemas: { [pathToFileURL(schemaPath).toString()]: ['*.experiences.yaml'] },
    validate: true,
    hover: true,
    completion: true,
    format: { enable: false },
    schemaStore: { enable: false },
    kubernetesCRDStore: { enable: false },
  };
  client.onServerRequest = (method, params) => {
    if (method === 'workspace/configuration') {
      return (params.items as { section?: string }[]).map((it) => (it.section === 'yaml' ? yamlSettings : it.section === 'resim' ? {} : {}));
    }
    return null;
  };
  try {
    await client.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(dir).toString(),
      workspaceFolders: [{ uri: pathToFileURL(dir).toString(), name: 'bench' }],
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true },
        textDocument: {
          synchronization: { didSave: false, dynamicRegistration: false },
          publishDiagnostics: { versionSupport: true, relatedInformation: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
        },
      },
      initializationOptions: {},
    });
    client.notify('initialized', {});
    if (kind === 'yls') client.notify('workspace/didChangeConfiguration', { settings: { yaml: yamlSettings } });
    await sleep(200);

    const isDiag = (p: { uri: string }) => p.uri === uri;
    const errorsOn = (p: { diagnostics: { severity?: number; range: { start: { line: number } } }[] }, line: number) =>
      p.diagnostics.some((d) => (d.severity ?? 1) === 1 && d.range.start.line === line);

    let version = 1;
    let t0 = now();
    const opened = client.waitFor('textDocument/publishDiagnostics', isDiag, EDIT_TIMEOUT_MS);
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: kind === 'ours' ? 'resim-experiences' : 'yaml', version, text: doc.text } });
    const first = await opened;
    const openMs = first.at - t0;
    const staticErrorsAtOpen = (first.params.diagnostics as { severity?: number }[]).filter((d) => (d.severity ?? 1) === 1).length;

    // The edit: the value of `cacheExempt` in the middle of the file, toggled each time.
    let broken = false;
    const edit = async (): Promise<{ sentAt: number; diagnostics: Promise<{ at: number }> }> => {
      broken = !broken;
      const expectError = broken;
      const col = '    cacheExempt: '.length;
      const oldLen = (broken ? 'false' : 'maybe').length;
      const diagnostics = client.waitFor('textDocument/publishDiagnostics', (p) => isDiag(p) && errorsOn(p, doc.editLine) === expectError, EDIT_TIMEOUT_MS);
      const sentAt = now();
      client.notify('textDocument/didChange', {
        textDocument: { uri, version: ++version },
        contentChanges: [{ range: { start: { line: doc.editLine, character: col }, end: { line: doc.editLine, character: col + oldLen } }, text: broken ? 'maybe' : 'false' }],
      });
      return { sentAt, diagnostics };
    };

    // Warm-up (JIT, caches): two edits, not counted.
    for (let i = 0; i < 2; i++) await (await edit()).diagnostics;

    const editMs: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const e = await edit();
      editMs.push((await e.diagnostics).at - e.sentAt);
      await sleep(30);
    }

    const hoverParams = { textDocument: { uri }, position: { line: doc.hoverLine, character: 12 } };
    const completionParams = { textDocument: { uri }, position: { line: doc.completionLine, character: 4 }, context: { triggerKind: 1 } };
    const hoverIdleMs: number[] = [];
    const completionIdleMs: number[] = [];
    let hoverAnswered = false;
    let completionItems = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const h = await client.timedRequest('textDocument/hover', hoverParams);
      hoverIdleMs.push(h.ms);
      hoverAnswered ||= !!h.result;
      const c = await client.timedRequest<{ items?: unknown[] } | unknown[] | null>('textDocument/completion', completionParams);
      completionIdleMs.push(c.ms);
      const items = Array.isArray(c.result) ? c.result : c.result?.items ?? [];
      completionItems = Math.max(completionItems, items.length);
      await sleep(20);
    }

    const whileValidating = async (method: string, params: unknown): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const e = await edit();
        await sleep(DEBOUNCE_MS[kind] + 10);
        const r = await client.timedRequest(method, params);
        out.push(r.ms);
        await e.diagnostics;
        await sleep(30);
      }
      return out;
    };
    const hoverWhileValidatingMs = await whileValidating('textDocument/hover', hoverParams);
    const completionWhileValidatingMs = await whileValidating('textDocument/completion', completionParams);
    t0 = now();
    return {
      openMs,
      staticErrorsAtOpen,
      editMs,
      hoverIdleMs,
      completionIdleMs,
      hoverWhileValidatingMs,
      completionWhileValidatingMs,
      completionItems,
      hoverAnswered,
      peakRss: rss.stop(),
    };
  } finally {
    rss.stop();
    await client.close();
  }
}

const stats = (xs: number[]) => ({ p50: round(percentile(xs, 50), 1), p95: round(percentile(xs, 95), 1), samples: xs.map((x) => round(x, 1)) });

async function main(): Promise<Section> {
  const title = 'Editor (language server)';
  if (!fs.existsSync(ourServer)) return { name: 'editor', title, rows: [], details: {}, notes: [], skipped: 'dist/server.js is missing (run node esbuild.mjs)' };
  if (!fs.existsSync(ylsServer)) return { name: 'editor', title, rows: [], details: {}, notes: [], skipped: 'yaml-language-server is not installed (npm ci)' };
  const doc = editorDocument();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-editor-'));
  let ours: ServerResult;
  let yls: ServerResult;
  try {
    ours = await measureServer('ours', doc, dir);
    yls = await measureServer('yls', doc, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const lines = doc.text.split('\n').length - 1;
  const size = `${EDITOR_EXPERIENCES.toLocaleString('en')} experiences, ${round(doc.text.length / 1e6, 2)} MB, ${lines.toLocaleString('en')} lines`;
  const oEdit = stats(ours.editMs);
  const yEdit = stats(yls.editMs);
  const editRatio = ratioOf(oEdit.p50, yEdit.p50)!;
  const rows: Row[] = [
    {
      benchmark: `Edit → diagnostics (${size})`,
      metric: `p50 (ms, ${EDITS} edits)`,
      ours: oEdit.p50,
      anchor: yEdit.p50,
      ratio: editRatio,
      target: '≤ 150 ms and ≤ 0.15 ×',
      met: oEdit.p50 <= 150 && editRatio <= 0.15,
      note: `includes each server's own delay before validating: ours ${DEBOUNCE_MS.ours} ms, yaml-language-server ${DEBOUNCE_MS.yls} ms`,
    },
    { benchmark: 'Edit → diagnostics (same)', metric: 'p95 (ms)', ours: oEdit.p95, anchor: yEdit.p95, ratio: ratioOf(oEdit.p95, yEdit.p95), met: null },
  ];
  const latencyRow = (label: string, o: number[], y: number[], target: boolean): Row => {
    const so = stats(o);
    const sy = stats(y);
    return { benchmark: label, metric: `p50 / p95 (ms, ${o.length} requests)`, ours: `${so.p50} / ${so.p95}`, anchor: `${sy.p50} / ${sy.p95}`, ratio: ratioOf(so.p50, sy.p50), target: target ? 'p50 ≤ 30 ms' : undefined, met: target ? so.p50 <= 30 : null };
  };
  rows.push(latencyRow('Hover while a validation is running', ours.hoverWhileValidatingMs, yls.hoverWhileValidatingMs, true));
  rows.push(latencyRow('Completion while a validation is running', ours.completionWhileValidatingMs, yls.completionWhileValidatingMs, true));
  rows.push(latencyRow('Hover, idle', ours.hoverIdleMs, yls.hoverIdleMs, true));
  rows.push(latencyRow('Completion, idle', ours.completionIdleMs, yls.completionIdleMs, true));
  rows.push({ benchmark: 'Open → first diagnostics', metric: 'time (ms)', ours: round(ours.openMs, 0), anchor: round(yls.openMs, 0), ratio: ratioOf(ours.openMs, yls.openMs), met: null });
  rows.push({
    benchmark: 'Peak RSS of the server process',
    metric: 'VmHWM (MiB)',
    ours: round(ours.peakRss / MiB, 0),
    anchor: round(yls.peakRss / MiB, 0),
    ratio: ratioOf(ours.peakRss, yls.peakRss),
    target: '≤ 200 MiB',
    met: ours.peakRss <= 200 * MiB,
  });
  const notes = [
    `Both servers get the same file (${size}); yaml-language-server ${JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'yaml-language-server', 'package.json'), 'utf8')).version} validates it against schema/experience-sync.schema.json (yaml.schemas), ours runs its static checks (no project configured).`,
    `Static errors at open: ours ${ours.staticErrorsAtOpen}, yaml-language-server ${yls.staticErrorsAtOpen}. Hover answered with content: ours ${ours.hoverAnswered}, yaml-language-server ${yls.hoverAnswered}; completion items at a key position: ours ${ours.completionItems}, yaml-language-server ${yls.completionItems}.`,
    `"While a validation is running": the request is sent ${DEBOUNCE_MS.ours + 10} ms (ours) / ${DEBOUNCE_MS.yls + 10} ms (yaml-language-server) after an edit, i.e. just after the server's delay, when its validation has started.`,
  ];
  return {
    name: 'editor',
    title,
    rows,
    details: {
      file: { experiences: EDITOR_EXPERIENCES, bytes: doc.text.length, lines, editLine: doc.editLine + 1 },
      ours: { ...ours, editMs: oEdit, peakRssMiB: round(ours.peakRss / MiB) },
      yamlLanguageServer: { ...yls, editMs: yEdit, peakRssMiB: round(yls.peakRss / MiB) },
    },
    notes,
  };
}

if (require.main === module) runSection('editor', 'Editor (language server)', main);
