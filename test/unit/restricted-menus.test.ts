/**
 * Restricted Mode (issue 22): every command that refuses to run in an untrusted workspace is
 * hidden there, in the Command Palette, every menu, every keybinding and the view's welcome
 * links. The refusing commands are read from the client's sources: a `requireTrust('<title>')`
 * names the command by its title; `runSignIn` and `startSandbox` check trust themselves.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: {
    commands: { command: string; title: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    keybindings?: { command: string; when?: string }[];
    viewsWelcome?: { contents: string; when?: string }[];
  };
};

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? sources(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []));
}

/** The commands whose handlers refuse in Restricted Mode. */
function refusingCommands(): Set<string> {
  const text = sources(path.join(ROOT, 'client', 'src'))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
  const byTitle = new Map(pkg.contributes.commands.map((c) => [c.title, c.command]));
  const out = new Set<string>();
  for (const m of text.matchAll(/requireTrust\('([^']+)'\)/g)) {
    const id = byTitle.get(m[1]);
    assert.ok(id, `requireTrust('${m[1]}') names a command title`);
    out.add(id);
  }
  // Their own trust checks (a message with Manage Workspace Trust).
  assert.match(text, /export async function runSignIn[\s\S]{0,120}isTrusted/);
  assert.match(text, /export async function startSandbox[\s\S]{0,120}isTrusted/);
  out.add('resim.signIn');
  out.add('resim.startSandbox');
  return out;
}

// Hidden unless trusted: needs isWorkspaceTrusted, or is never shown ("false").
const trusted = (when: string | undefined) => when === 'false' || /(^|&&\s*)isWorkspaceTrusted(\s*&&|$)/.test(when ?? '');

describe('Restricted Mode: a command that cannot run is not offered', () => {
  const refusing = refusingCommands();

  it('finds the refusing commands', () => {
    for (const c of ['resim.previewSync', 'resim.applySync', 'resim.cloneProject', 'resim.selectProject', 'resim.refreshState'])
      assert.ok(refusing.has(c), c);
  });

  it('the Command Palette hides each one unless the workspace is trusted', () => {
    const palette = new Map(pkg.contributes.menus.commandPalette.map((m) => [m.command, m.when]));
    for (const c of refusing) assert.ok(trusted(palette.get(c)), `${c}: ${palette.get(c) ?? '(always listed)'}`);
  });

  it('every menu entry and keybinding of one needs a trusted workspace', () => {
    for (const [menu, entries] of Object.entries(pkg.contributes.menus))
      for (const m of entries) if (refusing.has(m.command)) assert.ok(trusted(m.when), `${menu} ${m.command}: ${m.when}`);
    for (const k of pkg.contributes.keybindings ?? []) if (refusing.has(k.command)) assert.ok(trusted(k.when), `${k.command}: ${k.when}`);
  });

  it('no welcome link to one shows in Restricted Mode', () => {
    for (const w of pkg.contributes.viewsWelcome ?? [])
      for (const m of w.contents.matchAll(/command:([\w.]+)/g))
        if (refusing.has(m[1])) assert.ok(trusted(w.when), `welcome link ${m[1]}: ${w.when}`);
  });
});
