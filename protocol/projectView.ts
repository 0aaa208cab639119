/**
 * The project view's requests between the extension and the language server (lsp/projectView.ts
 * answers them; client/src/views/ asks): method names and shapes, declared once. No imports, so
 * the extension's bundle takes this file alone.
 */
export const ProjectViewMethods = {
  items: 'resim/projectItems',
  text: 'resim/projectText',
} as const;

export type ProjectItemKind = 'experience' | 'tag' | 'system' | 'testSuite';
export const PROJECT_ITEM_KINDS: readonly ProjectItemKind[] = ['experience', 'tag', 'system', 'testSuite'];

/**
 * What the config does to an item: an experience's plan action; for a tag or system `update`
 * when the sync adds or removes it somewhere; for a test suite `update` when it gets a new
 * revision; `unchanged` when the file manages or uses it and nothing changes; `unmanaged` when the
 * file does not mention it (sync leaves it alone).
 */
export type ProjectItemStatus = 'create' | 'update' | 'restore' | 'archive' | 'unchanged' | 'unmanaged';

export interface ProjectItemsParams {
  /** The config whose project (and plan) is shown. */
  uri: string;
  /** The group to list; absent: only `groups`. */
  kind?: ProjectItemKind;
  /** First item of the page (0-based) and page size (default 200, at most 1000). */
  offset?: number;
  limit?: number;
  /** Case-insensitive substring of the name or ID. */
  filter?: string;
}

export interface ProjectItem {
  kind: ProjectItemKind;
  name: string;
  /** The ReSim ID; null for an experience the sync would create. */
  id: string | null;
  status: ProjectItemStatus;
  /** Where the config names it (0-based line and character), if it does. */
  line?: number;
  character?: number;
  /** The ReSim app page of an experience. */
  url?: string;
}

export interface ProjectGroup {
  kind: ProjectItemKind;
  /** Items of the group that match the filter, and how many of them have each status. */
  total: number;
  counts: Partial<Record<ProjectItemStatus, number>>;
}

export interface ProjectItemsResult {
  project: { id: string; name: string } | null;
  /** ISO time the state was read. */
  fetchedAt: string | null;
  /** Why there is no state (or no plan), if so; with `stale`, that the markers are out of date. */
  problem: string | null;
  /**
   * True when the config does not plan now (it does not parse, or has errors) and the statuses
   * are those of its last version that did: kept, marked as out of date, rather than dropped.
   */
  stale?: boolean;
  groups: ProjectGroup[];
  /** The page of `kind` asked for (empty without `kind`); `total` of that group says how many there are. */
  items: ProjectItem[];
}

export interface ProjectTextParams {
  uri: string;
}
/** Page size cap of `resim/projectItems`. */
export const MAX_PAGE = 1000;

export interface ProjectTextResult {
  project: { id: string; name: string };
  fetchedAt: string;
  /** The project as a config (the clone code's text). */
  text: string;
}
