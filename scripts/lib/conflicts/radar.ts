// make conflicts: clashes between sessions, and with the base, found before anyone merges. Read-only:
// merges are computed in memory by git merge-tree, new objects go to a scratch folder, no worktree is touched.
import { existsSync } from 'node:fs';
import { changedFiles, mergeAnswers, type MergeQuestion, type Run, type Side } from './answers.ts';
import { CommitCache } from './commit-cache.ts';
import { candidatePairs, strays } from './overlap.ts';
import type { Context } from '../config/context.ts';
import { byText } from '../core/order.ts';
import { pool } from '../core/pool.ts';
import { gitRaw } from '../git/repo.ts';
import { mergeTreeMode, scratchObjects, type MergeTreeMode } from '../git/merge-tree.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { readSessionsQuick } from '../store/quick.ts';
import { branchRefs, resolveTargetsFrom, type SyncTarget } from '../git/base.ts';
import { baseConflictStep, pairConflictStep } from './next-step.ts';
import { cacheAgeS, CHANGED_MAX, RADAR_CACHE_VERSION, writeRadarCache, type RadarCache } from '../agents/radar-cache.ts';
import { isoWithOffset } from '../core/time.ts';
import { readRemoteClaims } from '../agents/remote-claims.ts';

/** The stable keys of `make conflicts json=1`, per session. */
export interface RadarSession {
  name: string;
  branch: string;
  base: string;
  component: string;
  mode: string;
  tip: string | null;
  /** Files the session's commits changed since it forked from the base. */
  changed: string[];
  /** Whether merging the session into the current base would conflict. */
  base_conflict: boolean;
  base_conflict_files: string[];
  /** Changed files outside the paths of the session's component. */
  outside_component: string[];
  /** Changed files inside another live session's component. */
  in_other_components: { session: string; component: string; files: string[] }[];
  error: string | null;
  /** What to do about a conflict with the base (the make sync, then the rebase to resolve it); null when there is none. */
  next: string | null;
}

/** A pair of sessions whose changes meet: files both changed, and whether merging them would really conflict. */
export interface RadarPair {
  a: string;
  b: string;
  files: string[];
  conflict: boolean;
  conflict_files: string[];
  error: string | null;
  /** Who resolves a real conflict between the two, and how; null when they merge cleanly. */
  next: string | null;
}

export interface Radar {
  /** How the merges were computed: one `git merge-tree --stdin` process, or one process per merge (git < 2.40, or asked for). */
  merge_tree: MergeTreeMode;
  /** merge-tree runs this radar made, and answers it took from the commit cache (<state folder>/.cache/commits.json). */
  merges: number;
  cached: number;
  bases: SyncTarget[];
  sessions: RadarSession[];
  pairs: RadarPair[];
}

/** A clone session's commits live in its clone until pushed; a worktree or branch session's in the main checkout. */
async function tipOf(r: SessionRecord, heads: ReadonlyMap<string, string>, cloneTip?: CloneTip): Promise<{ tip: string | null; clone: string | null; error: string | null }> {
  if (r.mode === 'clone' && r.path && existsSync(r.path)) {
    const known = cloneTip ? await cloneTip(r) : undefined;
    if (known) return { tip: known, clone: r.path, error: null };
    const res = await gitRaw(r.path, ['rev-parse', '--verify', '--quiet', `refs/heads/${r.branch}^{commit}`]);
    if (res.code === 0) return { tip: res.stdout.trim(), clone: r.path, error: null };
  }
  const tip = heads.get(`refs/heads/${r.branch}`);
  if (tip) return { tip, clone: null, error: null };
  const where = r.mode === 'clone' ? `in the clone ${r.path} (gone?) nor in the main checkout` : 'in the main checkout';
  return { tip: null, clone: null, error: `branch ${r.branch} exists neither ${where}` };
}

function blankSession(r: SessionRecord): RadarSession {
  return { name: r.name, branch: r.branch, base: r.base, component: r.component, mode: r.mode, tip: null, changed: [], base_conflict: false, base_conflict_files: [], outside_component: [], in_other_components: [], error: null, next: null };
}

/** The tip of a clone session's branch as its clone has it, when the caller read it already (list-sessions' status). */
export type CloneTip = (r: SessionRecord) => Promise<string | null | undefined>;

