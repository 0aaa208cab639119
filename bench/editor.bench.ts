/**
 * Editor: the language server's figures, ours (`node dist/server.js --stdio`) against Red Hat's
 * yaml-language-server (devDependency, configured with our schema schema/experience-sync.schema.json
 * through the `yaml.schemas` setting), on the same 5,000-experience file (~1.2 MB, ~45,000 lines,
 * no tags or systems, no project configured: static checks only), then on the same kind of file
 * with 50,000 experiences (~12 MB), where yaml-language-server is measured as far as it finishes
 * within its time budget (its time or its time-out is recorded):
 *   - didChange (a one-line edit in the middle, toggling `cacheExempt: false` ↔ `maybe`, which the
 *     schema rejects) → the publishDiagnostics that reflects it: p50/p95 over 20 edits;
 *   - hover and completion latency, idle and while a validation is running (the request is sent
 *     just after the server's debounce delay following an edit);
 *   - peak RSS of each server process (VmHWM from /proc, polled every 25 ms).
 * Targets at 5,000: edit → diagnostics p50 ≤ 150 ms and ≤ 0.15 × yaml-language-server's; hover and
 * completion p50 ≤ 30 ms even while validating; peak RSS ≤ 200 MiB; open → first diagnostics
 * ≤ 0.2 × yaml-language-server's. At 50,000: open ≤ 1.5 s; edit p50 ≤ 100 ms, p95 ≤ 200 ms; hover
 * and completion p50 ≤ 30 ms while validating; peak RSS ≤ 400 MiB.
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
export const LARGE_EXPERIENCES = Number(process.env.BENCH_LARGE_EXPERIENCES ?? 50_000);
/** yaml-language-server's budget on the large file: its open, then each edit (it may not finish). */
const YLS_LARGE_OPEN_TIMEOUT_MS = Number(process.env.BENCH_YLS_TIMEOUT_MS ?? 90_000);
/** yaml-language-server's heap on the large file (MiB): it may run out of it, which is recorded. */
const YLS_LARGE_HEAP_MIB = 4096;
const EDITS = Number(process.env.BENCH_EDITS ?? 20);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 10);
const EDIT_TIMEOUT_MS = 120_000;

/**
 * Each server's own delay between a change and the start of its validation: ours
 * `debounceMs` (server/src/lsp/analysis.ts, default 25 ms); yaml-language-server's
 * `validationDelayMs` (out/server/src/yamlSettings.js, 200 ms, not configurable).
 */
const DEBOUNCE_MS = { ours: 25, yls: 200 };

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
  /** Set when the server did not finish a step within its budget (or died): what and where. */
  incomplete?: string;
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

export interface Budget {
  edits: number;
  samples: number;
  openTimeoutMs: number;
  editTimeoutMs: number;
  /** The whole measure's limit: past it the server is killed and what it finished is kept. */
  totalTimeoutMs?: number;
  nodeArgs?: string[];
}
const FULL_BUDGET: Budget = { edits: EDITS, samples: SAMPLES, openTimeoutMs: EDIT_TIMEOUT_MS, editTimeoutMs: EDIT_TIMEOUT_MS };

