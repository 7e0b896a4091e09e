// The house plan, checked: scripts/lib holds one folder per domain, each with a README that says what it
// may import and its entry points; imports follow it, never run in a circle, and the tracker's bundle
// stays Node built-ins only. The READMEs are the source: change a rule there, and this test follows.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KIT_DIR } from './helpers/make.ts';

const LIB = join(KIT_DIR, 'scripts', 'lib');
const SOURCE = /\.(ts|mjs|js)$/;

interface Import {
  from: string;
  spec: string;
  typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ from: file, spec: m[3] as string, typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ from: file, spec: m[1] as string, typeOnly: false });
  return out;
}

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : SOURCE.test(f) ? [p] : [];
  });

const folderOf = (file: string) => relative(LIB, file).split('/')[0] as string;
const target = (imp: Import) => resolve(dirname(imp.from), imp.spec);

interface Rules {
  imports: string[];
  entryPoints: string[] | 'all';
  lines: number;
}

function readRules(folder: string): Rules {
  const text = readFileSync(join(LIB, folder, 'README.md'), 'utf8').trim();
  const lines = text.split('\n');
  const importsLine = lines.find((l) => l.startsWith('Imports:'));
  const entryLine = lines.find((l) => /^Entry points?:/.test(l));
  if (!importsLine || !entryLine) throw new Error(`scripts/lib/${folder}/README.md needs an 'Imports:' and an 'Entry point:' line`);
  const imports = [...importsLine.matchAll(/\b([a-z]+)\//g)].map((m) => m[1] as string);
  const entryPoints = /every file/.test(entryLine) ? 'all' : [...entryLine.matchAll(/`([a-z-]+\.(?:ts|mjs|js))`/g)].map((m) => m[1] as string);
  return { imports, entryPoints, lines: lines.length };
}

const folders = readdirSync(LIB).filter((f) => statSync(join(LIB, f)).isDirectory()).sort();
const files = walk(LIB);
const rules = new Map(folders.map((f) => [f, readRules(f)]));

describe('the house plan', () => {
  it('scripts/lib holds only domain folders (and index.ts), each with a short README', () => {
    const loose = readdirSync(LIB).filter((f) => !statSync(join(LIB, f)).isDirectory());
    expect(loose).toEqual(['index.ts']);
    for (const f of folders) {
      const r = rules.get(f) as Rules;
      expect(r.lines, `scripts/lib/${f}/README.md`).toBeGreaterThanOrEqual(3);
      expect(r.lines, `scripts/lib/${f}/README.md`).toBeLessThanOrEqual(6);
      for (const dep of r.imports) expect(folders, `${f}/README.md names ${dep}/`).toContain(dep);
      if (r.entryPoints !== 'all') for (const e of r.entryPoints) expect(existsSync(join(LIB, f, e)), `${f}/README.md names ${e}`).toBe(true);
    }
  });

  it('the folders import each other in one direction only (no circle among them)', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'visiting') throw new Error(`the READMEs' Imports lines run in a circle: ${[...path, f].join(' -> ')}`);
      state.set(f, 'visiting');
      for (const d of rules.get(f)?.imports ?? []) visit(d, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of folders) visit(f, []);
  });

  it('every import in the library goes to its own folder, or to a folder its README allows, through an entry point', () => {
    const wrong: string[] = [];
    for (const imp of files.flatMap(importsOf).filter((i) => i.spec.startsWith('.'))) {
      const to = target(imp);
      const at = relative(KIT_DIR, imp.from);
      if (!to.startsWith(`${LIB}/`)) {
        wrong.push(`${at} imports ${imp.spec}, outside the library`);
        continue;
      }
      const [from, dest] = [folderOf(imp.from), folderOf(to)];
      if (from === 'index.ts' || from === dest) continue;
      const r = rules.get(from) as Rules;
      if (!r.imports.includes(dest)) wrong.push(`${at} imports ${dest}/, which scripts/lib/${from}/README.md does not allow`);
      const entry = rules.get(dest)?.entryPoints;
      if (entry && entry !== 'all' && !entry.includes(relative(join(LIB, dest), to))) wrong.push(`${at} imports ${relative(LIB, to)}, which is not an entry point of ${dest}/`);
    }
    expect(wrong).toEqual([]);
  });

  it('no two files of the library import each other in a circle', () => {
    const graph = new Map<string, string[]>();
    for (const f of files) graph.set(f, importsOf(f).filter((i) => i.spec.startsWith('.') && !i.typeOnly).map(target));
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'visiting') throw new Error(`import circle: ${[...path, f].map((p) => relative(LIB, p)).join(' -> ')}`);
      state.set(f, 'visiting');
      for (const d of graph.get(f) ?? []) visit(d, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
  });

  // The tracker and the agents' hook run on every step of every session: bundled alone, Node built-ins only.
  it.each(['track.ts', 'hook.ts'])('everything scripts/%s reaches at run time is the kit itself or a Node built-in', (entry) => {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const imp of importsOf(file).filter((i) => !i.typeOnly)) {
        if (imp.spec.startsWith('.')) visit(target(imp));
        else if (!imp.spec.startsWith('node:')) packages.add(`${imp.spec} (from ${relative(KIT_DIR, file)})`);
      }
    };
    visit(join(KIT_DIR, 'scripts', entry));
    expect(seen.size).toBeGreaterThan(5);
    expect([...packages]).toEqual([]);
  });

  it.each(['track.mjs', 'hook.cjs', 'hook-main.cjs'])('the built dist/%s imports Node built-ins only', (bundle) => {
    const text = readFileSync(join(KIT_DIR, 'dist', bundle), 'utf8');
    const specs = [...text.matchAll(/\b(?:from|import|require)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1] as string);
    expect(specs.length).toBeGreaterThan(0);
    expect(specs.filter((s) => !s.startsWith('node:'))).toEqual([]);
  });

  it('the library never reads process-wide state: cwd, argv, the environment, exit, signals', () => {
    // Allowed: cli/ (the command's edge), dev/ and bench/ (the demo and the bench run programs), the environment git's
    // children get (git/repo.ts), and the public API's defaults (SessionTracker, SessionMonitor).
    const allowed = new Set(['git/repo.ts', 'tracker/tracker.ts', 'monitor/monitor.ts']);
    const found: string[] = [];
    for (const f of files) {
      const rel = relative(LIB, f);
      if (['cli', 'dev', 'bench'].includes(folderOf(f)) || allowed.has(rel)) continue;
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/process\.(cwd|argv|env|exit|exitCode|on|once|stdout|stderr|stdin)\b/g)) found.push(`${rel}: process.${m[1]}`);
    }
    expect(found).toEqual([]);
  });
});
