// make conflicts: clashes between sessions, and with the base, found before anyone merges. Read-only:
// merges are computed in memory by git merge-tree, new objects go to a scratch folder, no worktree is touched.
import { existsSync } from 'node:fs';
import { provablyClean, sessionHunks, type SessionHunks } from './hunks.ts';
import { candidatePairs, strays } from './overlap.ts';
import type { Context } from '../config/context.ts';
import { errorMessage } from '../core/errors.mjs';
import { pool } from '../core/pool.ts';
import { git, gitRaw } from '../git/repo.ts';
import { changedSince, mergeTreeMany, mergeTreeMode, scratchObjects, type MergeTreeMode } from '../git/merge-tree.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { readSessions } from '../store/sessions.ts';
import { resolveTargets, type SyncTarget } from '../git/base.ts';
import { baseConflictStep, pairConflictStep } from './next-step.ts';
import { CHANGED_MAX, RADAR_CACHE_VERSION, writeRadarCache, type RadarCache } from '../agents/radar-cache.ts';
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
  merges: number;
  bases: SyncTarget[];
  sessions: RadarSession[];
  pairs: RadarPair[];
}

/** Every local branch tip of the main checkout, in one process. */
async function branchTips(main: string): Promise<Map<string, string>> {
  const out = await git(main, ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/']);
  const tips = new Map<string, string>();
  for (const line of out.split('\n')) {
    const at = line.indexOf(' ');
    if (at > 0) tips.set(line.slice(at + 1).replace(/^refs\/heads\//, ''), line.slice(0, at));
  }
  return tips;
}

/** Tips (of main's branches) that already contain `sha`. */
async function tipsContaining(main: string, sha: string): Promise<Set<string>> {
  const out = await git(main, ['for-each-ref', `--contains=${sha}`, '--format=%(objectname)', 'refs/heads/']);
  return new Set(out.split('\n').filter(Boolean));
}

/** A clone session's commits live in its clone until pushed; a worktree or branch session's in the main checkout. */
async function tipOf(r: SessionRecord, mainTips: Map<string, string>): Promise<{ tip: string | null; clone: string | null; error: string | null }> {
  if (r.mode === 'clone' && r.path && existsSync(r.path)) {
    const res = await gitRaw(r.path, ['rev-parse', '--verify', '--quiet', `refs/heads/${r.branch}^{commit}`]);
    if (res.code === 0) return { tip: res.stdout.trim(), clone: r.path, error: null };
  }
  const tip = mainTips.get(r.branch);
  if (tip) return { tip, clone: null, error: null };
  const where = r.mode === 'clone' ? `in the clone ${r.path} (gone?) nor in the main checkout` : 'in the main checkout';
  return { tip: null, clone: null, error: `branch ${r.branch} exists neither ${where}` };
}

/** Hunks of every session that takes part in a candidate pair (a failure leaves that session to git). */
async function hunksOf(
  main: string,
  env: NodeJS.ProcessEnv,
  list: readonly SessionRecord[],
  tips: readonly { tip: string | null }[],
  targets: Map<string, SyncTarget | Error>,
  candidates: readonly { i: number; j: number }[],
): Promise<Map<number, SessionHunks>> {
  const involved = [...new Set(candidates.flatMap((c) => [c.i, c.j]))];
  const out = new Map<number, SessionHunks>();
  await pool(involved, async (i) => {
    const target = targets.get(list[i]?.base as string);
    const tip = tips[i]?.tip;
    if (!tip || !target || target instanceof Error) return;
    try {
      out.set(i, await sessionHunks(main, env, target.sha, tip));
    } catch {
      /* not provable: merge-tree decides */
    }
  });
  return out;
}

function blankSession(r: SessionRecord): RadarSession {
  return { name: r.name, branch: r.branch, base: r.base, component: r.component, mode: r.mode, tip: null, changed: [], base_conflict: false, base_conflict_files: [], outside_component: [], in_other_components: [], error: null, next: null };
}

export interface RadarOptions {
  /** Force how the merges run (per-merge works on any git); by default the faster one the installed git offers. */
  mergeTree?: MergeTreeMode;
  /** Write the agents' hook's cache (<state folder>/.cache/radar-<workspace>.json); default true. */
  cache?: boolean;
  /** Tips of branches that are not in refs/heads (a remote's web sessions: origin/claude/fix-x -> sha), found like local ones. */
  tips?: ReadonlyMap<string, string>;
}

/** What the hook needs of a radar: per session its changed files and tips, per pair conflict or not. */
export function radarCacheOf(ctx: Context, radar: Radar): RadarCache {
  const shaOf = new Map(radar.bases.map((b) => [b.base, b.sha]));
  const sessions: RadarCache['sessions'] = {};
  for (const s of radar.sessions) {
    sessions[s.name] = { branch: s.branch, base: s.base, tip: s.tip, base_sha: shaOf.get(s.base) ?? null, changed: s.changed.slice(0, CHANGED_MAX) };
  }
  const tip = (n: string) => radar.sessions.find((s) => s.name === n)?.tip ?? null;
  const pairs = radar.pairs.filter((p) => !p.error).map((p) => ({ a: p.a, b: p.b, a_tip: tip(p.a), b_tip: tip(p.b), files: p.files.slice(0, CHANGED_MAX), conflict: p.conflict, conflict_files: p.conflict_files.slice(0, CHANGED_MAX) }));
  return { version: RADAR_CACHE_VERSION, workspace: ctx.config.workspace, main: ctx.main, computed_at: isoWithOffset(), computed_ms: Date.now(), sessions, pairs };
}

/** The radar over the active sessions (all of the workspace unless `records` is given). */
export async function conflictRadar(ctx: Context, records?: readonly SessionRecord[], opts: RadarOptions = {}): Promise<Radar> {
  const { main, config } = ctx;
  const list = [...(records ?? readSessions(ctx.root, config.workspace).records)].filter((r) => r.state === 'active').sort((a, b) => a.name.localeCompare(b.name));
  const sessions = list.map(blankSession);
  const targets = await resolveTargets(main, list.map((r) => r.base));
  const mainTips = await branchTips(main);
  for (const [branch, tip] of opts.tips ?? []) mainTips.set(branch, tip);
  const tips = await pool(list, (r) => tipOf(r, mainTips));
  const mode = await mergeTreeMode(opts.mergeTree);
  const stdin = mode === 'stdin';
  const scope = await scratchObjects(main, tips.flatMap((t) => (t.clone ? [t.clone] : [])));
  try {
    const changed = await pool(list, async (r, i): Promise<string[] | null> => {
      const s = sessions[i] as RadarSession;
      const t = tips[i];
      const target = targets.get(r.base);
      s.tip = t?.tip ?? null;
      if (!t?.tip || !target || target instanceof Error) {
        s.error = t?.error ?? (target instanceof Error ? target.message : `unknown base ${r.base}`);
        return null;
      }
      try {
        s.changed = await changedSince(main, scope.env, target.sha, t.tip);
        return s.changed;
      } catch (err) {
        s.error = errorMessage(err);
        return null;
      }
    });

    const merges: [string, string][] = [];
    const candidates = candidatePairs(changed);
    // Without --stdin every merge is a process: first prove the pairs that cannot clash, and merge the rest.
    const hunks = stdin ? null : await hunksOf(main, scope.env, list, tips, targets, candidates);
    const pairMerge: (number | null)[] = [];
    const pairs = candidates.map(({ i, j, files, crossed }) => {
      const ha = hunks?.get(i);
      const hb = hunks?.get(j);
      // A file on one side where the other has a folder is git's to judge, never proven here.
      if (ha && hb && !crossed && provablyClean(ha, hb, files)) pairMerge.push(null);
      else pairMerge.push(merges.push([tips[i]?.tip as string, tips[j]?.tip as string]) - 1);
      return { a: list[i]?.name as string, b: list[j]?.name as string, files, conflict: false, conflict_files: [] as string[], error: null as string | null, next: null as string | null };
    });
    const pairMerges = merges.length;
    const baseChecks: number[] = [];
    const contained = new Map<string, Set<string>>();
    for (const [i, r] of list.entries()) {
      const target = targets.get(r.base);
      const tip = tips[i]?.tip;
      if (!tip || !changed[i]?.length || !target || target instanceof Error) continue;
      if (!contained.has(target.sha)) contained.set(target.sha, await tipsContaining(main, target.sha));
      if (contained.get(target.sha)?.has(tip)) continue;
      baseChecks.push(i);
      merges.push([target.sha, tip]);
    }

    const outcomes = await mergeTreeMany(main, scope.env, merges, mode);
    pairs.forEach((p, k) => {
      const at = pairMerge[k];
      if (at === null || at === undefined) return; // provably clean
      const o = outcomes[at];
      p.conflict = Boolean(o && !o.clean && !o.error);
      p.conflict_files = o?.files ?? [];
      p.error = o?.error ?? null;
      if (p.conflict) p.next = pairConflictStep(p.a, p.b, list.find((r) => r.name === p.a)?.base ?? 'the base', p.conflict_files);
    });
    baseChecks.forEach((i, k) => {
      const o = outcomes[pairMerges + k];
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
    const radar: Radar = { merge_tree: mode, merges: merges.length, bases, sessions, pairs };
    if (opts.cache !== false) writeRadarCache(ctx.root, radarCacheOf(ctx, radar));
    return radar;
  } finally {
    scope.dispose();
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
