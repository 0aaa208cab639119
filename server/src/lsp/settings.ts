/**
 * The language server's settings (section `resim`, docs/sync-rules.md "Reading the file") and
 * the rule that decides which project a document is synced to.
 *
 * Sources, in order of preference:
 * 1. `workspace/configuration` (scoped to the document's URI) when the client supports it;
 * 2. the `settings` of `workspace/didChangeConfiguration` (clients that push settings);
 * 3. `initializationOptions.resim` or `initializationOptions.settings.resim` (clients with no
 *    configuration support at all, e.g. a bare `--stdio` client).
 *
 * Settings never hold a token: credentials come from `resim/setCredentials` or the
 * environment (see credentials.ts).
 *
 * What the client leaves unset falls back as in the CLI (resim/connection.ts): `apiUrl` to
 * `RESIM_URL`, `project` to `RESIM_PROJECT` (a file's `# resim-project:` line still wins).
 */
import type { Connection } from 'vscode-languageserver';
import { apiUrlKey, DEFAULT_API_URL } from '../resim/url';
import { resolveApiUrl, resolveProjectRef } from '../resim/connection';

/** The `resim` settings as the server uses them (defaults filled in). */
export interface ResimSettings {
  /** API base URL; default `https://api.resim.ai/v1/`. */
  apiUrl: string;
  /** Project name or ID (the per-file `# resim-project:` comment overrides it). */
  project: string;
  /** Archive current experiences that the config does not list (`--no-archive` is `false`). */
  archiveUnlisted: boolean;
  /** Extra globs of files handled as experience sync configs (besides `*.experiences.yaml`). */
  configFiles: string[];
  /** Seconds between background state refreshes; 0 turns the refresh off; at least `MIN_STATE_REFRESH_SECONDS` otherwise. */
  stateRefreshSeconds: number;
  /** The `resim.stateRefreshSeconds` asked for when it was below the floor and raised to it (the server warns). */
  stateRefreshRaisedFrom?: number;
}

/**
 * Floor of `resim.stateRefreshSeconds` (seconds, above 0): a workspace's setting may not make the
 * server read the whole project from the API more often than this (docs/security.md, "A malicious
 * workspace"). A lower value is raised to it, with a warning.
 */
export const MIN_STATE_REFRESH_SECONDS = 10;

export const DEFAULT_SETTINGS: Readonly<ResimSettings> = Object.freeze({
  apiUrl: DEFAULT_API_URL,
  project: '',
  archiveUnlisted: true,
  configFiles: [],
  stateRefreshSeconds: 300,
});

/**
 * Reads whatever a client sent as the `resim` section into settings with defaults; wrong types
 * are ignored (the default is used), so a bad setting never stops the server.
 */
export function normalizeSettings(raw: unknown, env: NodeJS.ProcessEnv = process.env): ResimSettings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() : undefined);
  const apiUrl = resolveApiUrl(str(r.apiUrl), env);
  const configFiles = Array.isArray(r.configFiles)
    ? r.configFiles.filter((g): g is string => typeof g === 'string' && g.trim() !== '').map((g) => g.trim())
    : typeof r.configFiles === 'string' && r.configFiles.trim()
      ? [r.configFiles.trim()]
      : [];
  const refresh =
    typeof r.stateRefreshSeconds === 'number' && Number.isFinite(r.stateRefreshSeconds) && r.stateRefreshSeconds >= 0
      ? r.stateRefreshSeconds
      : DEFAULT_SETTINGS.stateRefreshSeconds;
  const raised = refresh > 0 && refresh < MIN_STATE_REFRESH_SECONDS;
  return {
    apiUrl: apiUrlKey(apiUrl),
    project: resolveProjectRef(str(r.project), env) ?? '',
    archiveUnlisted: typeof r.archiveUnlisted === 'boolean' ? r.archiveUnlisted : true,
    configFiles,
    stateRefreshSeconds: raised ? MIN_STATE_REFRESH_SECONDS : refresh,
    ...(raised ? { stateRefreshRaisedFrom: refresh } : {}),
  };
}

/** Picks the `resim` section out of an `initializationOptions` or `didChangeConfiguration` payload. */
export function resimSection(payload: unknown): unknown {
  if (!payload || typeof payload !== 'object') return undefined;
  const p = payload as Record<string, unknown>;
  if (p.resim && typeof p.resim === 'object') return p.resim;
  if (p.settings && typeof p.settings === 'object') return resimSection(p.settings);
  return undefined;
}

/**
 * Per-document settings with a cache: one `workspace/configuration` round trip per document
 * until the configuration changes.
 */
export class SettingsStore {
  private pulled = new Map<string, Promise<ResimSettings>>();
  private pushed: ResimSettings;
  private pullSupported = false;
  private connection: Connection | undefined;

  constructor(initial?: unknown) {
    this.pushed = normalizeSettings(resimSection(initial));
  }

  /** Called from `onInitialized`: whether `workspace/configuration` may be used. */
  attach(connection: Connection, pullSupported: boolean): void {
    this.connection = connection;
    this.pullSupported = pullSupported;
  }

  /** `workspace/didChangeConfiguration`: drop the cache; take pushed settings if any. */
  changed(settingsPayload: unknown): void {
    this.pulled.clear();
    const section = resimSection(settingsPayload);
    if (section) this.pushed = normalizeSettings(section);
  }

  forget(uri: string): void {
    this.pulled.delete(uri);
  }

  /** Settings that apply to `uri` (or the workspace when omitted). Never rejects. */
  get(uri?: string): Promise<ResimSettings> {
    if (!this.pullSupported || !this.connection) return Promise.resolve(this.pushed);
    const key = uri ?? '';
    let p = this.pulled.get(key);
    if (!p) {
      const connection = this.connection;
      p = connection.workspace.getConfiguration(uri ? { scopeUri: uri, section: 'resim' } : { section: 'resim' }).then(
        (raw: unknown) => (raw == null ? this.pushed : normalizeSettings(raw)),
        () => this.pushed,
      );
      this.pulled.set(key, p);
    }
    return p;
  }

  /** The last settings pushed or given at start (no round trip). */
  get fallback(): ResimSettings {
    return this.pushed;
  }
}
