// `make init`: a starter config, the .gitignore entries, WORK_LOG.md, a CLAUDE.md section and, on request,
// the block that makes the kit's commands the project's own make targets; idempotent. Each file is one
// piece: a change of its text, applied to the working tree, and to HEAD's version for `commit=1`.
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { CONFIG_FILE, parseConfigText } from '../config/config.ts';
import { OperationError } from '../core/errors.mjs';
import { realOr, writeFileAtomic } from '../core/files.ts';
import { findBlock, isKitBlock, pointerFile, pointerText, withBlock, withCurrentBlock, withoutBlock } from '../front/block.ts';
import { formFor } from '../front/hints.ts';
import { projectMakefile } from '../front/targets.ts';
import { commitFiles, headFile, type FileContent } from '../git/commit-files.ts';
import { defaultBranch } from '../git/repo.ts';
import { WORKLOG_HEADER } from '../worklog/entries.ts';
import { upsertSection } from './claude.ts';
import { componentsOf, componentsYaml } from './components.ts';

export async function starterConfig(main: string): Promise<string> {
  const base = await defaultBranch(main);
  const comps = componentsYaml(await componentsOf(main));
  return `# Parallel sessions kit: see the kit's README for every key.
base: ${base}
workspace: sessions
worktree_root: ../{repo}-sessions   # {repo} = ${basename(main)}
mode: worktree                      # worktree | clone | branch | sparse
ports: { range: 8001-8099, env: [PORT] }
profiles: {}
components:
${comps}
copy: [.env]                        # untracked files copied into each new copy (also: .worktreeinclude)
setup: ""                           # run in each new copy, e.g. npm ci
test: ""                            # run by finish-session before pushing
`;
}

export interface InitChange {
  file: string;
  action: 'created' | 'updated' | 'removed' | 'deleted' | 'unchanged';
  /** Why a file was left as it was (a section or block someone edited). */
  note?: string;
}

export interface InitOptions {
  /** The kit's command names (the registry's), for the Makefile block. */
  commands: readonly string[];
  kitDir: string;
  env: NodeJS.ProcessEnv;
  /** Add the block to the project's Makefile. */
  makefile?: boolean;
  /** Take the block out again. */
  remove?: boolean;
  /** With remove: take out a block someone edited. */
  force?: boolean;
  /** Commit the files init made or changed, and nothing else. */
  commit?: boolean;
}

export interface InitResult {
  changes: InitChange[];
  /** init's files that differ from HEAD (what commit=1 commits, or committed). */
  uncommitted: string[];
  commit: string | null;
}

/** One file of init: what it should hold given what it holds (null: no file; undefined: leave it). */
interface Piece {
  file: string;
  next: (current: string | null) => string | null | undefined;
  note?: string;
  /** The piece takes the kit's block out. */
  removing?: boolean;
}

const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : null);

function ignoreLines(cur: string | null): string | null {
  const lines = (cur ?? '').split('\n').map((l) => l.trim());
  const missing = ['.parallel/', '.parallel-session.env'].filter((p) => !lines.includes(p) && !lines.includes(`/${p}`));
  if (!missing.length) return cur;
  const sep = cur && !cur.endsWith('\n') ? '\n' : '';
  return `${cur ?? ''}${sep}${missing.join('\n')}\n`;
}

async function makefilePiece(main: string, o: InitOptions): Promise<Piece | null> {
  const path = projectMakefile(main) ?? join(main, 'Makefile');
  const file = relative(main, path);
  const current = read(path);
  const found = current === null ? null : findBlock(current);
  if (o.remove) {
    // The block may be out of the file already (an earlier remove=1) but still in HEAD's version:
    // remove=1 commit=1 then commits its removal.
    const head = found ? null : await headFile(main, file);
    const block = found ?? (head === null ? null : findBlock(head));
    if (!block) return null;
    if (!isKitBlock(block, o.commands) && !o.force) {
      throw new OperationError(`the parallel-kit block in ${file} was edited by hand, so taking it out would lose those edits; nothing was changed. Take it out yourself, or run make init remove=1 force=1`);
    }
    const next = (cur: string | null) => {
      const f = cur === null ? null : findBlock(cur);
      return f && cur !== null ? withoutBlock(cur, f) : cur;
    };
    return { file, next, removing: true };
  }
  if (!o.makefile && !found) return null;
  // A kit's block (an older kit's too) is brought up to this kit's list of commands; one someone edited stays.
  const next = (cur: string | null) => {
    const f = cur === null ? null : findBlock(cur);
    if (!f || cur === null) return withBlock(cur, o.commands);
    return isKitBlock(f, o.commands) ? withCurrentBlock(cur, f, o.commands) : cur;
  };
  if (found && !isKitBlock(found, o.commands)) return { file, next: (cur) => cur, note: 'its parallel-kit block differs from what the kit writes (edited by hand?); left as it is' };
  return { file, next };
}

