/**
 * The sync history (docs/undo.md): one append-only record per apply, from every front end, so
 * that any sync can be undone (server/src/sync/undo.ts).
 *
 * A record is a JSON Lines file `<dir>/<projectID>/<recordID>.jsonl`, 0600 in 0700 folders:
 *
 *   1. a `begin` entry, written and fsynced before the first API write: the applied plan (its
 *      JSON), both fingerprints, the time, the tool version, who applied it, and the `changes`
 *      (the before and after value of everything the plan touches: `recordedChanges`);
 *   2. one `call` entry per API call as it settles (written at once, fsynced within the same
 *      event-loop turn, together with the other calls that settled in it), with what a create created;
 *   3. an `end` entry with the result (absent when the process was killed: undo then reads the
 *      project to settle what was done).
 *
 * Every line is `{"entry": …, "sum": sha256(previous line's sum + JSON of entry)}`: a chain, so a
 * record edited by hand (or damaged) is refused; a last line without its newline is a write torn
 * by a crash and is ignored. The checksum detects edits, it does not authenticate: anyone who can
 * write the file can also recompute it. No credential is ever written (the `who` is the signed-in
 * account's name as the token's claims give it, never the token).
 */
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ApplyCall, ApplyResult, PlanJson, RefusedRecord, SyncRecordSummary } from '../../../protocol';
import type { Experience, ExperienceField } from '../resim/model';
import { UserError } from '../util/userError';
import type { Plan, ProjectState } from './model';
import { FIELD_ORDER, normalizeFieldValue } from './plan';

/** The experience fields a record keeps for every experience a plan touches (all the sync can set). */
export const RECORDED_FIELDS: readonly ExperienceField[] = FIELD_ORDER;

/** An experience's recorded values: every `RECORDED_FIELDS` value (normalised as the plan compares them) and `archived`. */
export type ExperienceValues = { archived: boolean } & Partial<Record<ExperienceField, unknown>>;

/**
 * One thing a plan changes, with its value before the apply and the value the apply sets.
 * Experiences: `before` null for a create (`experienceID` null: not known until created; `after`
 * holds only the fields the create sets).
 * Tags and systems: one membership each (`member`: whether the apply makes the experience a member).
 * Test suites: member IDs; `after` may name an experience the plan creates as `new:<name>`.
 */
export type RecordedChange =
  | { kind: 'experience'; name: string; experienceID: string | null; before: ExperienceValues | null; after: ExperienceValues }
  | { kind: 'tag'; name: string; tagID: string; experienceID: string; experienceName: string; member: boolean }
  | { kind: 'system'; name: string; systemID: string; experienceID: string; experienceName: string; member: boolean }
  | { kind: 'testSuite'; name: string; testSuiteID: string; before: string[]; after: string[] };

/** The first entry of a record. */
export interface BeginEntry {
  type: 'begin';
  /** Record format version. */
  format: 1;
  recordID: string;
  /** `sync`, or `undo` of the record `undoOf`. */
  kind: 'sync' | 'undo';
  undoOf?: string;
  /** ISO time the apply started. */
  time: string;
  /** e.g. "resim-sync 0.9.0". */
  tool: string;
  /** `cli` or `language-server` (VS Code and other editors). */
  frontEnd: string;
  /** The signed-in account when known (from the token's claims); never a credential. */
  who?: string;
  apiUrl: string;
  project: { id: string; name: string };
  /** The config file (path or URI) of a sync. */
  source?: string;
  stateFingerprint: string;
  configFingerprint?: string;
  plan: PlanJson;
  changes: RecordedChange[];
}

/** One API call's outcome; `experienceID`: what a successful create created. */
export interface CallEntry extends ApplyCall {
  type: 'call';
  experienceID?: string;
}

export interface EndEntry {
  type: 'end';
  time: string;
  ok: boolean;
  failures: number;
  cancelled: boolean;
}

export type HistoryEntry = BeginEntry | CallEntry | EndEntry;

/** A record read back and verified. `end` is absent when the apply never finished (killed). */
export interface SyncRecord {
  file: string;
  begin: BeginEntry;
  calls: CallEntry[];
  end?: EndEntry;
}

