/**
 * Apply: write calls and wall time of a whole sync (read state, plan, write) against the sandbox
 * at 50 ms latency, ours (ingest → computePlan → applyPlan, server/src/sync/) against the resim
 * CLI's pattern (bench/lib/reference.ts), each on its own fresh sandbox with the same contents:
 *   (a) 1,000 new experiences with tags and systems, in 5 managed test suites;
 *   (b) the same file again;
 *   (c) 100 field edits (descriptions).
 * Write calls are counted from the sandbox's request log (every non-GET request).
 * Targets: (b) zero write calls; (a) no tag or system call beyond the creates, and ≤ 0.5 × the
 * resim CLI's wall time.
 */
import { startSandbox, generateStore, GENERATED_PROJECT_ID, type Sandbox } from '../sandbox/server';
import { WRITE_CONCURRENCY } from '../server/src/resim';
import { applyPlan } from '../server/src/sync/apply';
import { ingest } from '../server/src/sync/ingest';
import type { ConfigExperience, SyncConfig } from '../server/src/config/model';
import { computePlan } from '../server/src/sync/plan';
import { sandboxClient } from './lib/configs';
import { now, round } from './lib/measure';
import { referenceSync, ReferenceHttp } from './lib/reference';
import { ratioOf, runSection, type Row, type Section } from './lib/results';

const LATENCY_MS = 50;
const N = 1000;
const SIZE = { experiences: 0, tags: 30, systems: 10, suites: 5 };
const project = { id: GENERATED_PROJECT_ID, name: 'bench' };
const TAG_OR_SYSTEM_OPS = new Set([
  'AddTagsToExperiences',
  'RemoveExperienceTagFromExperience',
  'AddSystemsToExperiences',
  'RemoveSystemsFromExperiences',
]);

/** Config (a): N new experiences, each with one or two tags and one system, 5 managed suites of 100. */
export function newExperiencesConfig(n = N): SyncConfig {
  const experiences: ConfigExperience[] = [];
  for (let i = 0; i < n; i++) {
    const tags = [`tag-${i % SIZE.tags}`];
    if (i % 5 === 0) tags.push(`tag-${(i + 7) % SIZE.tags}`);
    experiences.push({
      name: `new-${String(i).padStart(4, '0')}`,
      description: `New experience ${i}`,
      locations: [`s3://bench/new/${i}`],
      ...(i % 2 ? { profile: 'full_stack' } : {}),
      tags,
      systems: [`system-${i % SIZE.systems}`],
    });
  }
  return {
    experiences,
    managedTestSuites: Array.from({ length: SIZE.suites }, (_, k) => ({
      name: `suite-${k}`,
      experiences: experiences.slice(k * 100, k * 100 + 100).map((e) => e.name),
    })),
    managedExperienceTags: Array.from({ length: SIZE.tags }, (_, t) => `tag-${t}`),
  };
}

/** Config (c): (a) with `edits` descriptions changed. */
export function editedConfig(base: SyncConfig, edits = 100): SyncConfig {
  const step = Math.floor(base.experiences.length / edits);
  return {
    ...base,
    experiences: base.experiences.map((e, i) =>
      i % step === 0 && i / step < edits ? { ...e, description: `${e.description} (edited)` } : e,
    ),
  };
}

interface StepResult {
  ms: number;
  writes: number;
  byOperation: Record<string, number>;
  tagOrSystemCalls: number;
}

function writesOf(sb: Sandbox): Pick<StepResult, 'writes' | 'byOperation' | 'tagOrSystemCalls'> {
  const byOperation: Record<string, number> = {};
  let writes = 0;
  let tagOrSystemCalls = 0;
  for (const r of sb.requestLog) {
    if (r.method === 'GET') continue;
    writes += 1;
    const op = r.operation ?? `${r.method} ${r.path}`;
    byOperation[op] = (byOperation[op] ?? 0) + 1;
    if (TAG_OR_SYSTEM_OPS.has(op)) tagOrSystemCalls += 1;
  }
  return { writes, byOperation, tagOrSystemCalls };
}

async function ourSync(sb: Sandbox, config: SyncConfig): Promise<StepResult> {
  sb.requestLog.length = 0;
  const api = sandboxClient(sb);
  const t0 = now();
  const state = await ingest(api, project);
  const plan = computePlan(config, state, { archiveUnlisted: true });
  if (plan.errors.length) throw new Error(`our plan has errors: ${plan.errors.map((e) => e.message).join('; ')}`);
  const result = await applyPlan(api, plan);
  const ms = now() - t0;
  api.close();
  if (!result.ok)
    throw new Error(
      `our apply failed: ${result.calls
        .filter((c) => !c.ok)
        .map((c) => `${c.operation} ${c.target}: ${c.error}`)
        .join('; ')}`,
    );
  return { ms, ...writesOf(sb) };
}

