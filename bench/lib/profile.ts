/**
 * Reads a V8 CPU profile (`node --cpu-prof`) of a bundle in dist/ and attributes self time to
 * the source modules the bundle was built from (esbuild marks each with a `// path` comment).
 */
import * as fs from 'fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Line (0-based) → module path, from esbuild's `// path/to/file.ts` markers. */
function moduleMap(bundle: string): { line: number; module: string }[] {
  const marks: { line: number; module: string }[] = [];
  bundle.split('\n').forEach((text, line) => {
    const m = /^\/\/ ((?:node_modules|server|sandbox|client)\/\S+)$/.exec(text);
    if (m) marks.push({ line, module: m[1] });
  });
  return marks;
}

function moduleAt(marks: { line: number; module: string }[], line: number): string {
  let lo = 0;
  let hi = marks.length - 1;
  let found = '(bundle prologue)';
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (marks[mid].line <= line) {
      found = marks[mid].module;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Collapses a module path to its package (node_modules/yaml/dist/... → yaml) or source folder file. */
function group(module: string): string {
  const nm = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module);
  return nm ? `npm:${nm[1]}` : module;
}

/** Self time in ms by module (of `bundlePath`), by function, and total, from one profile file. */
export function summarizeProfile(
  profilePath: string,
  bundlePath: string,
  top = 12,
): { totalMs: number; byModule: [string, number][]; byFunction: [string, number][] } {
  const p = JSON.parse(fs.readFileSync(profilePath, 'utf8')) as CpuProfile;
  const marks = moduleMap(fs.readFileSync(bundlePath, 'utf8'));
  const dt = new Map<number, number>();
  p.samples.forEach((s, i) => dt.set(s, (dt.get(s) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  const bundleName = bundlePath.split('/').pop()!;
  for (const n of p.nodes) {
    const us = dt.get(n.id) ?? 0;
    if (!us) continue;
    total += us;
    const url = n.callFrame.url;
    let mod: string;
    if (url.endsWith(bundleName)) mod = group(moduleAt(marks, n.callFrame.lineNumber));
    else if (!url)
      mod = n.callFrame.functionName.startsWith('(')
        ? n.callFrame.functionName
        : n.callFrame.functionName.startsWith('RegExp:')
          ? '(regexp)'
          : '(native)';
    else mod = url.startsWith('node:') ? 'node internals' : url;
    byModule.set(mod, (byModule.get(mod) ?? 0) + us);
    const fn = mod.startsWith('(') ? mod : `${n.callFrame.functionName || '(anonymous)'} [${mod}]`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => [k, Math.round(v / 1000)] as [string, number]);
  return { totalMs: Math.round(total / 1000), byModule: sorted(byModule), byFunction: sorted(byFunction) };
}
