/**
 * Flow style and huge lines: a 10 MB config written in flow style on one line (about 200,000
 * experiences) against the same experiences in block style, in the CLI and in the language server.
 *   - `node dist/cli.js validate` of each file: wall time and peak RSS (the flow file's time per
 *     byte against the block file's is the "same speed per byte" measure);
 *   - the language server: `didOpen` of the flow file, then hover on another, small document in a
 *     loop until the flow file's diagnostics arrive: the slowest answer is how long parsing it
 *     held the server up; plus the time to its diagnostics and the server's peak RSS.
 * Targets: validate ≤ 3 s and ≤ 600 MB; hover answered within 100 ms while the file is parsed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { LspClient } from './lib/lsp';
import { MiB, now, percentile, round, runNode, watchPeakRss } from './lib/measure';
import { ratioOf, runSection, type Row, type Section } from './lib/results';

const root = path.resolve(__dirname, '..');
const cli = process.env.BENCH_CLI ?? path.join(root, 'dist', 'cli.js');
const server = process.env.BENCH_SERVER ?? path.join(root, 'dist', 'server.js');
const TARGET_BYTES = Number(process.env.BENCH_FLOW_BYTES ?? 10_000_000);

const entry = (i: number) => ({ name: `exp-${String(i).padStart(6, '0')}`, location: `s3://b/${i}` });

/** The flow file: one line, `{experiences: [{name: …, description: d, locations: [s3://…]}, …]}`, about `bytes` long. */
export function flowDocument(bytes = TARGET_BYTES): { text: string; experiences: number } {
  const parts: string[] = [];
  let size = 20;
  let i = 0;
  while (size < bytes) {
    const e = entry(i++);
    const part = `{name: ${e.name}, description: d, locations: [${e.location}]}`;
    parts.push(part);
    size += part.length + 2;
  }
  return { text: `{experiences: [${parts.join(', ')}]}\n`, experiences: i };
}

