/**
 * The per-document analysis cache: for each open config, the last `LoadedConfig` (from
 * `loadConfig`, reusing the previous one for incremental parsing) and the `Plan` computed from
 * it and the project's cached state (`computePlan`). Every feature reads this cache; none
 * parses or plans on its own, so hover and completion never wait for a validation.
 *
 * Scheduling: a change schedules a run after `debounceMs` (default 25 ms: an incremental run costs tens of ms, so waiting longer only delays feedback); runs of one document
 * are serialised; `current()` waits for (or starts) the run of the document's current version
 * for features that need exact positions (code lens, code actions, symbols, custom requests).
 * A run yields to the event loop between parsing and planning, so requests that arrive
 * meanwhile are answered from the previous analysis.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocuments } from 'vscode-languageserver';
import { loadConfig, withDiagnostics } from '../config/index';
import type { LoadedConfig } from '../config/types';
import type { Plan, PlannedExperience } from '../sync/model';
import { computePlan } from '../sync/plan';
import { fileByteDiagnostics, forgetFile } from './fileBytes';
import { OFF_THREAD_MIN_CHARS, forgetOffThread, loadOffThread, warmUpOffThread } from './offThread';
import type { ResimSettings, SettingsStore } from './settings';
import { stateKey, type StateCache, type StateSnapshot } from './state';

/** Everything the features know about one document version. */
export interface Analysis {
  uri: string;
  version: number;
  loaded: LoadedConfig;
  settings: ResimSettings;
  /** The project name or ID the document syncs to ('' when none is set). */
  project: string;
  /** Key of the state cache entry the plan was computed from. */
  key: string;
  /** The state (or the reason there is none) when the plan was computed; undefined while loading. */
  snapshot?: StateSnapshot;
  /** The plan, when state is there and the file parses. */
  plan?: Plan;
  /** Why there is no plan although there is state (parse errors, or computePlan failed). */
  planSkipped?: string;
  /** Plan entries by their index in `config.experiences`. */
  byIndex: Map<number, PlannedExperience>;
}

export interface AnalyzerOptions {
  documents: TextDocuments<TextDocument>;
  settings: SettingsStore;
  states: StateCache;
  isHandled: (doc: TextDocument, settings: ResimSettings) => boolean;
  /** Called with each new analysis (and with `undefined` when a document stops being handled). */
  publish: (uri: string, analysis: Analysis | undefined) => void;
  debounceMs?: number;
  log?: (message: string) => void;
}