async function referenceRun(sb: Sandbox, config: SyncConfig): Promise<StepResult> {
  sb.requestLog.length = 0;
  const h = new ReferenceHttp(sb.url);
  const t0 = now();
  await referenceSync(h, project.id, config);
  const ms = now() - t0;
  h.close();
  return { ms, ...writesOf(sb) };
}

/** The project's content as comparable data: names, descriptions, tags and systems per name, suite members. */
function contentOf(sb: Sandbox): string {
  const s = sb.store;
  const exps = s.experiences[project.id].filter((e) => !e.archived);
  const nameOf = new Map(exps.map((e) => [e.experienceID, e.name]));
  const tagName = new Map(s.experienceTags[project.id].map((t) => [t.experienceTagID, t.name]));
  const sysName = new Map(s.systems[project.id].map((t) => [t.systemID, t.name]));
  const rows = exps
    .map((e) =>
      [
        e.name,
        e.description,
        e.experienceTagIDs
          .map((t) => tagName.get(t))
          .sort()
          .join(','),
        e.systemIDs
          .map((t) => sysName.get(t))
          .sort()
          .join(','),
      ].join('|'),
    )
    .sort();
  const suites = s.testSuites[project.id]
    .map(
      (t) =>
        `${t.name}:${t.experiences
          .map((id) => nameOf.get(id))
          .sort()
          .join(',')}`,
    )
    .sort();
  return JSON.stringify({ rows, suites });
}

async function main(): Promise<Section> {
  const a = newExperiencesConfig();
  const c = editedConfig(a);
  const steps: [string, SyncConfig][] = [
    [`(a) ${N.toLocaleString('en')} new experiences with tags and systems`, a],
    ['(b) the same file again', a],
    ['(c) 100 field edits', c],
  ];
  const ours: StepResult[] = [];
  const ref: StepResult[] = [];
  const sbOurs = await startSandbox({ store: generateStore(SIZE), latencyMs: LATENCY_MS });
  const sbRef = await startSandbox({ store: generateStore(SIZE), latencyMs: LATENCY_MS });
  let same = true;
  try {
    for (const [, config] of steps) {
      ours.push(await ourSync(sbOurs, config));
      ref.push(await referenceRun(sbRef, config));
      same &&= contentOf(sbOurs) === contentOf(sbRef);
    }
  } finally {
    await sbOurs.close();
    await sbRef.close();
  }
  if (!same) throw new Error('ours and the reference left the projects with different contents');
  const rows: Row[] = [];
  steps.forEach(([label], i) => {
    const o = ours[i];
    const r = ref[i];
    const callTarget = i === 0 ? 'no tag/system call' : i === 1 ? '0 write calls' : undefined;
    const callMet = i === 0 ? o.tagOrSystemCalls === 0 : i === 1 ? o.writes === 0 : null;
    rows.push({
      benchmark: `Apply ${label}`,
      metric: 'write calls',
      ours: o.writes,
      anchor: r.writes,
      ratio: ratioOf(o.writes, r.writes),
      target: callTarget,
      met: callMet,
      note: `ours: ${
        Object.entries(o.byOperation)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ') || 'none'
      }; resim CLI: ${Object.entries(r.byOperation)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}`,
    });
    const ratio = ratioOf(o.ms, r.ms);
    const timeMet = i === 0 ? ratio !== undefined && ratio <= 0.5 : null;
    rows.push({
      benchmark: `Apply ${label}`,
      metric: 'wall time incl. ingest (ms)',
      ours: round(o.ms, 0),
      anchor: round(r.ms, 0),
      ratio,
      met: timeMet,
      ...(i === 0 ? { target: '≤ 0.5 ×' } : {}),
      ...(timeMet === false
        ? {
            note: `our writes run ${WRITE_CONCURRENCY} at once (the resim CLI's 16 workers); ${o.writes} calls at ${LATENCY_MS} ms take ≥ ${Math.ceil(o.writes / WRITE_CONCURRENCY) * LATENCY_MS} ms, and the sandbox serving both sides shares the 2 cores with the benchmark`,
          }
        : {}),
    });
  });
  return {
    name: 'apply',
    title: 'Apply',
    rows,
    details: { latencyMs: LATENCY_MS, size: SIZE, ours, reference: ref, sameContents: same },
    notes: [
      `Each side syncs on its own sandbox (same generated project: ${SIZE.tags} tags, ${SIZE.systems} systems, ${SIZE.suites} empty test suites) at ${LATENCY_MS} ms latency; wall time covers reading the state, planning and writing.`,
      "Anchor: the resim CLI's applyUpdates() (cmd/resim/commands/sync/apply.go) replayed: 16 workers, one UpdateExperience per matched experience, a ReviseTestSuite per managed suite every run, tag and system additions as separate calls after the creates, one BulkArchiveExperiences.",
      'After every step both projects hold the same experiences, tags, systems and suite members (checked).',
    ],
  };
}

if (require.main === module) runSection('apply', 'Apply', main);