export interface RadarOptions {
  /** Force how the merges run (per-merge works on any git); by default the faster one the installed git offers. */
  mergeTree?: MergeTreeMode;
  /** Write the agents' hook's cache (<state folder>/.cache/radar-<workspace>.json); default true. */
  cache?: boolean;
  /** Use and fill the commit cache (<state folder>/.cache/commits.json); default true. */
  commitCache?: boolean;
  cloneTip?: CloneTip;
  /** Tips of branches that are not in refs/heads (a remote's web sessions: origin/claude/fix-x -> sha), found like local ones. */
  tips?: ReadonlyMap<string, string>;
  /** refs/heads/ and refs/remotes/origin/ (ref -> sha) as the command read them already (remote=1's one read); default read here. */
  refs?: ReadonlyMap<string, string>;
}

/** What the hook needs of a radar: per session its changed files and tips, per pair conflict or not. */
export function radarCacheOf(ctx: Context, radar: Radar): RadarCache {
  const shaOf = new Map(radar.bases.map((b) => [b.base, b.sha]));
  const sessions: RadarCache['sessions'] = {};
  for (const s of radar.sessions) {
    sessions[s.name] = { branch: s.branch, base: s.base, tip: s.tip, base_sha: shaOf.get(s.base) ?? null, changed: s.changed.slice(0, CHANGED_MAX) };
  }
  const tips = new Map(radar.sessions.map((s) => [s.name, s.tip]));
  const tip = (n: string) => tips.get(n) ?? null;
  const pairs = radar.pairs.filter((p) => !p.error).map((p) => ({ a: p.a, b: p.b, a_tip: tip(p.a), b_tip: tip(p.b), files: p.files.slice(0, CHANGED_MAX), conflict: p.conflict, conflict_files: p.conflict_files.slice(0, CHANGED_MAX) }));
  return { version: RADAR_CACHE_VERSION, workspace: ctx.config.workspace, main: ctx.main, computed_at: isoWithOffset(), computed_ms: Date.now(), sessions, pairs };
}

/** Memoizes an async thunk: the first call starts it, every call gets the same promise. */
function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => (p ??= fn());
}

