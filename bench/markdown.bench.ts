/**
 * Markdown: time of `renderPlanMarkdown` (server/src/sync/markdown.ts: the pull-request comment,
 * docs/ci.md) for plans that create 1,000, 10,000 and 50,000 experiences with two fields each,
 * and the length of the result, which must stay under GitHub's comment limit (65,536 characters)
 * however large the plan. Only the entries that fit are rendered.
 */
import type { PlanJson } from '../protocol';
import { GITHUB_COMMENT_LIMIT, renderPlanMarkdown } from '../server/src/sync/markdown';
import { now, percentile, round } from './lib/measure';
import { runSection, type Row } from './lib/results';

const SIZES = [1000, 10_000, 50_000];
const RUNS = 7;

function planOf(n: number): PlanJson {
  return {
    project: { id: 'd0000000-0000-4000-8000-000000000001', name: 'big' },
    stateFingerprint: '0'.repeat(64),
    archiveUnlisted: true,
    summary: {
      create: n,
      update: 0,
      restore: 0,
      archive: 0,
      unchanged: 0,
      tagAdditions: 0,
      tagRemovals: 0,
      systemAdditions: 0,
      testSuiteRevisions: 0,
    },
    experiences: Array.from({ length: n }, (_, i) => ({
      name: `experience-${i}`,
      action: 'create' as const,
      experienceID: null,
      matchedBy: null,
      changes: [
        { field: 'description', before: null, after: `Scenario ${i} over the test zone` },
        { field: 'locations', before: null, after: [`s3://drone-missions/${i}`] },
      ],
    })),
    tags: [],
    systems: [],
    testSuites: [],
    warnings: [],
    massArchive: { tripped: false, archiveCount: 0, activeCount: n, threshold: Math.max(10, Math.ceil(n / 4)) },
  };
}

runSection('markdown', 'Plan Markdown (pull-request comment)', async () => {
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  for (const n of SIZES) {
    const plan = planOf(n);
    const samples: number[] = [];
    let length = 0;
    for (let r = 0; r < RUNS; r++) {
      const t = now();
      length = renderPlanMarkdown(plan, { configFile: 'experiences/big.experiences.yaml' }).length;
      samples.push(now() - t);
    }
    details[String(n)] = { samples, length };
    rows.push({
      benchmark: `Plan Markdown, ${n.toLocaleString('en')} creates`,
      metric: 'median time (ms)',
      ours: round(percentile(samples, 50)),
      met: null,
    });
    rows.push({
      benchmark: `Plan Markdown, ${n.toLocaleString('en')} creates`,
      metric: 'length (characters)',
      ours: length,
      target: `≤ ${GITHUB_COMMENT_LIMIT.toLocaleString('en')}`,
      met: length <= GITHUB_COMMENT_LIMIT,
    });
  }
  return { name: 'markdown', title: 'Plan Markdown (pull-request comment)', rows, details, notes: [] };
});