/** A record that cannot be used (missing, edited by hand, damaged, in an unknown format): one line. */
export class HistoryError extends UserError {}

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Record IDs: `YYYYMMDDTHHMMSSZ-<6 hex>`, sortable by time. */
export const RECORD_ID = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;

/**
 * The history folder: `--history-dir`, else `RESIM_HISTORY_DIR`, else
 * `$XDG_STATE_HOME/resim-sync/history` (`~/.local/state/…` when XDG_STATE_HOME is unset or not
 * absolute, as the XDG Base Directory spec says).
 */
export function historyDir(given?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (given) return path.resolve(given);
  if (env.RESIM_HISTORY_DIR) return path.resolve(env.RESIM_HISTORY_DIR);
  const xdg = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(os.homedir(), '.local', 'state');
  return path.join(xdg, 'resim-sync', 'history');
}

function projectFolder(dir: string, projectID: string): string {
  if (!SAFE_SEGMENT.test(projectID)) throw new HistoryError(`Project ID ${JSON.stringify(projectID)} cannot name a history folder.`);
  return path.join(dir, projectID);
}

function mkdirPrivate(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  fs.chmodSync(dir, DIR_MODE);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function newRecordID(now: Date): string {
  const t = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${t}-${randomBytes(3).toString('hex')}`;
}

/**
 * An open record: `begin` has been written and fsynced; `call` and `end` append and fsync one
 * line each. Writes after the begin never throw (an apply in flight is not stopped by a full
 * disk): the first failure is kept in `writeError`.
 */
export class RecordWriter {
  writeError?: Error;
  private sum = '';
  private constructor(
    private fd: number | null,
    readonly file: string,
    readonly recordID: string,
  ) {}

  /**
   * Creates the record and writes its begin entry (fsynced, with the folder).
   * @throws HistoryError when the folder or the file cannot be written (nothing was applied).
   */
  static create(dir: string, begin: Omit<BeginEntry, 'type' | 'format' | 'recordID' | 'time'>, now = new Date()): RecordWriter {
    const folder = projectFolder(dir, begin.project.id);
    const recordID = newRecordID(now);
    const file = path.join(folder, `${recordID}.jsonl`);
    try {
      mkdirPrivate(folder);
      fs.chmodSync(dir, DIR_MODE);
      const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_APPEND, FILE_MODE);
      const w = new RecordWriter(fd, file, recordID);
      w.append({ type: 'begin', format: 1, recordID, time: now.toISOString(), ...begin }, true);
      const dfd = fs.openSync(folder, 'r');
      try {
        fs.fsyncSync(dfd);
      } finally {
        fs.closeSync(dfd);
      }
      return w;
    } catch (err) {
      throw new HistoryError(
        `Not applied: the sync history cannot be written in ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Choose another folder with --history-dir or RESIM_HISTORY_DIR.`,
      );
    }
  }

  private syncPending = false;

  /**
   * Appends one line with one `write` (a process killed after it keeps the whole line: the
   * kernel has it) and flushes it to disk: the begin and end entries at once, call entries
   * within the same event-loop turn, one `fsync` for all the calls that settled in that turn
   * (an fsync costs milliseconds; one per call would throttle an apply's concurrent calls).
   */
  private append(entry: HistoryEntry, flushNow = false): void {
    if (this.fd === null) return;
    const json = JSON.stringify(entry);
    this.sum = sha256(this.sum + json);
    fs.writeSync(this.fd, `{"entry":${json},"sum":"${this.sum}"}\n`);
    if (flushNow) this.flush();
    else if (!this.syncPending) {
      this.syncPending = true;
      setImmediate(() => {
        try {
          this.flush();
        } catch (err) {
          this.writeError ??= err as Error;
        }
      });
    }
  }

  private flush(): void {
    this.syncPending = false;
    if (this.fd !== null) fs.fsyncSync(this.fd);
  }

  private safely(entry: HistoryEntry, flushNow = false): void {
    try {
      this.append(entry, flushNow);
    } catch (err) {
      this.writeError ??= err as Error;
    }
  }

  call(call: ApplyCall, experienceID?: string): void {
    this.safely({ type: 'call', ...call, ...(experienceID ? { experienceID } : {}) });
  }

  end(result: ApplyResult): void {
    this.safely(
      { type: 'end', time: new Date().toISOString(), ok: result.ok, failures: result.failures, cancelled: result.cancelled },
      true,
    );
    this.close();
  }

  close(): void {
    if (this.fd === null) return;
    try {
      if (this.syncPending) this.flush();
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = null;
  }
}

/**
 * Reads and verifies a record file.
 * @throws HistoryError (one line) for a missing, edited or damaged record.
 */
export function readRecord(file: string): SyncRecord {
  const name = path.basename(file, '.jsonl');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new HistoryError(`Sync record ${name} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  const lines = text.split('\n');
  lines.pop(); // the text after the last newline: empty, or a line torn by a crash
  let sum = '';
  const entries: HistoryEntry[] = [];
  lines.forEach((line, i) => {
    let parsed: { entry?: unknown; sum?: unknown };
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = {};
    }
    const json = parsed.entry === undefined ? undefined : JSON.stringify(parsed.entry);
    if (json === undefined || typeof parsed.sum !== 'string' || sha256(sum + json) !== parsed.sum)
      throw new HistoryError(`Sync record ${name} was edited or damaged (line ${i + 1} does not match its checksum); it is not used.`);
    sum = parsed.sum;
    entries.push(parsed.entry as HistoryEntry);
  });
  const begin = entries[0];
  if (!begin || begin.type !== 'begin' || begin.format !== 1)
    throw new HistoryError(`Sync record ${name} has no begin entry of a known format; it is not used.`);
  return {
    file,
    begin,
    calls: entries.filter((e): e is CallEntry => e.type === 'call'),
    end: entries.find((e): e is EndEntry => e.type === 'end'),
  };
}

