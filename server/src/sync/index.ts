/** The sync engine's public surface (DESIGN.md, "engine"). */
export * from './model';
export { computePlan, planHasChanges, massArchiveThreshold, NEW_ID_PREFIX } from './plan';
export type { PlanOptions } from './plan';
export { ingest } from './ingest';
export type { IngestOptions } from './ingest';
export { applyPlan, countWriteCalls, PlanRefusedError } from './apply';
export type { ApplyCall, ApplyOptions, ApplyResult } from './apply';
export { cloneConfig, stateToConfig } from './clone';
export { planToJson, renderPlanText, summaryLine, entryLabel, ACTION_SYMBOL } from './render';
export { fingerprintState, fingerprintConfig } from './fingerprint';
export { planAgainstProject, assertApplicable, guardedApply } from './service';
export type { GuardOptions, LivePlan } from './service';