/** The radar over the active sessions (all of the workspace unless `records` is given). */
export async function conflictRadar(ctx: Context, records?: readonly SessionRecord[], opts: RadarOptions = {}): Promise<Radar> {
  const { main, config } = ctx;
  const list = [...(records ?? (await readSessionsQuick(ctx.root, config.workspace)).records)].filter((r) => r.state === 'active').sort((a, b) => byText(a.name, b.name));
  const sessions = list.map(blankSession);
  const mode = once(() => mergeTreeMode(opts.mergeTree));
  // git's version (how merges run, and the radar says which) is asked beside the refs, not after.
  const [refs] = await Promise.all([opts.refs ?? branchRefs(main), mode()]);
  const targets = await resolveTargetsFrom(main, list.map((r) => r.base), refs);
  // Web sessions' branches (origin/claude/fix-x) are found like local ones.
  const heads = opts.tips?.size ? new Map([...refs, ...[...opts.tips].map(([b, t]) => [`refs/heads/${b}`, t] as const)]) : refs;
  const tips = await pool(list, (r) => tipOf(r, heads, opts.cloneTip));
  const cache = new CommitCache(opts.commitCache === false ? null : ctx.root);
  // The scratch object folder is made only when git has something to compute.
  const scope = once(() => scratchObjects(main, tips.flatMap((t) => (t.clone ? [t.clone] : []))));
  let made: Promise<{ release: () => void }> | null = null;
  const run: Run = { main, cache, mode, env: async () => (await (made = scope())).env };
  try {
    const sides: (Side | null)[] = list.map((r, i) => {
      const s = sessions[i] as RadarSession;
      const t = tips[i];
      const target = targets.get(r.base);
      s.tip = t?.tip ?? null;
      if (!t?.tip || !target || target instanceof Error) {
        s.error = t?.error ?? (target instanceof Error ? target.message : `unknown base ${r.base}`);
        return null;
      }
      return { tip: t.tip, base: target.sha };
    });
    const ch = await changedFiles(run, sides);
    const changed = ch.changed.map((c, i) => {
      if (c instanceof Error) (sessions[i] as RadarSession).error = c.message;
      else if (c) (sessions[i] as RadarSession).changed = c;
      return Array.isArray(c) ? c : null;
    });

    const candidates = candidatePairs(changed);
    const questions: MergeQuestion[] = candidates.map((p) => ({ a: sides[p.i]?.tip as string, b: sides[p.j]?.tip as string, prove: p }));
    const baseChecks: number[] = [];
    for (const [i, side] of sides.entries()) {
      if (!side || !changed[i]?.length) continue;
      baseChecks.push(i);
      questions.push({ a: side.base, b: side.tip, ancestor: async () => (await ch.contains(side.base)).has(side.tip) });
    }
    const answers = await mergeAnswers(run, ch, sides, questions);

    const pairs: RadarPair[] = candidates.map(({ i, j, files }, k) => {
      const o = answers.outcomes[k];
      const p: RadarPair = { a: list[i]?.name as string, b: list[j]?.name as string, files, conflict: Boolean(o && !o.clean && !o.error), conflict_files: o?.files ?? [], error: o?.error ?? null, next: null };
      if (p.conflict) p.next = pairConflictStep(p.a, p.b, list[i]?.base ?? 'the base', p.conflict_files);
      return p;
    });
    baseChecks.forEach((i, k) => {
      const o = answers.outcomes[candidates.length + k];
      const s = sessions[i] as RadarSession;
      s.base_conflict = Boolean(o && !o.clean && !o.error);
      s.base_conflict_files = o?.files ?? [];
      if (o?.error) s.error = o.error;
      const target = targets.get(list[i]?.base as string);
      if (s.base_conflict && target && !(target instanceof Error)) s.next = baseConflictStep(main, list[i] as SessionRecord, target.ref, s.base_conflict_files);
    });

    // Components other machines' sessions hold (the shared remote's claims, as last fetched) count as claimed.
    const claimants = [...list, ...readRemoteClaims(ctx.root, config.workspace).map((c) => ({ name: `${c.session} (on ${c.machine})`, component: c.component }))];
    for (const [i, r] of list.entries()) {
      const s = sessions[i] as RadarSession;
      const st = strays(config, r, s.changed, claimants);
      s.outside_component = st.outside;
      s.in_other_components = st.others;
    }
    const bases = [...targets.values()].filter((t): t is SyncTarget => !(t instanceof Error));
    const radar: Radar = { merge_tree: await mode(), merges: answers.merges, cached: answers.cached, bases, sessions, pairs };
    if (opts.cache !== false) writeRadarCache(ctx.root, radarCacheOf(ctx, radar));
    await cache.save();
    return radar;
  } finally {
    if (made) (await made.catch(() => null))?.release();
  }
}

/**
 * After a command that moved sessions (new-session, end-session, sync): rewrites the agents' radar cache
 * when there is one, so the hooks' conflict context never describes the sessions as they were. Cheap with
 * the commit cache (only what moved is computed); never throws, the command's own work is done.
 */
export async function refreshRadarCache(ctx: Context): Promise<void> {
  if (cacheAgeS(ctx.root, ctx.config.workspace) === null) return; // no agent hook has asked for one yet
  try {
    await conflictRadar(ctx);
  } catch {
    /* the radar is advice; the next hook event refreshes it in the background */
  }
}

/** For list-sessions: session name -> the sessions it would conflict with, plus 'base' when it conflicts with its base. */
export async function conflictMarks(ctx: Context, records: SessionRecord[], opts: RadarOptions = {}): Promise<Map<string, string[]>> {
  const radar = await conflictRadar(ctx, records, opts);
  const marks = new Map<string, string[]>(radar.sessions.map((s) => [s.name, s.base_conflict ? ['base'] : []]));
  for (const p of radar.pairs) {
    if (!p.conflict) continue;
    marks.get(p.a)?.push(p.b);
    marks.get(p.b)?.push(p.a);
  }
  for (const [name, xs] of marks) marks.set(name, [...xs].sort((x, y) => (x === 'base' ? -1 : y === 'base' ? 1 : x.localeCompare(y))));
  return marks;
}
