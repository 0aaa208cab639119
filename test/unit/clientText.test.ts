/** Pure helpers of the extension client: secret redaction, state age, summary text, no-op detection. */
import * as assert from 'assert';
import { applyCounts, formatAge } from '../../client/src/format';
import { changeCount, formatSummary, isNoOp, plural } from '../../protocol';
import { Redactor } from '../../client/src/redact';

const ZERO = {
  create: 0,
  update: 0,
  restore: 0,
  archive: 0,
  unchanged: 0,
  tagAdditions: 0,
  tagRemovals: 0,
  systemAdditions: 0,
  testSuiteRevisions: 0,
};

describe('client text helpers', () => {
  it('redacts every registered secret, wherever it appears, and ignores too-short ones', () => {
    const r = new Redactor();
    r.add('tok-123456');
    r.add('s3cr3t-value');
    r.add('abc');
    r.add(null);
    assert.strictEqual(
      r.redact('{"token":"tok-123456","clientSecret":"s3cr3t-value"} tok-123456 abc'),
      '{"token":"[redacted]","clientSecret":"[redacted]"} [redacted] abc',
    );
  });

  it('formats the state age relative to now', () => {
    const now = new Date('2025-01-01T12:00:00Z');
    assert.strictEqual(formatAge('2025-01-01T11:59:58Z', now), 'just now');
    assert.strictEqual(formatAge('2025-01-01T11:59:18Z', now), '42 s ago');
    assert.strictEqual(formatAge('2025-01-01T11:57:00Z', now), '3 min ago');
    assert.strictEqual(formatAge('2025-01-01T10:00:00Z', now), '2 h ago');
    assert.strictEqual(formatAge('2024-12-27T12:00:00Z', now), '5 d ago');
    assert.strictEqual(formatAge('not a time', now), 'unknown');
    assert.strictEqual(formatAge(undefined, now), 'unknown');
  });

  it('summarises only non-zero counts, and treats unchanged experiences as no change', () => {
    assert.strictEqual(
      formatSummary({ ...ZERO, create: 2, archive: 1, tagRemovals: 1, testSuiteRevisions: 2 }),
      '2 to create, 1 to archive, 1 tag removal, 2 test suite revisions',
    );
    assert.strictEqual(formatSummary({ ...ZERO, unchanged: 5 }), 'no changes');
    assert.ok(isNoOp({ ...ZERO, unchanged: 5 }));
    assert.ok(!isNoOp({ ...ZERO, systemAdditions: 1 }));
    assert.strictEqual(changeCount({ ...ZERO, update: 1, unchanged: 3, tagAdditions: 2 }), 3);
  });

  it('counts an apply as made, failed and skipped, and says 1 call / 2 calls', () => {
    const calls = [
      { operation: 'UpdateExperience', target: 'a', ok: true },
      { operation: 'UpdateExperience', target: 'b', ok: false, error: '500' },
      { operation: 'UpdateExperience', target: 'c', ok: false, skipped: true, error: 'cancelled' },
      { operation: 'UpdateExperience', target: 'd', ok: false, skipped: true, error: 'cancelled' },
    ];
    assert.deepStrictEqual(applyCounts({ ok: false, failures: 3, cancelled: true, experienceIDs: {}, calls }), {
      made: 1,
      failed: 1,
      skipped: 2,
      ran: 2,
    });
    assert.strictEqual(plural(1, 'call'), '1 call');
    assert.strictEqual(plural(2, 'call'), '2 calls');
    assert.strictEqual(plural(3, 'experience'), '3 experiences');
  });
});
