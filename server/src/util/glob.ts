/**
 * Glob matching without backtracking, for globs a workspace controls (`resim.configFiles`,
 * docs/security.md "A malicious workspace"). minimatch turns `*a*a*a*a*a*a*a*a*a*a*c` into a
 * regular expression that backtracks polynomially in the file name (seconds to minutes on the
 * server's main thread for one long name); here each path segment is matched by the two-pointer
 * wildcard algorithm (time O(pattern × name), no recursion) and `**` by a table over segments.
 *
 * Syntax (minimatch's, with `dot: true`): `*` any run of characters but `/`, `?` one character
 * but `/`, `[abc]`, `[a-z]`, `[!x]`/`[^x]` one character of (not of) a set, `\x` a literal `x`,
 * `**` as a whole segment any number of segments, `{a,b}` alternatives (expanded by minimatch's
 * `braceExpand`). Bounds: `MAX_GLOB_LENGTH` characters and `MAX_GLOB_ALTERNATIVES` expansions per
 * glob; a longer glob or one with more alternatives matches nothing (`compileGlob` says why).
 */
import { braceExpand } from 'minimatch';

/** Longest glob accepted (characters). */
export const MAX_GLOB_LENGTH = 1000;
/** Most alternatives one glob's braces may expand to. */
export const MAX_GLOB_ALTERNATIVES = 64;

type Token = { kind: 'star' } | { kind: 'one'; test: (c: string) => boolean };
type Segment = { kind: 'globstar' } | { kind: 'tokens'; tokens: Token[] };

/** A compiled glob: `match(path)` for a `/`-separated path; `error` when the glob was refused. */
export interface CompiledGlob {
  match(path: string): boolean;
  error?: string;
}

/** Compiles `glob` (`nocase`: compare without case). Never throws: a refused glob matches nothing. */
export function compileGlob(glob: string, opts: { nocase?: boolean } = {}): CompiledGlob {
  if (glob.length > MAX_GLOB_LENGTH) return refused(`longer than ${MAX_GLOB_LENGTH} characters`);
  // braceExpand is linear for one level of braces; nested ones are bounded by the glob's length.
  const alternatives = glob.includes('{') ? braceExpand(glob) : [glob];
  if (alternatives.length > MAX_GLOB_ALTERNATIVES) return refused(`its braces give more than ${MAX_GLOB_ALTERNATIVES} alternatives`);
  const fold = (s: string) => (opts.nocase ? s.toLowerCase() : s);
  const compiled = alternatives.map((a) => a.split('/').map((seg) => parseSegment(fold(seg))));
  return {
    match: (path: string) => {
      const parts = fold(path).split('/');
      return compiled.some((segments) => matchSegments(segments, parts));
    },
  };
}

function refused(why: string): CompiledGlob {
  return { match: () => false, error: why };
}

function parseSegment(seg: string): Segment {
  if (seg === '**') return { kind: 'globstar' };
  const tokens: Token[] = [];
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') tokens.push({ kind: 'one', test: () => true });
    else if (c === '\\' && i + 1 < seg.length) {
      const lit = seg[++i];
      tokens.push({ kind: 'one', test: (x) => x === lit });
    } else if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end < 0) tokens.push({ kind: 'one', test: (x) => x === '[' });
      else {
        tokens.push({ kind: 'one', test: classTest(seg.slice(i + 1, end)) });
        i = end;
      }
    } else tokens.push({ kind: 'one', test: (x) => x === c });
  }
  return { kind: 'tokens', tokens };
}

/** `[...]`'s body (`a-z0-9`, `!x` or `^x` negated) as a test of one character. */
function classTest(body: string): (c: string) => boolean {
  const negate = body[0] === '!' || body[0] === '^';
  const set = negate ? body.slice(1) : body;
  const ranges: Array<[string, string]> = [];
  for (let i = 0; i < set.length; i++) {
    if (set[i + 1] === '-' && i + 2 < set.length) {
      ranges.push([set[i], set[i + 2]]);
      i += 2;
    } else ranges.push([set[i], set[i]]);
  }
  return (c) => ranges.some(([lo, hi]) => c >= lo && c <= hi) !== negate;
}

/** One segment against one name: the two-pointer wildcard match, O(tokens × name), no backtracking stack. */
function matchTokens(tokens: Token[], s: string): boolean {
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < s.length) {
    const t = tokens[p];
    if (t && t.kind === 'one' && t.test(s[i])) {
      p++;
      i++;
    } else if (t && t.kind === 'star') {
      starP = p++;
      starI = i;
    } else if (starP >= 0) {
      p = starP + 1;
      i = ++starI;
    } else return false;
  }
  while (tokens[p]?.kind === 'star') p++;
  return p === tokens.length;
}

/** Segments against path parts, `**` spanning any number of parts: a table over (segment, part). */
function matchSegments(segments: Segment[], parts: string[]): boolean {
  // can[j] after row i: segments[i..] match parts[j..]
  let next: boolean[] = parts.map(() => false).concat(true);
  for (let i = segments.length - 1; i >= 0; i--) {
    const seg = segments[i];
    const row: boolean[] = new Array<boolean>(parts.length + 1).fill(false);
    for (let j = parts.length; j >= 0; j--) {
      if (seg.kind === 'globstar') row[j] = next[j] || (j < parts.length && row[j + 1]);
      else row[j] = j < parts.length && next[j + 1] && matchTokens(seg.tokens, parts[j]);
    }
    next = row;
  }
  return next[0];
}
