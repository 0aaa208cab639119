// The mutation floor (`npm run test:mutation:floor`, part of `npm test`): after a Stryker run,
// reads its JSON report and fails when the score over covered mutants of a guarded file is under
// the floor. Mutants of message text are disabled in the source (`// Stryker disable ...: message
// text`), so they are not counted. Usage: node scripts/mutation-floor.mjs [report.json]
import fs from 'node:fs';

/** The files the floor guards, and the floor (% of covered mutants killed or timed out). */
const FLOOR = 90;
const GUARDED = ['server/src/sync/plan.ts', 'server/src/sync/service.ts', 'server/src/config/checks.ts'];

const reportFile = process.argv[2] ?? '.work/mutation/mutation.json';
let report;
try {
  report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
} catch (e) {
  console.error(`mutation floor: cannot read the Stryker report ${reportFile}: ${e.message}. Run Stryker first.`);
  process.exit(2);
}

let failed = false;
for (const file of GUARDED) {
  const mutants = report.files?.[file]?.mutants;
  if (!mutants) {
    console.error(`mutation floor: ${file} is not in ${reportFile}.`);
    failed = true;
    continue;
  }
  const count = (...statuses) => mutants.filter((m) => statuses.includes(m.status)).length;
  const detected = count('Killed', 'Timeout');
  const covered = detected + count('Survived');
  const score = covered ? (100 * detected) / covered : 100;
  const ok = score >= FLOOR;
  failed ||= !ok;
  console.log(
    `mutation floor: ${file} ${score.toFixed(2)} % of ${covered} covered mutants (${count('NoCoverage')} not covered, ${count('Ignored')} message text) ${ok ? 'ok' : `UNDER ${FLOOR} %`}`,
  );
}
process.exit(failed ? 1 : 0);