export async function measureServer(
  kind: 'ours' | 'yls',
  doc: ReturnType<typeof editorDocument>,
  dir: string,
  budget: Budget = FULL_BUDGET,
): Promise<ServerResult> {
  const file = path.join(dir, `bench-${kind}.experiences.yaml`);
  fs.writeFileSync(file, doc.text);
  const uri = pathToFileURL(file).toString();
  const script = kind === 'ours' ? ourServer : ylsServer;
  const client = new LspClient(process.execPath, [...(budget.nodeArgs ?? []), script, '--stdio'], { PATH: process.env.PATH, HOME: dir });
  const rss = watchPeakRss(client.pid, 25);
  const result: ServerResult = {
    openMs: NaN,
    staticErrorsAtOpen: 0,
    editMs: [],
    hoverIdleMs: [],
    completionIdleMs: [],
    hoverWhileValidatingMs: [],
    completionWhileValidatingMs: [],
    completionItems: 0,
    hoverAnswered: false,
    peakRss: 0,
  };
  let step = 'initialize';
  const killer = budget.totalTimeoutMs
    ? setTimeout(() => {
        step += ` (the measure's limit of ${budget.totalTimeoutMs! / 1000} s passed)`;
        client.child.kill('SIGKILL');
      }, budget.totalTimeoutMs)
    : undefined;
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
      return (params.items as { section?: string }[]).map((it) =>
        it.section === 'yaml' ? yamlSettings : it.section === 'resim' ? {} : {},
      );
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
    step = 'open → first diagnostics';
    const t0 = now();
    const opened = client.waitFor('textDocument/publishDiagnostics', isDiag, budget.openTimeoutMs);
    opened.catch(() => undefined);
    client.notify('textDocument/didOpen', {
      textDocument: { uri, languageId: kind === 'ours' ? 'resim-experiences' : 'yaml', version, text: doc.text },
    });
    const first = await opened;
    result.openMs = first.at - t0;
    result.staticErrorsAtOpen = (first.params.diagnostics as { severity?: number }[]).filter((d) => (d.severity ?? 1) === 1).length;

    // The edit: the value of `cacheExempt` in the middle of the file, toggled each time.
    let broken = false;
    const edit = async (): Promise<{ sentAt: number; diagnostics: Promise<{ at: number }> }> => {
      broken = !broken;
      const expectError = broken;
      const col = '    cacheExempt: '.length;
      const oldLen = (broken ? 'false' : 'maybe').length;
      const diagnostics = client.waitFor(
        'textDocument/publishDiagnostics',
        (p) => isDiag(p) && errorsOn(p, doc.editLine) === expectError,
        budget.editTimeoutMs,
      );
      diagnostics.catch(() => undefined); // awaited later; a time-out while something else fails first must not end the process
      const sentAt = now();
      client.notify('textDocument/didChange', {
        textDocument: { uri, version: ++version },
        contentChanges: [
          {
            range: { start: { line: doc.editLine, character: col }, end: { line: doc.editLine, character: col + oldLen } },
            text: broken ? 'maybe' : 'false',
          },
        ],
      });
      return { sentAt, diagnostics };
    };

    // Warm-up (JIT, caches): two edits, not counted.
    step = 'edit → diagnostics (warm-up)';
    for (let i = 0; i < 2; i++) await (await edit()).diagnostics;

    step = 'edit → diagnostics';
    const editMs = result.editMs;
    for (let i = 0; i < budget.edits; i++) {
      const e = await edit();
      editMs.push((await e.diagnostics).at - e.sentAt);
      await sleep(30);
    }

    const hoverParams = { textDocument: { uri }, position: { line: doc.hoverLine, character: 12 } };
    const completionParams = { textDocument: { uri }, position: { line: doc.completionLine, character: 4 }, context: { triggerKind: 1 } };
    step = 'hover and completion, idle';
    for (let i = 0; i < budget.samples; i++) {
      const h = await client.timedRequest('textDocument/hover', hoverParams);
      result.hoverIdleMs.push(h.ms);
      result.hoverAnswered ||= !!h.result;
      const c = await client.timedRequest<{ items?: unknown[] } | unknown[] | null>('textDocument/completion', completionParams);
      result.completionIdleMs.push(c.ms);
      const items = Array.isArray(c.result) ? c.result : (c.result?.items ?? []);
      result.completionItems = Math.max(result.completionItems, items.length);
      await sleep(20);
    }

    const whileValidating = async (method: string, params: unknown, out: number[]): Promise<number[]> => {
      for (let i = 0; i < budget.samples; i++) {
        const e = await edit();
        await sleep(DEBOUNCE_MS[kind] + 10);
        const r = await client.timedRequest(method, params);
        out.push(r.ms);
        await e.diagnostics;
        await sleep(30);
      }
      return out;
    };
    step = 'hover while validating';
    await whileValidating('textDocument/hover', hoverParams, result.hoverWhileValidatingMs);
    step = 'completion while validating';
    await whileValidating('textDocument/completion', completionParams, result.completionWhileValidatingMs);
    result.peakRss = rss.stop();
    return result;
  } catch (err) {
    // A server that does not finish (time-out, out of memory): what it did finish is kept.
    const exited = client.child.exitCode !== null || client.child.signalCode !== null;
    const why = exited
      ? `exited (${client.child.exitCode ?? client.child.signalCode})${/heap out of memory/i.test(client.stderr) ? ': JavaScript heap out of memory' : ''}`
      : (err as Error).message;
    result.incomplete = `${step}: ${why}`;
    result.peakRss = rss.stop();
    return result;
  } finally {
    if (killer) clearTimeout(killer);
    rss.stop();
    await client.close();
  }
}

