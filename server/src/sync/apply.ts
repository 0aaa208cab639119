/**
 * Apply: makes the API calls a plan needs, and no others (the design doc's `applyUpdates()`,
 * the resim CLI's `apply.go`, with docs/sync-rules.md's additions).
 *
 * Order (as the reference): experiences (updates and restores, then creates, so a rename frees
 * its old name before a create reuses it) → test suite revisions → tag additions and removals →
 * system additions → archives. Calls within a phase run concurrently (bounded by the API
 * client); a failed call does not stop independent ones; a suite whose new member failed to be
 * created is not revised (that would drop the member). Running sync again converges.
 *
 * The caller must not pass a plan with `errors` (apply throws `PlanRefusedError` for one).
 */
import { configErrorsRefusal, type ApplyCall, type ApplyResult, type PlanRefusal } from '../../../protocol';
import type { ResimApi } from './port';
import type { Plan } from './model';
import { NEW_ID_PREFIX } from './plan';

export type { ApplyResult } from '../../../protocol';

export interface ApplyOptions {
  signal?: AbortSignal;
  /** `done` of `total` calls finished, with the last one's description. */
  onProgress?: (done: number, total: number, message: string) => void;
}

/** A plan that must not be applied; `code` says why (protocol `PlanRefusal`). Nothing was written. */
export class PlanRefusedError extends Error {
  constructor(
    message: string,
    readonly code: PlanRefusal,
  ) {
    super(message);
    this.name = 'PlanRefusedError';
  }
}

type Job = { operation: string; target: string; run: () => Promise<unknown> };

/** Counts the write calls `applyPlan` would make for this plan (for confirmations and tests). */
export function countWriteCalls(plan: Plan): number {
  let n = Object.keys(plan.createInputs).length + Object.keys(plan.updateInputs).length;
  n += plan.experiences.filter((e) => e.action === 'restore' || e.action === 'archive' || e.thenArchive).length;
  n += Object.keys(plan.suiteMembers).length;
  n += plan.tags.reduce((k, t) => k + (t.addIDs.length ? 1 : 0) + t.removeIDs.length, 0);
  n += plan.systems.filter((s) => s.addIDs.length).length;
  return n;
}