/** The same experiences in block style. */
export function blockDocument(n: number): string {
  const lines = ['experiences:'];
  for (let i = 0; i < n; i++) {
    const e = entry(i);
    lines.push(`  - name: ${e.name}`, '    description: d', '    locations:', `      - ${e.location}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function validate(file: string, dir: string): Promise<{ ms: number; rss: number; ok: boolean; detail: string }> {
  const r = await runNode(cli, ['validate', '--experience-config', file, '--json'], {
    env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1' },
    timeoutMs: 120_000,
  });
  return {
    ms: r.wallMs,
    rss: r.peakRss,
    ok: r.code === 0,
    detail: r.code === 0 ? '' : `exit ${r.code ?? r.signal}: ${r.stderr.slice(0, 300)}${r.stdout.slice(0, 300)}`,
  };
}

export async function serverWhileParsing(
  text: string,
  dir: string,
): Promise<{ diagnosticsMs: number; hovers: number[]; peakRss: number; errors: number }> {
  const client = new LspClient(process.execPath, [server, '--stdio'], { PATH: process.env.PATH, HOME: dir });
  const rss = watchPeakRss(client.pid, 25);
  client.onServerRequest = (method, params) => (method === 'workspace/configuration' ? (params.items as unknown[]).map(() => ({})) : null);
  try {
    await client.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(dir).toString(),
      capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
    });
    client.notify('initialized', {});
    const small = pathToFileURL(path.join(dir, 'small.experiences.yaml')).toString();
    const smallText = 'experiences:\n  - name: hover-me\n    description: d\n    locations: [s3://b/l]\n';
    fs.writeFileSync(path.join(dir, 'small.experiences.yaml'), smallText);
    const smallDiags = client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === small, 30_000);
    client.notify('textDocument/didOpen', { textDocument: { uri: small, languageId: 'resim-experiences', version: 1, text: smallText } });
    await smallDiags;
    const hoverSmall = () =>
      client.timedRequest('textDocument/hover', { textDocument: { uri: small }, position: { line: 1, character: 12 } });
    for (let i = 0; i < 5; i++) await hoverSmall(); // warm-up

    const file = path.join(dir, 'flow-server.experiences.yaml');
    fs.writeFileSync(file, text);
    const uri = pathToFileURL(file).toString();
    let done = false;
    const t0 = now();
    const diags = client
      .waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri, 120_000)
      .then((d) => {
        done = true;
        return d;
      });
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'resim-experiences', version: 1, text } });
    const hovers: number[] = [];
    while (!done) {
      hovers.push((await hoverSmall()).ms);
      await new Promise((r) => setTimeout(r, 10));
    }
    const d = await diags;
    return {
      diagnosticsMs: d.at - t0,
      hovers,
      peakRss: rss.stop(),
      errors: (d.params.diagnostics as { severity?: number }[]).filter((x) => (x.severity ?? 1) === 1).length,
    };
  } finally {
    rss.stop();
    await client.close();
  }
}

async function main(): Promise<Section> {
  const title = 'Flow style and huge lines';
  if (!fs.existsSync(cli) || !fs.existsSync(server))
    return { name: 'flow', title, rows: [], details: {}, notes: [], skipped: 'dist/ is missing (run node esbuild.mjs)' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-flow-'));
  try {
    const flow = flowDocument();
    const block = blockDocument(flow.experiences);
    const flowFile = path.join(dir, 'flow.experiences.yaml');
    const blockFile = path.join(dir, 'block.experiences.yaml');
    fs.writeFileSync(flowFile, flow.text);
    fs.writeFileSync(blockFile, block);
    const flowMB = round(Buffer.byteLength(flow.text) / 1e6, 1);
    const blockMB = round(Buffer.byteLength(block) / 1e6, 1);
    const vf = await validate(flowFile, dir);
    const vb = await validate(blockFile, dir);
    const perByte = ratioOf(vf.ms / flow.text.length, vb.ms / block.length);
    const srv = await serverWhileParsing(flow.text, dir);
    const maxHover = srv.hovers.length ? Math.max(...srv.hovers) : NaN;
    const size = `${flowMB} MB on one line, ${flow.experiences.toLocaleString('en')} experiences`;
    const rows: Row[] = [
      {
        benchmark: `validate, flow style (${size})`,
        metric: 'wall time (ms)',
        ours: round(vf.ms, 0),
        target: '≤ 3,000 ms',
        met: vf.ok && vf.ms <= 3000,
        ...(vf.ok ? {} : { note: vf.detail }),
      },
      {
        benchmark: 'validate, flow style (same)',
        metric: 'peak RSS (MB)',
        ours: round(vf.rss / 1e6, 0),
        target: '≤ 600 MB',
        met: vf.ok && vf.rss <= 600e6,
      },
      {
        benchmark: `validate, the same experiences in block style (${blockMB} MB)`,
        metric: 'wall time (ms)',
        ours: round(vb.ms, 0),
        met: null,
        note: `time per byte, flow / block: ${perByte ?? '–'} (1 = the same speed per byte)`,
      },
      {
        benchmark: 'Language server: hover on another document while the flow file is parsed',
        metric: `slowest / p95 (ms, ${srv.hovers.length} hovers)`,
        ours: srv.hovers.length
          ? `${round(maxHover, 0)} / ${round(percentile(srv.hovers, 95), 0)}`
          : 'none answered before the diagnostics',
        target: '≤ 100 ms',
        met: srv.hovers.length > 0 && maxHover <= 100,
        ...(srv.hovers.length > 0 && maxHover > 100
          ? {
              note: 'the parse runs on the parsing thread; the slowest answers wait for the main thread to receive the text (one 10 MB JSON-RPC message) and the result (the config of every experience)',
            }
          : {}),
      },
      {
        benchmark: 'Language server: open the flow file → first diagnostics',
        metric: 'time (ms)',
        ours: round(srv.diagnosticsMs, 0),
        met: null,
        note: `${srv.errors} errors`,
      },
      {
        benchmark: 'Language server: peak RSS with the flow file open',
        metric: 'VmHWM (MiB)',
        ours: round(srv.peakRss / MiB, 0),
        met: null,
      },
    ];
    return {
      name: 'flow',
      title,
      rows,
      details: {
        flowBytes: flow.text.length,
        blockBytes: block.length,
        experiences: flow.experiences,
        validateFlow: vf,
        validateBlock: vb,
        server: { ...srv, hovers: srv.hovers.map((x) => round(x, 1)) },
      },
      notes: [
        "Flow: `{experiences: [{name: exp-000000, description: d, locations: [s3://b/0]}, …]}` on one line; block: the same experiences, one key per line. Both are clean (no diagnostics), so both take the fast path (js-yaml) in the CLI and on the server's parsing thread.",
      ],
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) runSection('flow', 'Flow style and huge lines', main);
