// Glob patterns matched against a folder, segment by segment, reading only the folders a pattern can
// reach. Syntax: `*` and `?` (never across `/`, dot files included), `[abc]`, `[a-z]`, `[!a]` or
// `[^a]`, `{a,b}` (nested too) and `{1..3}` / `{a..c}`, `**` as a whole segment (any number of
// folders, none included), `\` to take the next character literally, a trailing `/` for folders only.
// `**` never descends into a symbolic link, so a link cycle or a link to `/` cannot make the walk
// endless or leave the folder; a link named by a pattern segment is followed like any folder.
import { readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { UsageError } from './errors.mjs';
import { lexists } from './files.ts';

export interface GlobOptions {
  /** Names of top-level entries that are neither matched nor entered (e.g. `.git`). */
  skip?: readonly string[];
}

const MAX_EXPANSIONS = 10_000;

/** True when `pattern` holds a character that makes it a glob rather than a plain path. */
export function hasMagic(pattern: string): boolean {
  return /[*?[\]{}]/.test(pattern);
}

function closingBrace(p: string, open: number): number {
  let depth = 0;
  for (let i = open; i < p.length; i++) {
    if (p[i] === '\\') i++;
    else if (p[i] === '{') depth++;
    else if (p[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '\\') i++;
    else if (inner[i] === '{') depth++;
    else if (inner[i] === '}') depth--;
    else if (inner[i] === ',' && depth === 0) {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(inner.slice(start));
  return parts;
}

function range(inner: string): string[] | null {
  const num = /^(-?\d+)\.\.(-?\d+)$/.exec(inner);
  if (num) {
    const [a, b] = [Number(num[1]), Number(num[2])];
    if (Math.abs(b - a) >= MAX_EXPANSIONS) throw new UsageError(`glob {${inner}}: more than ${MAX_EXPANSIONS} alternatives`);
    const padded = [num[1], num[2]].some((s) => /^-?0\d/.test(s as string));
    const width = padded ? Math.max((num[1] as string).length, (num[2] as string).length) : 0;
    const step = a <= b ? 1 : -1;
    const out: string[] = [];
    for (let n = a; n !== b + step; n += step) out.push(n < 0 ? `-${String(-n).padStart(width - 1, '0')}` : String(n).padStart(width, '0'));
    return out;
  }
  const chars = /^([a-zA-Z])\.\.([a-zA-Z])$/.exec(inner);
  if (chars) {
    const [a, b] = [(chars[1] as string).charCodeAt(0), (chars[2] as string).charCodeAt(0)];
    const step = a <= b ? 1 : -1;
    const out: string[] = [];
    for (let c = a; c !== b + step; c += step) out.push(String.fromCharCode(c));
    return out;
  }
  return null;
}

/** `a{b,c}d` -> [abd, acd]; a group with neither a comma nor a range (`{a}`) stays as it is. */
export function expandBraces(pattern: string): string[] {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') {
      i++;
      continue;
    }
    if (pattern[i] !== '{') continue;
    const close = closingBrace(pattern, i);
    if (close < 0) break;
    const inner = pattern.slice(i + 1, close);
    const parts = splitTopLevel(inner);
    const alternatives = parts.length > 1 ? parts : range(inner);
    if (!alternatives) continue;
    const head = pattern.slice(0, i);
    const tail = pattern.slice(close + 1);
    const out = alternatives.flatMap((a) => expandBraces(head + a + tail));
    if (out.length > MAX_EXPANSIONS) throw new UsageError(`glob ${pattern}: more than ${MAX_EXPANSIONS} alternatives`);
    return out;
  }
  return [pattern];
}

const escapeRe = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** The regular expression for one path segment, or null when the segment is a plain name. */
export function segmentRegExp(segment: string): RegExp | null {
  let re = '';
  let magic = false;
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '\\' && i + 1 < segment.length) re += escapeRe(segment[++i] as string);
    else if (c === '*') (re += '[^/]*'), (magic = true);
    else if (c === '?') (re += '[^/]'), (magic = true);
    else if (c === '[') {
      let j = i + 1;
      const negate = segment[j] === '!' || segment[j] === '^';
      if (negate) j++;
      let body = '';
      for (let first = true; j < segment.length && (first || segment[j] !== ']'); j++, first = false) {
        const d = segment[j] as string;
        if (d === '\\' && j + 1 < segment.length) body += escapeRe(segment[++j] as string);
        else if (d === '-' && !first && segment[j + 1] !== ']') body += '-';
        else body += escapeRe(d);
      }
      if (j >= segment.length) re += escapeRe(c); // no closing `]`: a literal `[`
      else {
        re += `[${negate ? '^' : ''}${body}]`;
        magic = true;
        i = j;
      }
    } else re += escapeRe(c);
  }
  if (!magic) return null;
  try {
    return new RegExp(`^${re}$`);
  } catch {
    throw new UsageError(`glob ${segment}: not a valid pattern (a range such as [z-a] runs backwards)`);
  }
}

