/**
 * Static checks across entries of a loaded config (docs/diagnostics.md, "Diagnostics"): duplicate
 * experience names / IDs / test suites / tags, test suites naming experiences that are not in
 * the config, and tags that sync adds but never removes. Linear in the size of the config.
 */
import type { ConfigPath, SyncConfig } from './model';
import { uuidKey } from '../util/uuid';
import type { ConfigDiagnostic, Range } from './types';

type Locate = (path: ConfigPath, part?: 'key' | 'value') => Range | undefined;

const NOWHERE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/**
 * `unmanaged-tag` is reported only when the file has a `managedExperienceTags` key (either
 * spelling): without one the file manages no tags at all, and flagging every tag would be noise.
 * It is reported once per tag name, at its first use, with the number of experiences using it.
 */
export function crossChecks(config: SyncConfig, hasManagedTagsKey: boolean, locate: Locate): ConfigDiagnostic[] {
  const out: ConfigDiagnostic[] = [];
  const at = (path: ConfigPath, part?: 'key' | 'value') => locate(path, part) ?? NOWHERE;
  const line = (r: Range) => r.start.line + 1;

  const firstByName = new Map<string, number>();
  const firstByID = new Map<string, number>();
  config.experiences.forEach((exp, i) => {
    if (exp.name !== '') {
      const first = firstByName.get(exp.name);
      if (first === undefined) firstByName.set(exp.name, i);
      else {
        const firstRange = at(['experiences', first, 'name']);
        out.push({
          code: 'duplicate-experience-name',
          severity: 'error',
          // Stryker disable next-line StringLiteral: message text
          message: `Experience "${exp.name}" is listed twice (first at line ${line(firstRange)}). Experience names are unique in a ReSim project: rename or remove one.`,
          range: at(['experiences', i, 'name']),
          related: [{ range: firstRange, message: `First "${exp.name}" is here.` }],
          data: { name: exp.name, firstIndex: first, index: i },
        });
      }
    }
    if (exp.experienceID !== undefined && exp.experienceID !== '') {
      const id = uuidKey(exp.experienceID); // one UUID, however it is spelled
      const first = firstByID.get(id);
      if (first === undefined) firstByID.set(id, i);
      else {
        const firstRange = at(['experiences', first, 'experienceID']);
        out.push({
          code: 'duplicate-experience-id',
          severity: 'error',
          // Stryker disable next-line StringLiteral: message text
          message: `Experience ID ${exp.experienceID} is given twice (first on "${config.experiences[first].name}" at line ${line(firstRange)}). An ID stands for one experience: remove it from the entry it does not belong to.`,
          range: at(['experiences', i, 'experienceID']),
          related: [{ range: firstRange, message: `First use of ${exp.experienceID}.` }],
          data: { experienceID: exp.experienceID, firstIndex: first, index: i },
        });
      }
    }
    const tags = exp.tags;
    if (tags && tags.length > 1) duplicateTags(tags, ['experiences', i, 'tags'], `on experience "${exp.name}"`);
  });

  /** `duplicate-tag`, once per repeated tag (at its second use, with the count): a list of 20,000 copies is one warning. */
  function duplicateTags(tags: readonly string[], path: ConfigPath, where: string): Map<string, number> {
    const first = new Map<string, number>();
    const repeats = new Map<string, { second: number; count: number }>();
    tags.forEach((tag, j) => {
      if (!first.has(tag)) first.set(tag, j);
      else {
        const r = repeats.get(tag);
        if (r) r.count++;
        else repeats.set(tag, { second: j, count: 2 });
      }
    });
    for (const [tag, r] of repeats) {
      const firstRange = at([...path, first.get(tag)!]);
      out.push({
        code: 'duplicate-tag',
        severity: 'warning',
        // Stryker disable next-line StringLiteral: message text
        message: `Tag "${tag}" is listed ${r.count === 2 ? 'twice' : `${r.count} times`} ${where} (first at line ${line(firstRange)}): keep one.`,
        range: at([...path, r.second]),
        related: [{ range: firstRange, message: `First "${tag}" is here.` }],
        data: { tag, count: r.count },
      });
    }
    return first;
  }

  const managed = duplicateTags(config.managedExperienceTags, ['managedExperienceTags'], 'in managedExperienceTags');

  const firstSuite = new Map<string, number>();
  config.managedTestSuites.forEach((suite, i) => {
    if (suite.name !== '') {
      const first = firstSuite.get(suite.name);
      if (first === undefined) firstSuite.set(suite.name, i);
      else {
        const firstRange = at(['managedTestSuites', first, 'name']);
        out.push({
          code: 'duplicate-test-suite',
          severity: 'error',
          // Stryker disable next-line StringLiteral: message text
          message: `Test suite "${suite.name}" is listed twice (first at line ${line(firstRange)}). Sync revises a test suite to exactly one list of experiences: merge the two entries.`,
          range: at(['managedTestSuites', i, 'name']),
          related: [{ range: firstRange, message: `First "${suite.name}" is here.` }],
          data: { name: suite.name, firstIndex: first, index: i },
        });
      }
    }
    suite.experiences.forEach((name, j) => {
      // An empty entry (`- ` or `- ""`) has the schema's "must not be empty" error at the same place: one diagnostic.
      if (name === '' || firstByName.has(name)) return;
      out.push({
        code: 'unknown-experience-in-suite',
        severity: 'warning',
        // Stryker disable next-line StringLiteral: message text
        message: `Test suite "${suite.name}" lists experience "${name}", which is not under experiences in this file. Sync accepts that only with archiving off (--no-archive) and "${name}" an unarchived experience of the project; otherwise it fails. Add "${name}" under experiences, or remove it from the suite.`,
        range: at(['managedTestSuites', i, 'experiences', j]),
        data: { testSuite: suite.name, experience: name },
      });
    });
  });

  if (hasManagedTagsKey) {
    const uses = new Map<string, { i: number; j: number; count: number }>();
    config.experiences.forEach((exp, i) => {
      const tags = exp.tags;
      if (!tags) return;
      for (let j = 0; j < tags.length; j++) {
        const tag = tags[j];
        if (managed.has(tag) || tags.indexOf(tag) !== j) continue;
        const u = uses.get(tag);
        if (u) u.count++;
        else uses.set(tag, { i, j, count: 1 });
      }
    });
    for (const [tag, u] of uses) {
      out.push({
        code: 'unmanaged-tag',
        severity: 'information',
        // Stryker disable StringLiteral: message text
        message:
          `Tag "${tag}" is not in managedExperienceTags: sync adds this tag but never removes it` +
          ` (used by ${u.count} experience${u.count === 1 ? '' : 's'}). Add it to managedExperienceTags if this file should own it.`,
        // Stryker restore StringLiteral
        range: at(['experiences', u.i, 'tags', u.j]),
        data: { tag, count: u.count },
      });
    }
  }
  return out;
}
