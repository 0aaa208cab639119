/**
 * The hover's markdown helpers (server/src/lsp/markdown.ts), rendered by markdown-it (the
 * CommonMark renderer VS Code uses): a code span shows IDs, names and values verbatim, whatever
 * they hold, and nothing in them becomes a link, HTML or emphasis.
 */
import { strict as assert } from 'assert';
import MarkdownIt from 'markdown-it';
import { md, mdCode, mdValue } from '../../server/src/lsp/markdown';

const render = new MarkdownIt({ html: true, linkify: false });

/** The text content of the single inline code element of `markdown`. */
function codeText(markdown: string): string {
  const tokens = render.parseInline(markdown, {})[0].children ?? [];
  const code = tokens.filter((t) => t.type === 'code_inline');
  assert.equal(code.length, 1, `one code span in ${markdown}: ${tokens.map((t) => t.type).join(',')}`);
  assert.equal(tokens.filter((t) => t.type !== 'code_inline' && t.type !== 'text').length, 0, `nothing but code in ${markdown}`);
  return code[0].content;
}

describe('hover markdown', () => {
  const cases = [
    'e0000000-0000-4000-8000-000000000001',
    'scenario-survey-alpha',
    'sil_cluster',
    'x](javascript:alert(1)) <img src=x> *b*',
    'a`b',
    '`starts with a backtick',
    'ends with two``',
    ' spaced ',
    '``` fence',
    '\\escaped\\-not',
  ];
  for (const s of cases) {
    it(`mdCode keeps ${JSON.stringify(s)} verbatim`, () => {
      assert.equal(codeText(mdCode(s)), s);
    });
  }

  it('mdCode flattens line breaks and shortens long text', () => {
    assert.equal(codeText(mdCode('one\ntwo')), 'one two');
    assert.equal(codeText(mdCode('x'.repeat(10), 4)), 'xxxx…');
  });

  it('mdValue shows a JSON value verbatim in a code span; unset in words', () => {
    assert.equal(codeText(mdValue('Aerial survey over test zone')), '"Aerial survey over test zone"');
    assert.equal(codeText(mdValue(['a', 'b'])), '["a","b"]');
    assert.equal(mdValue(undefined), '*(unset)*');
    // Environment variables and custom fields read as they are written, not as JSON.
    assert.equal(
      codeText(
        mdValue([
          { name: 'MAX_ALTITUDE_M', value: '120' },
          { name: 'MODE', value: 'x' },
        ]),
      ),
      'MAX_ALTITUDE_M=120, MODE=x',
    );
    assert.equal(codeText(mdValue([{ name: 'airframe', type: 'text', values: ['quad-x'] }])), 'airframe (text): quad-x');
  });

  it('md escapes prose so that nothing is injected', () => {
    const html = render.renderInline(md('x](javascript:alert(1)) <img src=x> *b*'));
    assert.ok(!html.includes('<img'), html);
    assert.ok(!html.includes('<a '), html);
    assert.ok(!html.includes('<em>'), html);
  });
});