const stats = (xs: number[]) => ({
  p50: round(percentile(xs, 50), 1),
  p95: round(percentile(xs, 95), 1),
  samples: xs.map((x) => round(x, 1)),
});

async function main(): Promise<Section> {
  const title = 'Editor (language server)';
  if (!fs.existsSync(ourServer))
    return { name: 'editor', title, rows: [], details: {}, notes: [], skipped: 'dist/server.js is missing (run node esbuild.mjs)' };
  if (!fs.existsSync(ylsServer))
    return { name: 'editor', title, rows: [], details: {}, notes: [], skipped: 'yaml-language-server is not installed (npm ci)' };
  const doc = editorDocument();
  const large = editorDocument(LARGE_EXPERIENCES);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-editor-'));
  let ours: ServerResult;
  let yls: ServerResult;
  let oursLarge: ServerResult;
  let ylsLarge: ServerResult;
  const ylsLargeBudget: Budget = {
    edits: 3,
    samples: 3,
    openTimeoutMs: YLS_LARGE_OPEN_TIMEOUT_MS,
    editTimeoutMs: YLS_LARGE_OPEN_TIMEOUT_MS,
    totalTimeoutMs: 3 * YLS_LARGE_OPEN_TIMEOUT_MS,
    nodeArgs: [`--max-old-space-size=${YLS_LARGE_HEAP_MIB}`],
  };
  try {
    ours = await measureServer('ours', doc, dir);
    yls = await measureServer('yls', doc, dir);
    oursLarge = await measureServer('ours', large, dir);
    ylsLarge = await measureServer('yls', large, dir, ylsLargeBudget);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const sizeOf = (d: typeof doc, n: number) =>
    `${n.toLocaleString('en')} experiences, ${round(d.text.length / 1e6, 2)} MB, ${(d.text.split('\n').length - 1).toLocaleString('en')} lines`;
  const size = sizeOf(doc, EDITOR_EXPERIENCES);
  const sizeLarge = sizeOf(large, LARGE_EXPERIENCES);
  const oEdit = stats(ours.editMs);
  const yEdit = stats(yls.editMs);
  const editRatio = ratioOf(oEdit.p50, yEdit.p50)!;
  const ms = (r: ServerResult, x: number) => (Number.isFinite(x) ? round(x, 0) : `not reached (${r.incomplete ?? 'no result'})`);
  const openRatio = ratioOf(ours.openMs, yls.openMs);
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
    {
      benchmark: 'Edit → diagnostics (same)',
      metric: 'p95 (ms)',
      ours: oEdit.p95,
      anchor: yEdit.p95,
      ratio: ratioOf(oEdit.p95, yEdit.p95),
      met: null,
    },
  ];
  const latencyRow = (label: string, o: number[], y: number[], target: boolean, why?: string): Row => {
    const so = stats(o);
    const sy = y.length ? stats(y) : undefined;
    const met = target ? o.length > 0 && so.p50 <= 30 : null;
    return {
      benchmark: label,
      metric: `p50 / p95 (ms, ${o.length} requests)`,
      ours: o.length ? `${so.p50} / ${so.p95}` : 'not reached',
      anchor: sy ? `${sy.p50} / ${sy.p95}` : (why ?? 'not reached'),
      ratio: sy ? ratioOf(so.p50, sy.p50) : undefined,
      target: target ? 'p50 ≤ 30 ms' : undefined,
      met,
      ...(met === false ? { note: label.startsWith('Completion') ? MISS.whileValidatingLarge : MISS.hoverWhileValidating } : {}),
    };
  };
  rows.push(latencyRow('Hover while a validation is running', ours.hoverWhileValidatingMs, yls.hoverWhileValidatingMs, true));
  rows.push(
    latencyRow('Completion while a validation is running', ours.completionWhileValidatingMs, yls.completionWhileValidatingMs, true),
  );
  rows.push(latencyRow('Hover, idle', ours.hoverIdleMs, yls.hoverIdleMs, true));
  rows.push(latencyRow('Completion, idle', ours.completionIdleMs, yls.completionIdleMs, true));
  rows.push({
    benchmark: 'Open → first diagnostics',
    metric: 'time (ms)',
    ours: round(ours.openMs, 0),
    anchor: round(yls.openMs, 0),
    ratio: openRatio,
    target: '≤ 0.2 ×',
    met: openRatio !== undefined && openRatio <= 0.2,
    ...(openRatio !== undefined && openRatio > 0.2 ? { note: MISS.openSmall } : {}),
  });
  rows.push({
    benchmark: 'Peak RSS of the server process',
    metric: 'VmHWM (MiB)',
    ours: round(ours.peakRss / MiB, 0),
    anchor: round(yls.peakRss / MiB, 0),
    ratio: ratioOf(ours.peakRss, yls.peakRss),
    target: '≤ 200 MiB',
    met: ours.peakRss <= 200 * MiB,
    ...(ours.peakRss > 200 * MiB ? { note: MISS.rssSmall } : {}),
  });

  // The large file: ours in full; yaml-language-server as far as it finishes.
  const ylsWhy = ylsLarge.incomplete ? `yaml-language-server: ${ylsLarge.incomplete}` : undefined;
  const oL = stats(oursLarge.editMs);
  const yL = ylsLarge.editMs.length ? stats(ylsLarge.editMs) : undefined;
  rows.push({
    benchmark: `Open → first diagnostics (${sizeLarge})`,
    metric: 'time (ms)',
    ours: ms(oursLarge, oursLarge.openMs),
    anchor: ms(ylsLarge, ylsLarge.openMs),
    ratio: Number.isFinite(ylsLarge.openMs) ? ratioOf(oursLarge.openMs, ylsLarge.openMs) : undefined,
    target: '≤ 1,500 ms',
    met: oursLarge.openMs <= 1500,
    ...(oursLarge.openMs > 1500 ? { note: MISS.openLarge } : {}),
  });
  rows.push({
    benchmark: 'Edit → diagnostics (same, 50,000)',
    metric: `p50 (ms, ${oursLarge.editMs.length} edits)`,
    ours: oursLarge.editMs.length ? oL.p50 : 'not reached',
    anchor: yL ? yL.p50 : (ylsWhy ?? 'not reached'),
    ratio: yL ? ratioOf(oL.p50, yL.p50) : undefined,
    target: '≤ 100 ms',
    met: oursLarge.editMs.length > 0 && oL.p50 <= 100,
    ...(oL.p50 > 100 ? { note: MISS.editLarge } : {}),
  });
  rows.push({
    benchmark: 'Edit → diagnostics (same, 50,000)',
    metric: 'p95 (ms)',
    ours: oursLarge.editMs.length ? oL.p95 : 'not reached',
    anchor: yL ? yL.p95 : 'not reached',
    ratio: yL ? ratioOf(oL.p95, yL.p95) : undefined,
    target: '≤ 200 ms',
    met: oursLarge.editMs.length > 0 && oL.p95 <= 200,
    ...(oL.p95 > 200 ? { note: MISS.editLarge } : {}),
  });
  rows.push(
    latencyRow(
      'Hover while a validation is running (50,000)',
      oursLarge.hoverWhileValidatingMs,
      ylsLarge.hoverWhileValidatingMs,
      true,
      ylsWhy,
    ),
  );
  rows.push(
    latencyRow(
      'Completion while a validation is running (50,000)',
      oursLarge.completionWhileValidatingMs,
      ylsLarge.completionWhileValidatingMs,
      true,
      ylsWhy,
    ),
  );
  rows.push({
    benchmark: 'Peak RSS of the server process (50,000)',
    metric: 'VmHWM (MiB)',
    ours: round(oursLarge.peakRss / MiB, 0),
    anchor: `${round(ylsLarge.peakRss / MiB, 0)}${ylsLarge.incomplete ? ' (until it stopped)' : ''}`,
    ratio: ylsLarge.incomplete ? undefined : ratioOf(oursLarge.peakRss, ylsLarge.peakRss),
    target: '≤ 400 MiB',
    met: oursLarge.peakRss <= 400 * MiB,
    ...(oursLarge.peakRss > 400 * MiB ? { note: MISS.rssLarge } : {}),
  });
  const notes = [
    `Both servers get the same files (${size}; ${sizeLarge}); yaml-language-server ${JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'yaml-language-server', 'package.json'), 'utf8')).version} validates them against schema/experience-sync.schema.json (yaml.schemas), ours runs its static checks (no project configured).`,
    `Static errors at open: ours ${ours.staticErrorsAtOpen}, yaml-language-server ${yls.staticErrorsAtOpen}. Hover answered with content: ours ${ours.hoverAnswered}, yaml-language-server ${yls.hoverAnswered}; completion items at a key position: ours ${ours.completionItems}, yaml-language-server ${yls.completionItems}.`,
    `"While a validation is running": the request is sent ${DEBOUNCE_MS.ours + 10} ms (ours) / ${DEBOUNCE_MS.yls + 10} ms (yaml-language-server) after an edit, i.e. just after the server's delay, when its validation has started.`,
    `At ${LARGE_EXPERIENCES.toLocaleString('en')} experiences yaml-language-server gets ${YLS_LARGE_OPEN_TIMEOUT_MS / 1000} s for its open and for each edit, ${ylsLargeBudget.edits} edits and ${ylsLargeBudget.samples} requests of each kind, ${(3 * YLS_LARGE_OPEN_TIMEOUT_MS) / 1000} s in all, and a heap of ${YLS_LARGE_HEAP_MIB} MiB: ${ylsLarge.incomplete ? `it did not finish (${ylsLarge.incomplete}); its rows show what it finished` : 'it finished'}.`,
  ];
  return {
    name: 'editor',
    title,
    rows,
    details: {
      file: { experiences: EDITOR_EXPERIENCES, bytes: doc.text.length, editLine: doc.editLine + 1 },
      large: { experiences: LARGE_EXPERIENCES, bytes: large.text.length, editLine: large.editLine + 1 },
      ours: { ...ours, editMs: oEdit, peakRssMiB: round(ours.peakRss / MiB) },
      yamlLanguageServer: { ...yls, editMs: yEdit, peakRssMiB: round(yls.peakRss / MiB) },
      oursLarge: { ...oursLarge, editMs: oL, peakRssMiB: round(oursLarge.peakRss / MiB) },
      yamlLanguageServerLarge: { ...ylsLarge, editMs: yL, peakRssMiB: round(ylsLarge.peakRss / MiB) },
    },
    notes,
  };
}

