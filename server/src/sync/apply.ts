/**
 * Apply: makes the API calls a plan needs, and no others (the design doc's `applyUpdates()`,
 * the resim CLI's `apply.go`, with docs/sync-rules.md's additions).
 *
 * Order (as the reference): experiences (updates and restores, then creates, so a rename frees
 * its old name before a create reuses it) → test suite revisions → tag additions and removals →
 * system additions → archives. Calls within a phase run concurrently (at most the API client's
 * `writeConcurrency` at once); a failed call does not stop independent ones; a suite whose new
 * member failed to be created is not revised (that would drop the member). Running sync again
 * converges.
 *
 * Cancel (`signal`): no call is started after it. A call already sent is awaited for at most
 * `cancelGraceMs` and counted by its outcome; one still unanswered then is aborted and settled by
 * reading the project (did the create, archive, tag… happen?). So the result's made calls are
 * exactly what the project holds, and every call not made is `skipped` with error
 * `CANCELLED_CALL` (protocol), never a failure.
 *
 * The caller must not pass a plan with `errors` (apply throws `PlanRefusedError` for one).
 */
import { CANCELLED_CALL, configErrorsRefusal, type ApplyCall, type ApplyResult, type PlanRefusal } from '../../../protocol';
import type { ResimApi } from './port';
import type { Plan } from './model';
import { NEW_ID_PREFIX } from './plan';

export type { ApplyResult } from '../../../protocol';

