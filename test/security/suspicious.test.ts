/**
 * The editor flags Trojan Source characters in a config (docs/security.md, "Terminal and display
 * injection"): a `suspicious-characters` warning at each run of bidirectional controls,
 * zero-width or control characters, with a quick fix that removes them. The real language
 * server over stdio.
 */
import { strict as assert } from 'assert';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { applyEdits, LspClient, textAt } from '../integration/lsp-helpers';

const TEXT = [
  '# resim-project: demo',
  'experiences:',
  '  - name: "access-\u202eresu\u2066-check"', // a right-to-left override, and an isolate
  '    description: "zero\u200bwidth"',
  '    locations: [s3://b/k]',
  '  - name: plain-and-fine',
  '    description: ok',
  '    locations: [s3://b/k2]',
  '',
].join('\n');

describe('security: suspicious characters are flagged in the editor', function () {
  this.timeout(30_000);
  let client: LspClient;
  before(async () => {
    client = await LspClient.start({ settings: { project: 'demo' } });
  });
  after(async () => {
    await client.stop();
  });

  it('warns at each bidi / zero-width character, and the quick fix removes it', async () => {
    const uri = 'file:///tmp/sec/trojan.experiences.yaml';
    client.open(uri, TEXT);
    const diags = await client.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'suspicious-characters'));
    const found = diags.filter((d) => d.code === 'suspicious-characters');
    assert.equal(found.length, 3, JSON.stringify(found, null, 1));
    for (const d of found) assert.equal(d.severity, 2, 'a warning');
    assert.deepEqual(
      found.map((d) => textAt(TEXT, d.range)),
      ['\u202e', '\u2066', '\u200b'],
    );
    assert.match(found[0].message as string, /U\+202E RIGHT-TO-LEFT OVERRIDE/);
    assert.match(found[0].message as string, /Bidirectional control/);
    assert.match(found[2].message as string, /U\+200B ZERO WIDTH SPACE/);
    assert.deepEqual(
      found.map((d) => d.range.start.line),
      [2, 2, 3],
    );

    // Each has a quick fix; applied together they leave a clean file without new warnings.
    let text = TEXT;
    const edits = [];
    for (const d of found) {
      const actions = await client.codeActions(uri, d.range, [d as Diagnostic]);
      const fix = actions.find((a) => a.kind === 'quickfix' && a.diagnostics?.some((x) => x.code === 'suspicious-characters'));
      assert.ok(fix?.edit?.changes?.[uri], `a quick fix for ${JSON.stringify(d.message)}`);
      assert.match(fix.title, /^Remove U\+/);
      edits.push(...fix.edit.changes[uri]);
    }
    text = applyEdits(text, edits);
    assert.ok(text.includes('name: "access-resu-check"') && text.includes('"zerowidth"'), text);
    client.change(uri, text);
    const after = await client.diagnosticsFor(uri, () => true);
    assert.ok(!after.some((d) => d.code === 'suspicious-characters'), JSON.stringify(after));
  });
});
