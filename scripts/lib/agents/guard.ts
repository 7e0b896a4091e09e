// May this session write these paths? Its copy and component (its guard.json) against every other live
// session's guard.json in the state folder. Prefix matching without globs, as the config's components. Built-ins only.
import { readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { writeJsonAtomic } from '../core/files.ts';
import { isInside, underPrefix } from '../core/paths.ts';
import { RESERVED_WORKSPACES } from '../store/constants.ts';

export const GUARD_FILE = 'guard.json';
export const GUARD_MODES = ['deny', 'warn', 'off'] as const;
export type GuardMode = (typeof GUARD_MODES)[number];

/** <state folder>/<workspace>/<session>/guard.json, written by new-session (docs/agents.md). */
export interface GuardRecord {
  version: 1;
  session: string;
  workspace: string;
  /** The session's copy (absolute); null for a branch-only session, which has none (its claim still counts). */
  copy: string | null;
  /** The main checkout (absolute). */
  main: string;
  component: string;
  /** The component's path prefixes, relative to the repository root. */
  paths: string[];
  shared: boolean;
  guard: GuardMode;
  /** Set for a session of another machine (a claim on the shared remote, remote-claims.ts): its name. */
  machine?: string;
}

/** Writes <session state folder>/guard.json whole (temp file + rename); returns its path. */
export function writeGuardFile(sessionDir: string, record: GuardRecord): string {
  const file = join(sessionDir, GUARD_FILE);
  writeJsonAtomic(file, record, false); // not fsynced, as the session record beside it (store/sessions.ts)
  return file;
}

export function removeGuardFile(sessionDir: string): void {
  rmSync(join(sessionDir, GUARD_FILE), { force: true });
}

/** The guard.json at `file`, or null when it is missing or not one. */
export function readGuardFile(file: string): GuardRecord | null {
  let g: Partial<GuardRecord>;
  try {
    g = JSON.parse(readFileSync(file, 'utf8')) as Partial<GuardRecord>;
  } catch {
    return null;
  }
  const ok =
    g && typeof g === 'object' && g.version === 1 && typeof g.session === 'string' && typeof g.workspace === 'string' && (typeof g.copy === 'string' || g.copy === null) &&
    typeof g.component === 'string' && Array.isArray(g.paths) && g.paths.every((p) => typeof p === 'string') && (GUARD_MODES as readonly unknown[]).includes(g.guard);
  return ok ? ({ ...g, main: typeof g.main === 'string' ? g.main : '', shared: g.shared === true } as GuardRecord) : null;
}

/** The guard files of every other session still in the state folder (an ended session is archived, so gone from here). */
export function otherGuards(root: string, own: Pick<GuardRecord, 'workspace' | 'session'>): GuardRecord[] {
  const out: GuardRecord[] = [];
  const dirs = (d: string) => {
    try {
      return readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      return [];
    }
  };
  for (const ws of dirs(root)) {
    if ((RESERVED_WORKSPACES as readonly string[]).includes(ws)) continue;
    for (const id of dirs(join(root, ws))) {
      if (ws === own.workspace && id === own.session) continue;
      const g = readGuardFile(join(root, ws, id, GUARD_FILE));
      if (g) out.push(g);
    }
  }
  return out;
}

export interface Verdict {
  /** allow: nothing to say; deny: refuse the edit; warn: allow it and tell the agent why it would be refused. */
  decision: 'allow' | 'deny' | 'warn';
  /** The files that would be refused (as given). */
  offending: string[];
  /** One sentence per offending file, then what to do. */
  reason: string;
}

/** The path with symlinks resolved as far as it exists (a new file's folder may exist, the file not yet). */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    const up = dirname(p);
    return up === p ? p : join(real(up), basename(p));
  }
}

const named = (g: GuardRecord) => `${g.session} (workspace ${g.workspace}${g.machine ? `, on machine ${g.machine}` : ''})`;

/** Why `file` may not be written, or null when it may. */
function refusal(own: GuardRecord, others: readonly GuardRecord[], file: string, copy: string): string | null {
  const abs = real(resolve(file));
  if (!isInside(copy, abs)) {
    const copyOf = others.find((g) => g.copy && isInside(real(g.copy), abs));
    const where = copyOf ? `, in the copy of session ${named(copyOf)}` : own.main && isInside(real(own.main), abs) ? ', in the main checkout' : '';
    return `${abs} is outside your copy ${copy}${where}: edit files only inside your copy`;
  }
  const rel = relative(copy, abs);
  // The longest matching prefix decides whose component the path is in, as componentOf does for the config.
  let best: { component: string; len: number } | null = null;
  for (const g of [own, ...others]) {
    for (const prefix of g.paths) if (underPrefix(rel, prefix) && (!best || prefix.length > best.len)) best = { component: g.component, len: prefix.length };
  }
  if (!best || best.component === own.component) return null;
  const claimers = others.filter((g) => g.component === best.component);
  if (!claimers.length) return null;
  const who = claimers.map(named).join(', ');
  return `${rel} is in component ${best.component}, which session ${who} works on; stay in your component ${own.component} (${own.paths.join(', ')}), or to work on ${best.component} too start a session with component=${best.component} shared=1 (the other session must share it as well), or ask ${claimers[0]?.session} to hand it over (end its session)`;
}

/** The decision for an edit of `files` by the session of `own`, against the other sessions in `root`. */
export function decide(root: string, own: GuardRecord, files: readonly string[], others: readonly GuardRecord[] = otherGuards(root, own)): Verdict {
  if (own.guard === 'off' || !files.length) return { decision: 'allow', offending: [], reason: '' };
  // A branch-only session has no copy of its own: its agent works in the main checkout.
  const copy = real(resolve(own.copy ?? own.main));
  const offending: string[] = [];
  const reasons: string[] = [];
  for (const f of files) {
    const why = refusal(own, others, f, copy);
    if (why) {
      offending.push(f);
      reasons.push(why);
    }
  }
  if (!offending.length) return { decision: 'allow', offending, reason: '' };
  const head = own.guard === 'warn' ? 'The parallel-sessions guard warns (it would refuse this edit): ' : 'The parallel-sessions guard refuses this edit: ';
  return { decision: own.guard === 'warn' ? 'warn' : 'deny', offending, reason: `${head}${reasons.join('; ')}.` };
}