export interface ApplyOptions {
  /** Cancel: stops starting calls; see the module comment for the calls already sent. */
  signal?: AbortSignal;
  /**
   * After Cancel, how long (ms) the calls already sent may take to answer before they are aborted
   * and settled by reading the project. Default `CANCEL_GRACE_MS`.
   */
  cancelGraceMs?: number;
  /** `done` of `total` calls finished, with the last one's description. */
  onProgress?: (done: number, total: number, message: string) => void;
  /**
   * Observer of each call's outcome, told as soon as the call settles (the sync history,
   * server/src/sync/history.ts, writes it down). `experienceID`: what a successful
   * CreateExperience created. Must not throw.
   */
  onCall?: (call: ApplyCall, detail: { experienceID?: string }) => void;
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

/** Default of `ApplyOptions.cancelGraceMs`: the calls in flight at a Cancel get 15 s to answer. */
export const CANCEL_GRACE_MS = 15_000;

/**
 * One call of the plan. `run` gets the signal that aborts it once sent (only when the grace after a
 * Cancel is over); `settle` reads the project to tell whether an aborted call took effect.
 */
type Job = {
  operation: string;
  target: string;
  run: (signal: AbortSignal) => Promise<unknown>;
  settle?: () => Promise<boolean>;
};

/** Counts the write calls `applyPlan` would make for this plan (for confirmations and tests). */
export function countWriteCalls(plan: Plan): number {
  let n = Object.keys(plan.createInputs).length + Object.keys(plan.updateInputs).length;
  n += plan.experiences.filter((e) => e.action === 'restore' || e.action === 'archive' || e.thenArchive).length;
  n += Object.keys(plan.suiteMembers).length;
  n += plan.tags.reduce((k, t) => k + (t.addIDs.length ? 1 : 0) + t.removeIDs.length, 0);
  n += plan.systems.filter((s) => s.addIDs.length).length + plan.systems.filter((s) => s.removeIDs?.length).length;
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

  // Aborts the calls in flight, `cancelGraceMs` after the user's Cancel.
  const inFlight = new AbortController();
  let graceTimer: NodeJS.Timeout | undefined;
  const onCancel = () => {
    graceTimer = setTimeout(() => inFlight.abort(), Math.max(0, opts.cancelGraceMs ?? CANCEL_GRACE_MS));
  };
  if (signal?.aborted) onCancel();
  else signal?.addEventListener('abort', onCancel, { once: true });
  const width = Math.max(1, api.writeConcurrency ?? 1);

  const record = (job: Job, call: Omit<ApplyCall, 'operation' | 'target'>): void => {
    calls.push({ operation: job.operation, target: job.target, ...call });
    opts.onCall?.(calls[calls.length - 1], { experienceID: job.operation === 'CreateExperience' ? experienceIDs[job.target] : undefined });
    done += 1;
    opts.onProgress?.(done, total, `${job.operation} ${job.target}`);
  };
  const notMade = (job: Job) => {
    cancelled = true;
    record(job, { ok: false, skipped: true, error: CANCELLED_CALL });
    return false;
  };

  const runJob = async (job: Job): Promise<boolean> => {
    if (signal?.aborted) return notMade(job);
    try {
      await job.run(inFlight.signal);
      record(job, { ok: true });
      return true;
    } catch (err) {
      if (!inFlight.signal.aborted) {
        record(job, { ok: false, error: err instanceof Error ? err.message : String(err) });
        return false;
      }
      // Sent, then aborted after the grace: read the project to know whether it took effect.
      let made: boolean | undefined;
      try {
        made = job.settle ? await job.settle() : undefined;
      } catch {
        made = undefined;
      }
      if (made === true) {
        record(job, { ok: true });
        return true;
      }
      if (made === false) return notMade(job);
      record(job, { ok: false, error: 'cancelled while in flight; its outcome is unknown (preview again to see it)' });
      return false;
    }
  };

  /** Runs a phase's jobs, at most `width` at once; resolves with each job's success, in order. */
  const runPhase = async (jobs: Job[]): Promise<boolean[]> => {
    const results: boolean[] = new Array<boolean>(jobs.length);
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await runJob(jobs[i]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
    return results;
  };

  /** Settles by the experience's state: `archived` as wanted when found by name. */
  const hasState = (name: string, archived: boolean) => async () =>
    (await api.findExperiencesByName(pid, name)).some((x) => x.archived === archived);

  const experienceIDs: Record<string, string> = {};
  // Every experience the config lists (an `archived: true` entry too), not the unlisted ones archived.
  for (const e of plan.experiences)
    if (e.experienceID && (e.action !== 'archive' || e.configIndex !== undefined)) experienceIDs[e.name] = e.experienceID;

  // Phase 1a: restores; 1b: field updates (of restored experiences too).
  await runPhase(
    plan.experiences
      .filter((e) => e.action === 'restore' && e.experienceID)
      .map((e) => ({
        operation: 'RestoreExperience',
        target: e.name,
        run: (sig) => api.restoreExperience(pid, e.experienceID!, sig),
        settle: hasState(e.name, false),
      })),
  );
  await runPhase(
    plan.experiences
      .filter((e) => e.experienceID && plan.updateInputs[e.experienceID])
      .map((e) => {
        const upd = plan.updateInputs[e.experienceID!];
        return {
          operation: 'UpdateExperience',
          target: e.name,
          run: (sig) => api.updateExperience(pid, e.experienceID!, upd.experience, upd.updateMask, sig),
        };
      }),
  );

  // Phase 1c: creates, carrying their tags and systems.
  const failedCreates = new Set<string>();
  await runPhase(
    Object.entries(plan.createInputs).map(([name, input]) => ({
      operation: 'CreateExperience',
      target: name,
      run: async (sig: AbortSignal) => {
        try {
          const created = await api.createExperience(pid, input, sig);
          experienceIDs[name] = created.experienceID;
        } catch (err) {
          failedCreates.add(name);
          throw err;
        }
      },
      settle: async () => {
        const found = (await api.findExperiencesByName(pid, name)).find((x) => !x.archived);
        if (!found) return false;
        experienceIDs[name] = found.experienceID;
        failedCreates.delete(name);
        return true;
      },
    })),
  );

  // Phase 2: test suite revisions.
  const suiteJobs: Job[] = [];
  for (const s of plan.testSuites) {
    const members = plan.suiteMembers[s.testSuiteID];
    if (!members) continue;
    const missing = members.filter((id) => id.startsWith(NEW_ID_PREFIX) && failedCreates.has(id.slice(NEW_ID_PREFIX.length)));
    // After a Cancel the revision is simply not made (below): a create that was not sent did not fail.
    if (missing.length && !signal?.aborted) {
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
    suiteJobs.push({
      operation: 'ReviseTestSuite',
      target: s.name,
      run: (sig) => api.reviseTestSuite(pid, s.testSuiteID, ids, sig),
      settle: async () => {
        const now = (await api.listTestSuites(pid)).find((x) => x.testSuiteID === s.testSuiteID)?.experiences ?? [];
        return now.length === ids.length && ids.every((x) => now.includes(x));
      },
    });
  }
  await runPhase(suiteJobs);

  // Phase 3 and 4: tags (one call per tag for additions, one per experience for removals), systems.
  const memberJobs: Job[] = [];
  for (const t of plan.tags) {
    if (t.addIDs.length)
      memberJobs.push({
        operation: 'AddTagsToExperiences',
        target: `${t.name} (+${t.addIDs.length})`,
        run: (sig) => api.addTagsToExperiences(pid, [t.tagID], t.addIDs, sig),
        settle: async () => {
          const has = new Set(await api.listExperienceIDsWithTag(pid, t.tagID, false));
          return t.addIDs.every((x) => has.has(x));
        },
      });
    t.removeIDs.forEach((id, i) =>
      memberJobs.push({
        operation: 'RemoveExperienceTagFromExperience',
        target: `${t.name} from ${t.remove[i]}`,
        run: (sig) => api.removeTagFromExperience(pid, t.tagID, id, sig),
        settle: async () => !(await api.listExperienceIDsWithTag(pid, t.tagID, false)).includes(id),
      }),
    );
  }
  for (const s of plan.systems) {
    if (s.addIDs.length)
      memberJobs.push({
        operation: 'AddSystemsToExperiences',
        target: `${s.name} (+${s.addIDs.length})`,
        run: (sig) => api.addSystemsToExperiences(pid, [s.systemID], s.addIDs, sig),
        settle: async () => {
          const has = new Set(await api.listExperienceIDsForSystem(pid, s.systemID, false));
          return s.addIDs.every((x) => has.has(x));
        },
      });
    if (s.removeIDs?.length)
      memberJobs.push({
        operation: 'RemoveSystemsFromExperiences',
        target: `${s.name} (-${s.removeIDs.length})`,
        run: (sig) => api.removeSystemsFromExperiences(pid, [s.systemID], s.removeIDs!, sig),
        settle: async () => {
          const has = new Set([
            ...(await api.listExperienceIDsForSystem(pid, s.systemID, false)),
            ...(await api.listExperienceIDsForSystem(pid, s.systemID, true)),
          ]);
          return s.removeIDs!.every((x) => !has.has(x));
        },
      });
  }
  await runPhase(memberJobs);

  // Phase 5: archives, with the `archived: true` entries created above (a failed create has no ID).
  await runPhase(
    plan.experiences
      .map((e) => ({ e, id: e.action === 'archive' ? e.experienceID : e.thenArchive ? experienceIDs[e.name] : null }))
      .filter(({ id }) => id)
      .map(({ e, id }) => ({
        operation: 'ArchiveExperience',
        target: e.name,
        run: (sig: AbortSignal) => api.archiveExperience(pid, id!, sig),
        settle: hasState(e.name, true),
      })),
  );

  clearTimeout(graceTimer);
  signal?.removeEventListener('abort', onCancel);
  const failures = calls.filter((c) => !c.ok).length;
  return { ok: failures === 0, calls, failures, experienceIDs, cancelled };
}
