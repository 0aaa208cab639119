/**
 * Fault injection for the sandbox: latency before each answer, and with probability
 * `failRate` a failure of one of the kinds a client meets against the real API (docs/api.md,
 * "Errors"): 500, 503, 429 with `Retry-After: 0|1`, or a dropped connection.
 *
 * For writes (POST/PATCH/DELETE), half of the 500s and drops happen AFTER the write was
 * applied: the answer is lost but the change is made. That is what the client's lost-create
 * rule (docs/api.md, "Retries that never duplicate") has to cope with.
 */

export type FaultKind = 'http500' | 'http503' | 'http429' | 'drop';

export const FAULT_KINDS: readonly FaultKind[] = ['http500', 'http503', 'http429', 'drop'];

/** A fault to inject into the next request (for deterministic tests). */
export interface FaultSpec {
  kind: FaultKind;
  /** Apply the write before failing (only for writes and only for `http500` / `drop`). */
  applied?: boolean;
  /** `Retry-After` seconds for `http429` (default 0). */
  retryAfter?: number;
}

/** The fault settings of a running sandbox. */
export interface FaultSettings {
  /** Milliseconds waited before each `/v1/` answer. */
  latencyMs: number;
  /** Probability in [0, 1] that a `/v1/` request fails. */
  failRate: number;
  /** Faults for the next requests, in order; used before `failRate` is consulted. */
  next: FaultSpec[];
}

/** What happens to one request. */
export interface FaultDecision {
  kind: FaultKind;
  /** The write is applied and then its answer is lost. */
  applied: boolean;
  /** `Retry-After` header value for 429. */
  retryAfter?: string;
}

/** Checks and merges a settings change; throws `RangeError` with a clear message on bad values. */
export function mergeFaults(current: FaultSettings, change: Partial<FaultSettings>): FaultSettings {
  const out: FaultSettings = { ...current, next: current.next.slice() };
  if (change.latencyMs !== undefined) {
    if (typeof change.latencyMs !== 'number' || !Number.isFinite(change.latencyMs) || change.latencyMs < 0) {
      throw new RangeError(`latencyMs must be a number of milliseconds >= 0, got ${JSON.stringify(change.latencyMs)}`);
    }
    out.latencyMs = change.latencyMs;
  }
  if (change.failRate !== undefined) {
    if (typeof change.failRate !== 'number' || !(change.failRate >= 0 && change.failRate <= 1)) {
      throw new RangeError(`failRate must be a probability between 0 and 1, got ${JSON.stringify(change.failRate)}`);
    }
    out.failRate = change.failRate;
  }
  if (change.next !== undefined) {
    if (!Array.isArray(change.next)) throw new RangeError('next must be a list of {kind, applied?, retryAfter?}');
    for (const f of change.next) {
      if (!f || !FAULT_KINDS.includes(f.kind)) {
        throw new RangeError(`next: kind must be one of ${FAULT_KINDS.join(', ')}, got ${JSON.stringify(f && f.kind)}`);
      }
    }
    out.next = change.next.map((f) => ({ ...f }));
  }
  return out;
}

/**
 * The fault for one request, or undefined for none. Consumes `settings.next` first; otherwise
 * draws from `random` (a value in [0, 1)): one draw for "fails?", one for the kind, then one
 * for "applied?" (writes with 500/drop) or for the `Retry-After` value (429).
 */
export function decideFault(settings: FaultSettings, isWrite: boolean, random: () => number): FaultDecision | undefined {
  const scripted = settings.next.shift();
  if (scripted) {
    const applied = isWrite && !!scripted.applied && (scripted.kind === 'http500' || scripted.kind === 'drop');
    return {
      kind: scripted.kind,
      applied,
      retryAfter: scripted.kind === 'http429' ? String(scripted.retryAfter ?? 0) : undefined,
    };
  }
  if (settings.failRate <= 0 || random() >= settings.failRate) return undefined;
  const kind = FAULT_KINDS[Math.min(FAULT_KINDS.length - 1, Math.floor(random() * FAULT_KINDS.length))];
  if (kind === 'http429') return { kind, applied: false, retryAfter: random() < 0.5 ? '0' : '1' };
  const applied = isWrite && (kind === 'http500' || kind === 'drop') && random() < 0.5;
  return { kind, applied };
}
