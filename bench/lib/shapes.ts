/**
 * The shapes in which people and generators write one experience sync config: the same
 * experiences as block YAML, a one-line flow list under a block key, a whole-document flow map,
 * JSON on one line and pretty-printed, compact `- {…}` entries, block entries with flow leaves,
 * and block YAML with CRLF or CR-only line ends. `npm run bench` (bench/shapes.bench.ts) times
 * each at 10 MB; test/unit/loader-contract.test.ts holds the fast path to the full loader on each.
 */

/** One experience as written: every string is plain-safe YAML (no quoting needed), or see `raw`. */
export interface ShapeEntry {
  name: string;
  description: string;
  locations: readonly string[];
  tags?: readonly string[];
  /** More keys, written as given (a YAML flow value, e.g. `[a]` or `x`; JSON shapes write it as a string unless it is `[…]`). */
  extra?: Readonly<Record<string, string>>;
}

export interface ShapeConfig {
  experiences: ShapeEntry[];
  managedExperienceTags?: readonly string[];
}

export const SHAPES = [
  'block',
  'flow list under a block key',
  'whole-document flow map',
  'JSON, one line',
  'JSON, pretty',
  'compact `- {…}` entries',
  'block with flow leaves',
  'block, CRLF line ends',
  'block, CR-only line ends',
] as const;
export type Shape = (typeof SHAPES)[number];

const flowList = (xs: readonly string[]) => `[${xs.join(', ')}]`;

/** An entry as a YAML flow map: `{name: n, description: d, locations: [l], tags: [t]}`. */
function flowEntry(e: ShapeEntry): string {
  const parts = [`name: ${e.name}`, `description: ${e.description}`, `locations: ${flowList(e.locations)}`];
  if (e.tags) parts.push(`tags: ${flowList(e.tags)}`);
  for (const [k, v] of Object.entries(e.extra ?? {})) parts.push(`${k}: ${v}`);
  return `{${parts.join(', ')}}`;
}

function jsonValue(c: ShapeConfig): unknown {
  const extraValue = (v: string) =>
    v.startsWith('[') && v.endsWith(']')
      ? v
          .slice(1, -1)
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : v;
  return {
    experiences: c.experiences.map((e) => ({
      name: e.name,
      description: e.description,
      locations: e.locations,
      ...(e.tags ? { tags: e.tags } : {}),
      ...Object.fromEntries(Object.entries(e.extra ?? {}).map(([k, v]) => [k, extraValue(v)])),
    })),
    ...(c.managedExperienceTags ? { managedExperienceTags: c.managedExperienceTags } : {}),
  };
}

function block(c: ShapeConfig, leaves: 'block' | 'flow'): string {
  const lines = ['experiences:'];
  const list = (key: string, xs: readonly string[]) =>
    leaves === 'flow' ? [`    ${key}: ${flowList(xs)}`] : [`    ${key}:`, ...xs.map((x) => `      - ${x}`)];
  for (const e of c.experiences) {
    lines.push(`  - name: ${e.name}`, `    description: ${e.description}`, ...list('locations', e.locations));
    if (e.tags) lines.push(...list('tags', e.tags));
    for (const [k, v] of Object.entries(e.extra ?? {})) lines.push(`    ${k}: ${v}`);
  }
  if (c.managedExperienceTags) lines.push('managedExperienceTags:', ...c.managedExperienceTags.map((t) => `  - ${t}`));
  return `${lines.join('\n')}\n`;
}

/** The config text of `c` in `shape`. */
export function writeShape(c: ShapeConfig, shape: Shape): string {
  const managed = c.managedExperienceTags ? `managedExperienceTags: ${flowList(c.managedExperienceTags)}` : '';
  switch (shape) {
    case 'block':
      return block(c, 'block');
    case 'flow list under a block key':
      return `experiences: ${flowList(c.experiences.map(flowEntry))}\n${managed ? `${managed}\n` : ''}`;
    case 'whole-document flow map':
      return `{experiences: ${flowList(c.experiences.map(flowEntry))}${managed ? `, ${managed}` : ''}}\n`;
    case 'JSON, one line':
      return `${JSON.stringify(jsonValue(c))}\n`;
    case 'JSON, pretty':
      return `${JSON.stringify(jsonValue(c), null, 2)}\n`;
    case 'compact `- {…}` entries':
      return `experiences:\n${c.experiences.map((e) => `  - ${flowEntry(e)}\n`).join('')}${managed ? `${managed}\n` : ''}`;
    case 'block with flow leaves':
      return block(c, 'flow');
    case 'block, CRLF line ends':
      return block(c, 'block').replace(/\n/g, '\r\n');
    case 'block, CR-only line ends':
      return block(c, 'block').replace(/\n/g, '\r');
  }
}

/** `n` clean experiences (names `exp-000000`…, two tags each), the benchmarks' config. */
export function shapeConfig(n: number): ShapeConfig {
  const experiences: ShapeEntry[] = [];
  for (let i = 0; i < n; i++)
    experiences.push({
      name: `exp-${String(i).padStart(6, '0')}`,
      description: `d${i % 10}`,
      locations: [`s3://b/${i}`],
      tags: [`t${i % 7}`, `u${i % 3}`],
    });
  return { experiences };
}

/** The number of experiences that makes `shape` about `bytes` long (the sizes differ by shape). */
export function experiencesForBytes(shape: Shape, bytes: number): number {
  const probe = 1000;
  const per = writeShape(shapeConfig(probe), shape).length / probe;
  return Math.max(1, Math.round(bytes / per));
}
