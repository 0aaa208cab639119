/**
 * The project state cache of the language server: one `ProjectState` per (API URL, project),
 * read by `ingest` in the background and shared by every document synced to that project.
 *
 * - `peek` never waits: it answers what is cached (or why nothing is) and starts a load.
 * - Concurrent loads of one key share one in-flight `ingest`; a forced refresh (after an apply,
 *   `resim/refreshState`, the interval of `resim.stateRefreshSeconds`) starts a new one after
 *   the in-flight one, shared by every caller that forced it meanwhile.
 * - A failure becomes a `StateProblem` with a message saying what to do; the diagnostics show
 *   it as `state-unavailable` (docs/diagnostics.md, "Diagnostics").
 */
import { tokenIdentity } from '../resim/login';
import type { ProjectState } from '../sync/model';
import type { ResimApi } from '../sync/port';
import { createResimClient, type AuthProvider } from '../resim/index';
import { apiProblem, notSignedIn, PROJECT_ADVICE, type ProblemCode } from '../resim/problems';
import { readProject } from '../sync/service';
import type { CredentialStore } from './credentials';
import { apiUrlKey } from '../resim/url';

/** Why live checks are off: no project, an untrusted workspace, or a `ProblemCode` of the API (resim/problems.ts). */
export type StateProblemReason = 'no-project' | 'untrusted' | ProblemCode;

/** Why live checks are off for a document. `message` is client-neutral (no flag, variable or command name). */
export interface StateProblem {
  reason: StateProblemReason;
  message: string;
}

/** What the cache holds for one (API URL, project). */
export interface StateSnapshot {
  key: string;
  apiUrl: string;
  project: string;
  state?: ProjectState;
  problem?: StateProblem;
  loading: boolean;
}

/** Builds an API client; replaced in tests. */
export type ApiFactory = (apiUrl: string, auth: AuthProvider) => ResimApi;

export interface StateCacheOptions {
  credentials: CredentialStore;
  /** False when the client said the workspace is untrusted (`initializationOptions.trusted`). */
  trusted: boolean;
  createApi?: ApiFactory;
  /** For the output channel; never given a token. */
  log?: (message: string) => void;
  /** Keys that open documents use; the periodic refresh drops the others first. */
  inUse?: () => Set<string>;
}

interface Entry {
  snapshot: StateSnapshot;
  inflight?: Promise<StateSnapshot>;
  queued?: Promise<StateSnapshot>;
  generation: number;
  controller?: AbortController;
  loadedAtMs: number;
}

export function stateKey(apiUrl: string, project: string): string {
  return `${apiUrlKey(apiUrl)}\u0000${project}`;
}

/** The client-neutral sentence for a failed API call (resim/problems.ts); the code is `apiProblem(err).code`. */
export function describeApiError(err: unknown, apiUrl: string): string {
  return apiProblem(err, apiUrl).message;
}