/**
 * The file a piece really writes: a symbolic link to a file of the repository (CLAUDE.md -> AGENTS.md,
 * one file of rules for every agent) is followed, so that the commit changes that file and the link
 * stays a link.
 */
function throughLink(main: string, piece: Piece): Piece {
  try {
    if (!lstatSync(join(main, piece.file)).isSymbolicLink()) return piece;
  } catch {
    return piece;
  }
  const target = relative(realOr(main), realOr(join(main, piece.file)));
  if (!target || target.startsWith('..') || target.startsWith('/')) return piece;
  return { ...piece, file: target, note: piece.note ?? `${piece.file} links to it` };
}

function apply(main: string, piece: Piece): InitChange {
  const path = join(main, piece.file);
  const current = read(path);
  const wanted = piece.next(current);
  const note = piece.note ? { note: piece.note } : {};
  if (wanted === undefined || wanted === current) return { file: piece.file, action: 'unchanged', ...note };
  if (wanted === null) {
    rmSync(path, { force: true });
    return { file: piece.file, action: 'deleted', ...note };
  }
  writeFileAtomic(path, wanted);
  return { file: piece.file, action: current === null ? 'created' : piece.removing ? 'removed' : 'updated', ...note };
}

/** What commit=1 commits: each piece applied to HEAD's version of a tracked file, the file itself otherwise. */
async function toCommit(main: string, pieces: readonly Piece[]): Promise<FileContent[]> {
  const out: FileContent[] = [];
  for (const p of pieces) {
    const head = await headFile(main, p.file);
    if (head !== null) {
      const wanted = p.next(head);
      if (wanted !== undefined && wanted !== head) out.push({ path: p.file, content: wanted });
    } else {
      const now = read(join(main, p.file));
      if (now !== null) out.push({ path: p.file, content: now });
    }
  }
  return out;
}

export async function initRepo(main: string, o: InitOptions): Promise<InitResult> {
  const starter = existsSync(join(main, CONFIG_FILE)) ? null : await starterConfig(main);
  if (starter) parseConfigText(starter, CONFIG_FILE); // never write a config the kit itself would reject
  const changes: InitChange[] = [];
  const pieces: Piece[] = [];
  const run = (given: Piece) => {
    const piece = throughLink(main, given);
    if (pieces.some((p) => p.file === piece.file)) return; // CLAUDE.md -> AGENTS.md: one file, written once
    pieces.push(piece);
    changes.push(apply(main, piece));
  };
  run({ file: CONFIG_FILE, next: (cur) => cur ?? starter });
  run({ file: '.gitignore', next: ignoreLines });
  run({ file: 'WORK_LOG.md', next: (cur) => cur ?? WORKLOG_HEADER });
  const mk = await makefilePiece(main, o);
  if (mk) run(mk);
  if (o.makefile && !o.remove) {
    const pointer = pointerFile(o.env);
    if (pointer) {
      const text = pointerText(o.kitDir);
      const was = read(pointer);
      if (was !== text) {
        mkdirSync(dirname(pointer), { recursive: true });
        writeFileAtomic(pointer, text);
        changes.push({ file: pointer, action: was === null ? 'created' : 'updated' });
      }
    }
  }
  // The rules as they work in a copy: the copy's environment file sets PARALLEL_KIT.
  const form = formFor(main, { ...o.env, PARALLEL_KIT: o.kitDir }, o.kitDir);
  const edited = upsertSection(read(join(main, 'CLAUDE.md')), form).edited;
  run({ file: 'CLAUDE.md', next: (cur) => upsertSection(cur, form).text, ...(edited ? { note: 'its Parallel sessions section was edited by hand; left as it is' } : {}) });
  // The same rules for the agents that read AGENTS.md (Codex, OpenCode) or GEMINI.md, where the project has one.
  for (const file of ['AGENTS.md', 'GEMINI.md']) {
    const text = read(join(main, file));
    if (text === null) continue;
    const note = upsertSection(text, form).edited ? { note: 'its Parallel sessions section was edited by hand; left as it is' } : {};
    run({ file, next: (cur) => (cur === null ? undefined : upsertSection(cur, form).text), ...note });
  }
  const pending = await toCommit(main, pieces);
  let commit: string | null = null;
  if (o.commit && pending.length) {
    const what = o.remove ? "take the parallel sessions kit's block out" : 'set up the parallel sessions kit';
    commit = await commitFiles(main, pending, `${what[0]?.toUpperCase()}${what.slice(1)}: ${pending.map((p) => p.path).join(', ')}`);
  }
  return { changes, uncommitted: commit ? [] : pending.map((p) => p.path), commit };
}
