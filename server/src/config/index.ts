/**
 * The config loader of ReSim Experience Sync: YAML text → normalised `SyncConfig` with source
 * ranges and static diagnostics, and the text edits behind `validate --fix`, `--update-config`
 * and the quick fixes. See `types.ts` for the contract and docs/diagnostics.md "Diagnostics" for the codes.
 */
export * from './types';
export {
  fromFastSnapshot,
  fromSnapshot,
  itemStarts,
  loadConfig,
  loadFastSnapshot,
  loadStats,
  withDiagnostics,
  type FastSnapshot,
  type LoadSnapshot,
} from './load';
export { decodeConfigBytes } from './decode';
export { fixConfig, setExperienceIDs } from './edit';
export { applyTextEdits } from './text';