export class StateCache {
  private entries = new Map<string, Entry>();
  private listeners: ((snapshot: StateSnapshot) => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private intervalSeconds = 0;
  private readonly createApi: ApiFactory;
  trusted: boolean;

  constructor(private readonly opts: StateCacheOptions) {
    this.trusted = opts.trusted;
    this.createApi = opts.createApi ?? ((apiUrl, auth) => createResimClient({ apiUrl, auth }));
  }

  /** Called whenever a key's snapshot changes (loaded, failed). */
  onDidChange(listener: (snapshot: StateSnapshot) => void): void {
    this.listeners.push(listener);
  }

  /**
   * An API client for `apiUrl`, or the problem that prevents one (untrusted workspace, no
   * credentials). Used by the cache and by the custom requests (clone, list projects, apply).
   */
  apiFor(apiUrl: string): { api: ResimApi; problem?: undefined } | { api?: undefined; problem: StateProblem } {
    const url = apiUrlKey(apiUrl);
    if (!this.trusted)
      return {
        problem: {
          reason: 'untrusted',
          message:
            'Live checks are off in Restricted Mode: the workspace is not trusted, so no ReSim API call is made. Trust the workspace to let the ReSim extension read the project.',
        },
      };
    const creds = this.opts.credentials.forApi(url);
    if (!creds.auth)
      return { problem: { reason: 'not-signed-in', message: `Live checks are off: ${notSignedIn(url).message.replace(/^N/, 'n')}` } };
    try {
      return { api: this.createApi(url, creds.auth) };
    } catch (err) {
      return {
        problem: {
          reason: 'not-resim-api',
          message: `Live checks are off: the API URL ${url} is not usable (${err instanceof Error ? err.message.replace(/ Check the API URL.*$/, '') : String(err)}).`,
        },
      };
    }
  }

  /**
   * Who is signed in for `apiUrl`, for the sync history: the account the token's claims name
   * (`tokenIdentity`), or undefined (opaque token, no credentials). Never the token itself.
   */
  async whoFor(apiUrl: string): Promise<string | undefined> {
    const creds = this.opts.credentials.forApi(apiUrlKey(apiUrl));
    try {
      return creds.auth ? tokenIdentity(await creds.auth.getToken()).account : undefined;
    } catch {
      return undefined;
    }
  }

  /** The cached snapshot for (apiUrl, project); starts a load when there is none. Never waits. */
  peek(apiUrl: string, project: string): StateSnapshot {
    const entry = this.entry(apiUrl, project);
    if (!entry.snapshot.state && !entry.snapshot.problem && !entry.inflight) void this.load(apiUrl, project);
    return entry.snapshot;
  }

  /**
   * Loads (or shares the in-flight load of) the state. `force` reads it again even when cached.
   * Resolves with the snapshot after the load; never rejects.
   */
  load(apiUrl: string, project: string, opts: { force?: boolean } = {}): Promise<StateSnapshot> {
    const entry = this.entry(apiUrl, project);
    if (!opts.force) {
      if (entry.queued) return entry.queued;
      if (entry.inflight) return entry.inflight;
      if (entry.snapshot.state || entry.snapshot.problem) return Promise.resolve(entry.snapshot);
      return this.start(entry);
    }
    if (entry.queued) return entry.queued;
    if (entry.inflight) {
      const queued = entry.inflight.then(() => {
        entry.queued = undefined;
        return this.start(entry);
      });
      entry.queued = queued;
      return queued;
    }
    return this.start(entry);
  }

  /** Forces a new read of every cached key matching `apiUrl` (all when omitted). */
  refreshAll(apiUrl?: string): Promise<StateSnapshot[]> {
    const url = apiUrl ? apiUrlKey(apiUrl) : undefined;
    const jobs: Promise<StateSnapshot>[] = [];
    for (const e of this.entries.values()) {
      if (url && e.snapshot.apiUrl !== url) continue;
      jobs.push(this.load(e.snapshot.apiUrl, e.snapshot.project, { force: true }));
    }
    return Promise.all(jobs);
  }

  /** Drops keys that no open document uses any more. */
  retain(keys: Set<string>): void {
    for (const [key, e] of this.entries) {
      if (keys.has(key)) continue;
      e.controller?.abort();
      this.entries.delete(key);
    }
  }

  /** (Re)starts the background refresh; 0 turns it off. */
  setRefreshInterval(seconds: number): void {
    if (seconds === this.intervalSeconds) return;
    this.intervalSeconds = seconds;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (seconds > 0) {
      this.timer = setInterval(
        () => {
          if (this.opts.inUse) this.retain(this.opts.inUse());
          void this.refreshAll();
        },
        Math.max(1, seconds) * 1000,
      );
      this.timer.unref();
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const e of this.entries.values()) e.controller?.abort();
    this.entries.clear();
  }

  private entry(apiUrl: string, project: string): Entry {
    const url = apiUrlKey(apiUrl);
    const key = stateKey(url, project);
    let e = this.entries.get(key);
    if (!e) {
      e = { snapshot: { key, apiUrl: url, project, loading: false }, generation: 0, loadedAtMs: 0 };
      this.entries.set(key, e);
    }
    return e;
  }

  private start(entry: Entry): Promise<StateSnapshot> {
    const generation = ++entry.generation;
    const { key, apiUrl, project } = entry.snapshot;
    entry.snapshot = { ...entry.snapshot, loading: true };
    const controller = new AbortController();
    entry.controller = controller;
    const run = async (): Promise<StateSnapshot> => {
      let next: StateSnapshot;
      // Restricted Mode first: it is why nothing is read, whatever else is missing.
      const untrusted = this.trusted ? undefined : this.apiFor(apiUrl).problem;
      if (untrusted) next = { key, apiUrl, project, loading: false, problem: untrusted };
      else if (!project) {
        next = {
          key,
          apiUrl,
          project,
          loading: false,
          problem: {
            reason: 'no-project',
            message: `Live checks are off: no ReSim project is set. ${PROJECT_ADVICE}`,
          },
        };
      } else {
        const made = this.apiFor(apiUrl);
        if (!made.api) next = { key, apiUrl, project, loading: false, problem: made.problem };
        else {
          try {
            const state = await readProject(made.api, project, { signal: controller.signal });
            next = { key, apiUrl, project, loading: false, state };
            this.opts.log?.(`Read project ${state.project.name} (${state.experiences.length} experiences) from ${apiUrl}.`);
          } catch (err) {
            const found = apiProblem(err, apiUrl);
            const message = `Live checks are off: could not read project "${project}". ${found.message}`;
            this.opts.log?.(message);
            // Keep showing the last good state; report the problem only when there is none.
            next = entry.snapshot.state
              ? { ...entry.snapshot, loading: false }
              : { key, apiUrl, project, loading: false, problem: { reason: found.code, message } };
          }
        }
      }
      if (generation === entry.generation && this.entries.get(key) === entry) {
        entry.snapshot = next;
        entry.loadedAtMs = Date.now();
        for (const l of this.listeners) {
          try {
            l(next);
          } catch {
            /* a listener's failure must not stop the others */
          }
        }
      }
      return entry.snapshot;
    };
    const p = run().finally(() => {
      if (entry.inflight === p) entry.inflight = undefined;
    });
    entry.inflight = p;
    return p;
  }
}
