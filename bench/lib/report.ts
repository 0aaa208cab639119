/** Renders bench/results.md: one table of every measure, with the machine, then the misses and notes. */
import type { Machine, Row, Section } from './results';

const cell = (v: unknown): string =>
  v === undefined || v === null || v === ''
    ? '–'
    : typeof v === 'number'
      ? v.toLocaleString('en', { maximumFractionDigits: 3 })
      : String(v).replace(/\|/g, '\\|');

function met(r: Row): string {
  return r.met === null ? '' : r.met ? '✅ yes' : '❌ no';
}

export function renderMarkdown(results: { machine: Machine; totalSeconds: number; sections: Section[] }): string {
  const m = results.machine;
  const out: string[] = [];
  out.push('# Benchmarks');
  out.push('');
  out.push(
    `Measured ${m.date.slice(0, 10)} (${m.date}) on ${m.nproc} cores (${m.cpu}), ${m.memoryGiB} GiB memory, Node ${m.node}, ${m.platform}; ` +
      `\`npm run bench\` took ${results.totalSeconds} s. Every comparison ran both sides in the same run; ratio = ours / anchor (lower is better).`,
  );
  out.push('');
  out.push(
    "Anchors: the resim CLI's call pattern (ingest.go, apply.go of resim-ai/api-client, replayed on the same sandbox) for ingest and apply; Red Hat's yaml-language-server with our JSON schema for the editor.",
  );
  out.push('');
  out.push(
    'Load: the 1-minute load average when the figure was measured (the machine may be shared with other jobs; compare ratios within one run).',
  );
  out.push('');
  out.push('| Benchmark | Measure | Ours | Anchor | Ratio | Target | Met | Load |');
  out.push('|---|---|---|---|---|---|---|---|');
  for (const s of results.sections) {
    if (s.skipped) {
      out.push(`| **${cell(s.title)}** | not run: ${cell(s.skipped)} | | | | | | |`);
      continue;
    }
    for (const r of s.rows)
      out.push(
        `| ${cell(r.benchmark)} | ${cell(r.metric)} | ${cell(r.ours)} | ${cell(r.anchor)} | ${r.ratio === undefined ? '–' : `${cell(r.ratio)} ×`} | ${cell(r.target)} | ${met(r)} | ${cell(r.load)} |`,
      );
  }
  const missed = results.sections.flatMap((s) => s.rows.filter((r) => r.met === false).map((r) => ({ s, r })));
  out.push('');
  if (missed.length) {
    out.push('## Targets not met');
    out.push('');
    for (const { r } of missed)
      out.push(
        `- **${r.benchmark}**, ${r.metric}: ${cell(r.ours)} against ${cell(r.target)}${r.load !== undefined ? ` (load ${cell(r.load)})` : ''}${r.note ? `. ${r.note}` : ''}`,
      );
    out.push('');
  } else {
    out.push('Every target is met.');
    out.push('');
  }
  const rowNotes = results.sections.flatMap((s) =>
    s.rows.filter((r) => r.met !== false && r.note).map((r) => `- ${r.benchmark} (${r.metric}): ${r.note}`),
  );
  const notes = results.sections.flatMap((s) => s.notes.map((n) => `- ${s.title}: ${n}`));
  if (rowNotes.length || notes.length) {
    out.push('## Notes');
    out.push('');
    out.push(...notes, ...rowNotes);
    out.push('');
  }
  out.push('Raw numbers (every sample, calls by operation, profiles): `bench/results.json`.');
  out.push('');
  return out.join('\n');
}