const unescape = (segment: string) => segment.replace(/\\(.)/g, '$1');

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}


function entries(root: string, rel: string, skip: readonly string[]) {
  try {
    return readdirSync(join(root, rel), { withFileTypes: true }).filter((e) => rel !== '' || !skip.includes(e.name));
  } catch {
    return []; // not a folder, or unreadable: nothing to match there
  }
}

/** Every entry below `rel` (not `rel` itself), not entering symbolic links; `dir` marks real folders. */
function descendants(root: string, rel: string, skip: readonly string[], out: { rel: string; dir: boolean }[]): void {
  for (const e of entries(root, rel, skip)) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    out.push({ rel: child, dir: e.isDirectory() });
    if (e.isDirectory()) descendants(root, child, skip, out);
  }
}

function matchOne(root: string, pattern: string, skip: readonly string[]): string[] {
  if (pattern.startsWith('/')) return []; // absolute: never inside the folder
  const dirOnly = pattern.endsWith('/');
  const segments = pattern.split('/').filter((s, i, all) => s !== '' && s !== '.' && !(s === '**' && all[i - 1] === '**'));
  let current = [''];
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    const next: string[] = [];
    if (segment === '**') {
      for (const rel of current) {
        const below: { rel: string; dir: boolean }[] = [];
        descendants(root, rel, skip, below);
        if (last) next.push(...below.map((b) => b.rel));
        else next.push(rel, ...below.filter((b) => b.dir).map((b) => b.rel));
      }
    } else if (segment === '..') {
      for (const rel of current) if (rel !== '' && isDir(join(root, rel))) next.push(posix.dirname(rel) === '.' ? '' : posix.dirname(rel));
    } else {
      const re = segmentRegExp(segment);
      for (const rel of current) {
        if (re) {
          for (const e of entries(root, rel, skip)) if (re.test(e.name)) next.push(rel ? `${rel}/${e.name}` : e.name);
        } else {
          const name = unescape(segment);
          if (rel === '' && skip.includes(name)) continue;
          const child = rel ? `${rel}/${name}` : name;
          if (last ? lexists(join(root, child)) : isDir(join(root, child))) next.push(child);
        }
      }
    }
    current = [...new Set(next)];
  });
  return current.filter((rel) => rel !== '' && (!dirOnly || isDir(join(root, rel))));
}

/**
 * Paths relative to `root` (with `/`, sorted, each once) of the files and folders that `pattern`
 * names; `pattern` is relative to `root`.
 */
export function globSync(root: string, pattern: string, options: GlobOptions = {}): string[] {
  const skip = options.skip ?? [];
  const found = new Set<string>();
  for (const p of expandBraces(pattern)) for (const rel of matchOne(root, p, skip)) found.add(rel);
  return [...found].sort();
}
