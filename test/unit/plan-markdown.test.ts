/**
 * The plan's Markdown (server/src/sync/markdown.ts), rendered by markdown-it with GitHub's
 * extensions that matter here on (raw HTML allowed, bare URLs linkified, tables): names and
 * values from the project are literal text in code spans, never an element, a link or a
 * mention; the comment stays under GitHub's limit and says what it left out; the marker line
 * finds the bot's own comment (ci/comment.ts).
 */
import { strict as assert } from 'assert';
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import type { PlanJson } from '../../protocol';
import { isOwnComment, markerOf } from '../../server/src/ci/comment';
import { escapeVisible } from '../../server/src/security/text';
import { GITHUB_COMMENT_LIMIT, MAX_MEMBERS, planMarker, renderPlanMarkdown } from '../../server/src/sync/markdown';

const gfm = new MarkdownIt({ html: true, linkify: true });

/** The names a hostile project member could choose (the list and more). */
export const HOSTILE = [
  '@org/everyone',
  '<img src=x onerror=alert(1)>',
  '[x](javascript:alert(1))',
  '``` fence ``` and `one`',
  '`',
  '<details><summary>open</summary>',
  '</details>',
  'https://evil.example/phish',
  'mail@evil.example',
  '**bold** _em_ ~~s~~',
  '<!-- hidden -->',
  '-->',
  '| a | b |',
  '> [!CAUTION] fake',
  '# heading',
  '\u202eevil\u202c',
  'line\nbreak\r\n@team',
  '![img](https://evil.example/x.png)',
  '\\`escaped\\`',
];

/** Program-made HTML the renderer may emit (folding, the footer). */
const ALLOWED_HTML =
  /^<\/?(details|summary|sub)>\s*$|^<summary>\d+ [a-z ]+<\/summary>$|^<!-- resim-sync-plan project=\S* config=\S* -->\s*$/;

function planWith(names: string[]): PlanJson {
  const n = (i: number) => names[i % names.length]!;
  return {
    project: { id: 'd0000000-0000-4000-8000-000000000001', name: n(0) },
    stateFingerprint: 'a'.repeat(64),
    archiveUnlisted: true,
    summary: {
      create: names.length,
      update: names.length,
      restore: 0,
      archive: names.length,
      unchanged: 0,
      tagAdditions: names.length,
      tagRemovals: names.length,
      systemAdditions: names.length,
      testSuiteRevisions: names.length,
    },
    experiences: [
      ...names.map((name, i) => ({
        name,
        action: 'create' as const,
        experienceID: null,
        matchedBy: null,
        changes: [{ field: 'description', before: null, after: n(i + 1) }],
      })),
      ...names.map((name, i) => ({
        name,
        action: 'update' as const,
        experienceID: n(i + 2),
        matchedBy: 'id' as const,
        previousName: n(i + 3),
        changes: [{ field: n(i + 4), before: n(i + 5), after: [n(i + 6)] }],
      })),
      ...names.map((name, i) => ({ name, action: 'archive' as const, experienceID: n(i + 7), matchedBy: null, changes: [] })),
    ],
    tags: names.map((name, i) => ({ name, add: [n(i + 1)], remove: [n(i + 2)] })),
    systems: names.map((name, i) => ({ name, add: [n(i + 3)] })),
    testSuites: names.map((name, i) => ({ name, before: [n(i + 1)], after: [n(i + 2)], changed: true })),
    warnings: names.map((name) => `Warning about ${name}`),
    massArchive: { tripped: true, archiveCount: names.length, activeCount: names.length, threshold: 10 },
  };
}

function walk(tokens: Token[], visit: (t: Token) => void): void {
  for (const t of tokens) {
    visit(t);
    if (t.children) walk(t.children, visit);
  }
}