export async function applyPlan(api: ResimApi, plan: Plan, opts: ApplyOptions = {}): Promise<ApplyResult> {
  if (plan.errors.length) throw new PlanRefusedError(configErrorsRefusal(plan.errors.length), 'config-errors');
  const pid = plan.project.id;
  const { signal } = opts;
  const calls: ApplyCall[] = [];
  const total = countWriteCalls(plan);
  let done = 0;
  let cancelled = false;

  const runPhase = async (jobs: Job[]): Promise<boolean[]> =>
    Promise.all(
      jobs.map(async (job) => {
        if (signal?.aborted) {
          cancelled = true;
          calls.push({ operation: job.operation, target: job.target, ok: false, skipped: true, error: 'cancelled' });
          return false;
        }
        try {
          await job.run();
          calls.push({ operation: job.operation, target: job.target, ok: true });
          return true;
        } catch (err) {
          // A call the cancel stopped is skipped, not failed: it was not made, or its outcome is unknown.
          if (signal?.aborted) {
            cancelled = true;
            calls.push({ operation: job.operation, target: job.target, ok: false, skipped: true, error: 'cancelled' });
            return false;
          }
          calls.push({ operation: job.operation, target: job.target, ok: false, error: err instanceof Error ? err.message : String(err) });
          return false;
        } finally {
          done += 1;
          opts.onProgress?.(done, total, `${job.operation} ${job.target}`);
        }
      }),
    );

  const experienceIDs: Record<string, string> = {};
  // Every experience the config lists (an `archived: true` entry too), not the unlisted ones archived.
  for (const e of plan.experiences)
    if (e.experienceID && (e.action !== 'archive' || e.configIndex !== undefined)) experienceIDs[e.name] = e.experienceID;

  // Phase 1a: restores; 1b: field updates (of restored experiences too).
  await runPhase(
    plan.experiences
      .filter((e) => e.action === 'restore' && e.experienceID)
      .map((e) => ({ operation: 'RestoreExperience', target: e.name, run: () => api.restoreExperience(pid, e.experienceID!, signal) })),
  );
  await runPhase(
    plan.experiences
      .filter((e) => e.experienceID && plan.updateInputs[e.experienceID])
      .map((e) => {
        const upd = plan.updateInputs[e.experienceID!];
        return {
          operation: 'UpdateExperience',
          target: e.name,
          run: () => api.updateExperience(pid, e.experienceID!, upd.experience, upd.updateMask, signal),
        };
      }),
  );

  // Phase 1c: creates, carrying their tags and systems.
  const failedCreates = new Set<string>();
  await runPhase(
    Object.entries(plan.createInputs).map(([name, input]) => ({
      operation: 'CreateExperience',
      target: name,
      run: async () => {
        try {
          const created = await api.createExperience(pid, input, signal);
          experienceIDs[name] = created.experienceID;
        } catch (err) {
          failedCreates.add(name);
          throw err;
        }
      },
    })),
  );

  // Phase 2: test suite revisions.
  const suiteJobs: Job[] = [];
  for (const s of plan.testSuites) {
    const members = plan.suiteMembers[s.testSuiteID];
    if (!members) continue;
    const missing = members.filter((id) => id.startsWith(NEW_ID_PREFIX) && failedCreates.has(id.slice(NEW_ID_PREFIX.length)));
    if (missing.length) {
      calls.push({
        operation: 'ReviseTestSuite',
        target: s.name,
        ok: false,
        skipped: true,
        error: `not revised: creating ${missing.map((m) => m.slice(NEW_ID_PREFIX.length)).join(', ')} failed`,
      });
      done += 1;
      continue;
    }
    const ids = members.map((id) => (id.startsWith(NEW_ID_PREFIX) ? experienceIDs[id.slice(NEW_ID_PREFIX.length)] : id));
    suiteJobs.push({ operation: 'ReviseTestSuite', target: s.name, run: () => api.reviseTestSuite(pid, s.testSuiteID, ids, signal) });
  }
  await runPhase(suiteJobs);

  // Phase 3 and 4: tags (one call per tag for additions, one per experience for removals), systems.
  const memberJobs: Job[] = [];
  for (const t of plan.tags) {
    if (t.addIDs.length)
      memberJobs.push({
        operation: 'AddTagsToExperiences',
        target: `${t.name} (+${t.addIDs.length})`,
        run: () => api.addTagsToExperiences(pid, [t.tagID], t.addIDs, signal),
      });
    t.removeIDs.forEach((id, i) =>
      memberJobs.push({
        operation: 'RemoveExperienceTagFromExperience',
        target: `${t.name} from ${t.remove[i]}`,
        run: () => api.removeTagFromExperience(pid, t.tagID, id, signal),
      }),
    );
  }
  for (const s of plan.systems) {
    if (s.addIDs.length)
      memberJobs.push({
        operation: 'AddSystemsToExperiences',
        target: `${s.name} (+${s.addIDs.length})`,
        run: () => api.addSystemsToExperiences(pid, [s.systemID], s.addIDs, signal),
      });
  }
  await runPhase(memberJobs);

  // Phase 5: archives, with the `archived: true` entries created above (a failed create has no ID).
  await runPhase(
    plan.experiences
      .map((e) => ({ e, id: e.action === 'archive' ? e.experienceID : e.thenArchive ? experienceIDs[e.name] : null }))
      .filter(({ id }) => id)
      .map(({ e, id }) => ({ operation: 'ArchiveExperience', target: e.name, run: () => api.archiveExperience(pid, id!, signal) })),
  );

  const failures = calls.filter((c) => !c.ok).length;
  return { ok: failures === 0, calls, failures, experienceIDs, cancelled };
}