/** Codes whose presence means the file did not parse as intended: live checks would cascade. */
const PARSE_CODES = new Set(['yaml-syntax', 'tab-indent']);

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class Analyzer {
  private latestByUri = new Map<string, Analysis>();
  private handled = new Set<string>();
  private runs = new Map<string, { version: number; promise: Promise<Analysis | undefined> }>();
  private timers = new Map<string, NodeJS.Timeout>();
  private dirty = new Set<string>();
  readonly debounceMs: number;

  constructor(private readonly opts: AnalyzerOptions) {
    this.debounceMs = opts.debounceMs ?? 25;
    warmUpOffThread();
  }

  /** The last analysis of the document, possibly of an older version. Never waits. */
  latest(uri: string): Analysis | undefined {
    return this.latestByUri.get(uri);
  }

  /** Every current analysis (for refreshes). */
  all(): Analysis[] {
    return [...this.latestByUri.values()];
  }

  /** Keys of the state cache that open documents use. */
  keysInUse(): Set<string> {
    return new Set([...this.latestByUri.values()].map((a) => a.key));
  }

  /** Schedules a run after the debounce delay (0: as soon as possible). */
  schedule(uri: string, delayMs = this.debounceMs): void {
    const t = this.timers.get(uri);
    if (t) clearTimeout(t);
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        void this.run(uri);
      }, delayMs),
    );
  }

  /** Re-runs every open document (settings changed). */
  invalidateAll(): void {
    for (const doc of this.opts.documents.all()) {
      this.dirty.add(doc.uri);
      this.schedule(doc.uri, 0);
    }
  }

  /** The analysis of the document's current version: waits for (or starts) its run. */
  async current(uri: string): Promise<Analysis | undefined> {
    const doc = this.opts.documents.get(uri);
    if (!doc) return undefined;
    const a = this.latestByUri.get(uri);
    if (a && a.version === doc.version && !this.dirty.has(uri)) return a;
    const t = this.timers.get(uri);
    if (t) {
      clearTimeout(t);
      this.timers.delete(uri);
    }
    return this.run(uri);
  }

  /** A document was closed: forget it and clear its diagnostics. */
  forget(uri: string): void {
    const t = this.timers.get(uri);
    if (t) clearTimeout(t);
    this.timers.delete(uri);
    this.latestByUri.delete(uri);
    this.dirty.delete(uri);
    forgetFile(uri);
    forgetOffThread(uri);
    if (this.handled.delete(uri)) this.opts.publish(uri, undefined);
  }

  /** The state of `snapshot.key` changed: re-plan (no re-parse) the documents that use it. */
  stateChanged(snapshot: StateSnapshot): void {
    for (const a of this.latestByUri.values()) {
      if (a.key !== snapshot.key) continue;
      setImmediate(() => {
        if (this.latestByUri.get(a.uri) === a) this.replanNow(a.uri);
      });
    }
  }

  /** Re-plans the latest analysis of `uri` against the cached state now, and publishes it. */
  replanNow(uri: string): Analysis | undefined {
    const a = this.latestByUri.get(uri);
    if (!a) return undefined;
    const next = this.plan({ ...a, snapshot: undefined, plan: undefined, planSkipped: undefined, byIndex: new Map() });
    this.latestByUri.set(uri, next);
    this.opts.publish(uri, next);
    return next;
  }

  private run(uri: string): Promise<Analysis | undefined> {
    const doc = this.opts.documents.get(uri);
    if (!doc) return Promise.resolve(undefined);
    const existing = this.runs.get(uri);
    if (existing && existing.version === doc.version && !this.dirty.has(uri)) return existing.promise;
    const before = existing?.promise ?? Promise.resolve(undefined);
    const promise = before
      .catch(() => undefined)
      .then(() => this.analyze(uri))
      .catch((err) => {
        this.opts.log?.(`Analysis of ${uri} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return this.latestByUri.get(uri);
      });
    this.runs.set(uri, { version: doc.version, promise });
    void promise.finally(() => {
      if (this.runs.get(uri)?.promise === promise) this.runs.delete(uri);
    });
    return promise;
  }

  private async analyze(uri: string): Promise<Analysis | undefined> {
    let doc = this.opts.documents.get(uri);
    if (!doc) return undefined;
    const prev = this.latestByUri.get(uri);
    if (prev && prev.version === doc.version && !this.dirty.has(uri)) return prev;
    const settings = await this.opts.settings.get(uri);
    doc = this.opts.documents.get(uri);
    if (!doc) return undefined;
    if (!this.opts.isHandled(doc, settings)) {
      this.latestByUri.delete(uri);
      this.dirty.delete(uri);
      if (this.handled.delete(uri)) this.opts.publish(uri, undefined);
      return undefined;
    }
    this.handled.add(uri);
    this.dirty.delete(uri);
    const version = doc.version;
    const text = doc.getText();
    // A large text is parsed on the parsing thread, which keeps its last load and parses only
    // the pieces an edit changed: hover and completion keep answering meanwhile. A clean first
    // load takes the fast path there (the same result, ranges from single pieces).
    const offThread = text.length >= OFF_THREAD_MIN_CHARS;
    const loaded = withDiagnostics(
      offThread
        ? await loadOffThread(text, { fast: true, uri, previous: prev?.loaded })
        : loadConfig(text, prev ? { previous: prev.loaded } : undefined),
      await fileByteDiagnostics(uri),
    );
    const project = loaded.projectComment ?? settings.project;
    const key = stateKey(settings.apiUrl, project);
    let analysis: Analysis = { uri, version, loaded, settings, project, key, byIndex: new Map() };
    // Let queued requests (hover, completion) run between parsing and planning.
    await yieldToEventLoop();
    const newer = this.latestByUri.get(uri);
    if (newer && newer.version > version) return newer;
    analysis = this.plan(analysis);
    if (!this.opts.documents.get(uri)) return undefined; // closed meanwhile
    this.latestByUri.set(uri, analysis);
    this.opts.publish(uri, analysis);
    return analysis;
  }

  /** Adds the live part (state snapshot, plan) to an analysis. Pure apart from `peek`. */
  private plan(a: Analysis): Analysis {
    const snapshot = this.opts.states.peek(a.settings.apiUrl, a.project);
    const out: Analysis = { ...a, snapshot, byIndex: new Map() };
    if (!snapshot.state) return out;
    if (a.loaded.diagnostics.some((d) => d.severity === 'error' && PARSE_CODES.has(d.code))) {
      out.planSkipped = 'The file does not parse; live checks resume once the YAML errors are fixed.';
      return out;
    }
    try {
      out.plan = computePlan(a.loaded.config, snapshot.state, { archiveUnlisted: a.settings.archiveUnlisted });
      for (const e of out.plan.experiences) if (e.configIndex !== undefined) out.byIndex.set(e.configIndex, e);
    } catch (err) {
      out.planSkipped = `The plan could not be computed: ${err instanceof Error ? err.message : String(err)}`;
      this.opts.log?.(`computePlan failed for ${a.uri}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    return out;
  }
}