/** Fails when the rendered Markdown has an element, link, image or mention that the program did not write. */
function assertInert(markdown: string): string[] {
  const codes: string[] = [];
  walk(gfm.parse(markdown, {}), (t) => {
    assert.ok(!['link_open', 'image'].includes(t.type), `a ${t.type} was made: ${t.attrGet?.('href') ?? t.attrGet?.('src') ?? ''}`);
    if (t.type === 'html_block' || t.type === 'html_inline')
      for (const line of t.content.split('\n').filter((l) => l.trim())) assert.match(line, ALLOWED_HTML, `raw HTML from data: ${line}`);
    if (t.type === 'text') assert.doesNotMatch(t.content, /(^|[^\w`])@[A-Za-z0-9]/, `a mention outside code: ${t.content}`);
    if (t.type === 'code_inline') codes.push(t.content);
  });
  return codes;
}

/** What `mdCode` shows for a name: line breaks flattened, unsafe characters escaped. */
const shown = (s: string) => escapeVisible(s.replace(/[\r\n\t\u2028\u2029]+/g, ' '));

describe('plan Markdown (sync/markdown.ts)', () => {
  it('shows every hostile name as literal text in a code span and makes no element, link or mention from it', () => {
    const markdown = renderPlanMarkdown(planWith(HOSTILE), { configFile: 'configs/<b>@team`.yaml' });
    const codes = assertInert(markdown);
    for (const name of HOSTILE) assert.ok(codes.includes(shown(name)), `${JSON.stringify(name)} is shown literally`);
    assert.ok(codes.includes(shown('configs/<b>@team`.yaml')));
    // The mass-archive guard is a warning callout; every action has its section.
    assert.match(markdown, /^> \[!WARNING\]\n> \*\*Mass archive\.\*\*/m);
    for (const h of ['+ Create', '~ Update', '- Archive', 'Tags', 'Systems', 'Test suites', 'Warnings'])
      assert.ok(markdown.includes(`### ${h}`), h);
    assert.ok(markdown.split('\n')[0]!.startsWith('<!-- resim-sync-plan '), 'the marker is the first line');
  });

  it('stays inert for any name (property)', () => {
    const unit = fc.constantFrom(...'<>[]()`@!*_~|\\&#:/ \n-=a1.'.split(''), '\u202e', 'javascript:', 'http://x.y', '<img', '-->');
    fc.assert(
      fc.property(fc.array(fc.string({ unit, minLength: 1, maxLength: 24 }), { minLength: 1, maxLength: 4 }), (names) => {
        const codes = assertInert(renderPlanMarkdown(planWith(names), { configFile: 'c.yaml' }));
        for (const name of names) assert.ok(codes.includes(shown(name)) || shown(name).trim() === '', JSON.stringify(name));
      }),
      { numRuns: 150 },
    );
  });

  it('folds long sections and stays under the comment limit, saying what it left out and where the full plan is', () => {
    const names = Array.from({ length: 3000 }, (_, i) => `experience-${i}-${'x'.repeat(40)}`);
    const markdown = renderPlanMarkdown(planWith(names), { configFile: 'c.yaml', fullPlanAt: 'the `plan-file` output' });
    assert.ok(markdown.length <= GITHUB_COMMENT_LIMIT, `${markdown.length} characters`);
    assert.match(markdown, /<details>\n<summary>3000 experiences<\/summary>/);
    assert.match(markdown, /\*\d+ experiences left out to stay under the comment limit; the full plan is in the `plan-file` output\.\*/);
    assert.equal((markdown.match(/<details>/g) ?? []).length, (markdown.match(/<\/details>/g) ?? []).length, 'every fold is closed');
    assertInert(markdown);
    // A tag added to thousands of experiences lists the first MAX_MEMBERS and says how many more.
    const wide = planWith(['t']);
    wide.tags = [{ name: 'nightly', add: names, remove: [] }];
    const tagged = renderPlanMarkdown(wide, { configFile: 'c.yaml' });
    assert.match(
      tagged,
      new RegExp(
        `- tag \`nightly\`\n(  - \\\\\\+ \`experience-\\d+-x+\`\n){${MAX_MEMBERS}}  - \\*… and ${names.length - MAX_MEMBERS} more\\*`,
      ),
    );
    const small = renderPlanMarkdown(planWith(names.slice(0, 3)), { configFile: 'c.yaml' });
    assert.doesNotMatch(small, /<details>|left out/, 'a short plan is neither folded nor cut');
  });

  it('the marker identifies the project and the config, and cannot be closed early by either', () => {
    const m = planMarker('p-1', 'a b/c -->.yaml');
    assert.equal(m.indexOf('-->'), m.length - 3);
    assert.deepEqual(markerOf(`${m}\nbody`), { project: 'p-1', config: encodeURIComponent('a b/c -->.yaml') });
    assert.ok(isOwnComment(`${m}\nold`, `${m}\nnew`));
    assert.ok(!isOwnComment(`${planMarker('p-2', 'a b/c -->.yaml')}\nold`, `${m}\nnew`), 'another project');
    assert.ok(!isOwnComment(`${planMarker('p-1', 'other.yaml')}\nold`, `${m}\nnew`), 'another config');
    assert.ok(!isOwnComment(`quoted:\n${m}\nold`, `${m}\nnew`), 'only a comment that starts with the marker');
    assert.ok(isOwnComment(`${m}\nold`, `${planMarker('', 'a b/c -->.yaml')}\nfailed`), 'a failure without a project replaces it');
  });
});