export type RecordSummary = SyncRecordSummary;

export function statusOf(r: SyncRecord): RecordSummary['status'] {
  if (!r.end) return 'unfinished';
  if (r.end.cancelled) return 'cancelled';
  return r.end.ok ? 'complete' : 'failed';
}

export function summarize(r: SyncRecord): RecordSummary {
  const b = r.begin;
  return {
    recordID: b.recordID,
    kind: b.kind,
    ...(b.undoOf ? { undoOf: b.undoOf } : {}),
    time: b.time,
    ...(b.who ? { who: b.who } : {}),
    project: b.project,
    ...(b.source ? { source: b.source } : {}),
    summary: b.plan.summary,
    status: statusOf(r),
  };
}

/**
 * The records of one project (or of every project when `projectID` is undefined), newest first.
 * A refused record is listed with its `problem` and no content.
 */
export function listRecords(dir: string, projectID?: string): (RecordSummary | RefusedRecord)[] {
  const folders = projectID ? [projectFolder(dir, projectID)] : safeList(dir).map((p) => path.join(dir, p));
  const out: (RecordSummary | RefusedRecord)[] = [];
  for (const folder of folders)
    for (const f of safeList(folder)) {
      if (!f.endsWith('.jsonl') || !RECORD_ID.test(f.slice(0, -6))) continue;
      try {
        out.push(summarize(readRecord(path.join(folder, f))));
      } catch (err) {
        out.push({ recordID: f.slice(0, -6), problem: (err as Error).message });
      }
    }
  // Newest first by the begin entry's time (milliseconds; a record ID has whole seconds, so a sync
  // and its undo in one second would sort by their random suffix), then by ID.
  const key = (r: (typeof out)[number]) => `${'time' in r ? r.time : ''}\u0000${r.recordID}`;
  return out.sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Finds a record by its ID (or a unique prefix of it), in `projectID`'s folder or in any.
 * @throws HistoryError when none or several match, or the record is refused.
 */
export function findRecord(dir: string, id: string, projectID?: string): SyncRecord {
  const folders = projectID ? [projectFolder(dir, projectID)] : safeList(dir).map((p) => path.join(dir, p));
  const hits: string[] = [];
  for (const folder of folders)
    for (const f of safeList(folder))
      if (f.endsWith('.jsonl') && f.startsWith(id) && RECORD_ID.test(f.slice(0, -6))) hits.push(path.join(folder, f));
  if (!id || !hits.length) throw new HistoryError(`No sync record ${JSON.stringify(id)} in ${dir}; \`resim-sync history\` lists them.`);
  if (hits.length > 1) throw new HistoryError(`${hits.length} sync records start with ${JSON.stringify(id)}; give more of the ID.`);
  return readRecord(hits[0]);
}

// ---------------------------------------------------------------------------------------------
// What a plan changes, before and after (the record's `changes`)
// ---------------------------------------------------------------------------------------------

/** An experience's `RECORDED_FIELDS` (normalised) and archived flag. */
export function valuesOf(e: Partial<Experience>): ExperienceValues {
  const v: ExperienceValues = { archived: e.archived === true };
  for (const f of RECORDED_FIELDS) v[f] = normalizeFieldValue(f, (e as Record<string, unknown>)[f]);
  return v;
}

/**
 * The before and after value of everything `plan` changes, read from `state` (the state the plan
 * was computed from). Pure.
 */
export function recordedChanges(plan: Plan, state: ProjectState): RecordedChange[] {
  const byID = new Map(state.experiences.map((e) => [e.experienceID, e]));
  const changes: RecordedChange[] = [];
  for (const e of plan.experiences) {
    if (e.action === 'create') {
      const input = plan.createInputs[e.name];
      if (!input) continue;
      // Only the fields the create sets: the API gives the others its own defaults.
      const all = valuesOf(input);
      const after: ExperienceValues = { archived: e.thenArchive === true };
      for (const f of RECORDED_FIELDS) if ((input as unknown as Record<string, unknown>)[f] !== undefined) after[f] = all[f];
      changes.push({ kind: 'experience', name: e.name, experienceID: null, before: null, after });
      continue;
    }
    const live = e.experienceID ? byID.get(e.experienceID) : undefined;
    if (!live) continue;
    const upd = plan.updateInputs[live.experienceID];
    if (e.action === 'unchanged' && !upd) continue;
    const before = valuesOf(live);
    const after: ExperienceValues = { ...before };
    for (const f of upd?.updateMask ?? []) after[f] = normalizeFieldValue(f, (upd!.experience as Record<string, unknown>)[f]);
    if (e.action === 'restore') after.archived = false;
    if (e.action === 'archive') after.archived = true;
    changes.push({ kind: 'experience', name: live.name, experienceID: live.experienceID, before, after });
  }
  const nameOf = (id: string) => byID.get(id)?.name ?? id;
  for (const t of plan.tags) {
    t.addIDs.forEach((id) =>
      changes.push({ kind: 'tag', name: t.name, tagID: t.tagID, experienceID: id, experienceName: nameOf(id), member: true }),
    );
    t.removeIDs.forEach((id) =>
      changes.push({ kind: 'tag', name: t.name, tagID: t.tagID, experienceID: id, experienceName: nameOf(id), member: false }),
    );
  }
  for (const s of plan.systems) {
    s.addIDs.forEach((id) =>
      changes.push({ kind: 'system', name: s.name, systemID: s.systemID, experienceID: id, experienceName: nameOf(id), member: true }),
    );
    (s.removeIDs ?? []).forEach((id) =>
      changes.push({ kind: 'system', name: s.name, systemID: s.systemID, experienceID: id, experienceName: nameOf(id), member: false }),
    );
  }
  for (const s of plan.testSuites) {
    const after = plan.suiteMembers[s.testSuiteID];
    const live = state.testSuites.find((x) => x.testSuiteID === s.testSuiteID);
    if (!after || !live) continue;
    changes.push({ kind: 'testSuite', name: s.name, testSuiteID: s.testSuiteID, before: [...live.experiences], after: [...after] });
  }
  return changes;
}

/** The ID of an experience the record's apply created, from its call entry; undefined when not known. */
export function createdID(r: SyncRecord, name: string): string | undefined {
  return r.calls.find((c) => c.operation === 'CreateExperience' && c.ok && c.target === name && c.experienceID)?.experienceID;
}
