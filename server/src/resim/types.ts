/** What observers of the ReSim API client (`server/src/resim/`) see. Endpoints: docs/api.md. */

/** One HTTP call as seen by observers (progress, logs, tests). Never carries the token. */
export interface RequestEvent {
  operation: string; // e.g. "ListExperiences"
  method: string;
  url: string;
  status?: number; // undefined for a network error
  attempt: number; // 1-based
  durationMs: number;
}