/** Why a target is missed, where it is (filled in from what the runs showed). */
const MISS = {
  openSmall:
    'ours parses on its parsing thread and sends the result to the main thread; at 5,000 most of the time is the server start-up work around it',
  openLarge:
    'the fast path on the parsing thread (js-yaml, about 0.5 s for 12 MB on a quiet core) plus copying the config (50,000 experiences) to the main thread and the diagnostics back; on a loaded 2-core machine the two threads compete',
  editLarge:
    "an edit re-reads every piece boundary and looks up 50,000 unchanged pieces by their text on the main thread (tens of ms), then checks the whole config across entries; the heap growth limit that holds the peak RSS down (HEAP_GROWING_PERCENT, server/src/lsp/offThread.ts) adds a full collection every few edits on each thread, and a loaded machine adds the rest (yaml-language-server's figures in the same run show how loaded)",
  whileValidatingLarge:
    "completion reads its line and the lines above it through the document's line index (server/src/lsp/completion.ts), passing over the lines that cannot hold a parent key by their first characters; what remains is the main thread's share of the validation (receiving the result, planning) when the request arrives, and the machine's load",
  rssLarge:
    'both threads hold what is live (the main thread the document and the config of 50,000 experiences, about 70 MiB; the parsing thread its last load with its piece cache, about 100 MiB), and each edit leaves 20–50 MB of garbage per thread; V8 lets each heap grow by HEAP_GROWING_PERCENT (30 %, server/src/lsp/offThread.ts) between collections: 10 % keeps the peak near 400 MiB but costs about 50 ms per edit and the hover target; going further means keeping one copy of the text and config between the threads; yaml-language-server takes about 3 GB for the same file',
  hoverWhileValidating: 'the main thread was busy receiving the result of the parsing thread when the request came',
  rssSmall: 'the parsing thread, now started with the server, has its own V8 heap (about 30 MiB)',
};

if (require.main === module) runSection('editor', 'Editor (language server)', main);
