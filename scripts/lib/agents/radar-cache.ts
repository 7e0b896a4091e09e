// The conflict radar's last result, for the agents' hook: <state folder>/.cache/radar-<workspace>.json.
// Written whole (temp file + rename) by the commands that compute the radar (make conflicts, make
// list-sessions) and those that move sessions (new-session, sync, end-session, when the file exists), read by the hook in one small JSON read: the hook never runs git. When the file is
// older than REFRESH_S, the hook starts `node <kit>/dist/cmd/conflicts.mjs json=1 repo=<main>` detached
// (stdio ignored, never waited for), at most one at a time (the .refresh file, which every write removes).
// Built-ins only: part of dist/hook.cjs (docs/agents.md "The radar in the agent's loop").
import { closeSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/files.ts';

/** A dot folder: the state folder's listings (workspaces, ports, monitor) skip it. */
export const RADAR_CACHE_DIR = '.cache';
export const RADAR_CACHE_VERSION = 1;
/** Seconds after which the hook refreshes the cache in the background (PARALLEL_RADAR_REFRESH_S). */
export const REFRESH_S = 30;
/** A refresh marker older than this is from a refresh that died: the next event may start another. */
export const REFRESH_STALE_S = 120;
/** The files kept per session: the cache stays small, the hook's read cheap. */
export const CHANGED_MAX = 2000;
/** A cache larger than this is not read by the hook. */
export const CACHE_MAX_BYTES = 1024 * 1024;

export interface RadarCacheSession {
  branch: string;
  base: string;
  /** The commit the files were computed for (the branch's tip), and the base's. */
  tip: string | null;
  base_sha: string | null;
  /** Files the session's commits changed since it forked from the base (at most CHANGED_MAX). */
  changed: string[];
}

export interface RadarCachePair {
  a: string;
  b: string;
  /** The two tips the merge was computed for. */
  a_tip: string | null;
  b_tip: string | null;
  files: string[];
  conflict: boolean;
  conflict_files: string[];
}

export interface RadarCache {
  version: 1;
  workspace: string;
  main: string;
  /** When it was computed (ISO) and in ms since the epoch. */
  computed_at: string;
  computed_ms: number;
  sessions: Record<string, RadarCacheSession>;
  /** The pairs of sessions that changed a file in common. */
  pairs: RadarCachePair[];
}

export function radarCacheFile(root: string, workspace: string): string {
  return join(root, RADAR_CACHE_DIR, `radar-${workspace}.json`);
}

export function refreshMarker(root: string, workspace: string): string {
  return join(root, RADAR_CACHE_DIR, `radar-${workspace}.refresh`);
}

/** Writes the cache whole and clears the refresh marker; never throws (the radar's own output matters more). */
export function writeRadarCache(root: string, cache: RadarCache): boolean {
  try {
    writeFileAtomic(radarCacheFile(root, cache.workspace), `${JSON.stringify(cache)}\n`, false); // no fsync: a cache; one line: half the bytes to write and read
    rmSync(refreshMarker(root, cache.workspace), { force: true });
    return true;
  } catch {
    return false;
  }
}

/** The cache of `workspace`, or null when there is none, it is too large or it is not one. */
export function readRadarCache(root: string, workspace: string): RadarCache | null {
  const file = radarCacheFile(root, workspace);
  try {
    if (statSync(file).size > CACHE_MAX_BYTES) return null;
    const c = JSON.parse(readFileSync(file, 'utf8')) as Partial<RadarCache>;
    if (!c || c.version !== RADAR_CACHE_VERSION || c.workspace !== workspace || typeof c.sessions !== 'object' || !c.sessions || !Array.isArray(c.pairs)) return null;
    return c as RadarCache;
  } catch {
    return null;
  }
}

/** Seconds since the cache was written, or null when there is none. */
export function cacheAgeS(root: string, workspace: string, now = Date.now()): number | null {
  try {
    return (now - statSync(radarCacheFile(root, workspace)).mtimeMs) / 1000;
  } catch {
    return null;
  }
}

const list = (xs: readonly string[], n = 3) => xs.slice(0, n).join(', ') + (xs.length > n ? `, +${xs.length - n} more` : '');

/**
 * What to tell the agent of session `own` about to edit `files` (relative to its copy), or null when no
 * other live session changed any of them. `live` says whether another session is still there.
 */
export function overlapNote(cache: RadarCache, own: string, files: readonly string[], live: (session: string) => boolean): string | null {
  const parts: string[] = [];
  for (const [name, s] of Object.entries(cache.sessions)) {
    if (name === own || !Array.isArray(s?.changed) || !live(name)) continue;
    const hit = files.filter((f) => s.changed.includes(f));
    if (!hit.length) continue;
    const pair = cache.pairs.find((p) => (p.a === own && p.b === name) || (p.a === name && p.b === own));
    let verdict: string;
    if (pair?.conflict) {
      const here = pair.conflict_files.filter((f) => hit.includes(f));
      verdict = here.length ? `git predicts a CONFLICT with ${name} in ${list(here)}` : `git predicts a CONFLICT with ${name} (in ${list(pair.conflict_files)})`;
    } else if (pair) verdict = `git predicts no conflict with ${name} so far (your committed changes and theirs merge cleanly)`;
    else verdict = `git predicts no conflict with ${name} so far (you have no committed change to ${hit.length > 1 ? 'them' : 'it'} yet; changing the same lines would conflict)`;
    parts.push(`${list(hit)} ${hit.length > 1 ? 'are' : 'is'} also changed by session ${name} (branch ${s.branch}, committed, not merged yet): ${verdict}`);
  }
  if (!parts.length) return null;
  return `Parallel sessions radar (as of ${cache.computed_at}): ${parts.join('; ')}. Keep your change small there, or coordinate with that session (make conflicts shows the details).`;
}

/**
 * Starts a background refresh when the cache is older than `everyS` (or missing) and no refresh is
 * under way: the .refresh marker is made with O_EXCL, so two hooks at once start one. Returns whether
 * it started one; never throws, never waits.
 */
export async function kickRefresh(o: { root: string; workspace: string; main: () => string | null; kitDir: string; env: Readonly<Record<string, string | undefined>>; everyS?: number; now?: number }): Promise<boolean> {
  const now = o.now ?? Date.now();
  const env = o.env.PARALLEL_RADAR_REFRESH_S;
  const everyS = o.everyS ?? (env !== undefined && /^\d+$/.test(env) ? Number(env) : REFRESH_S);
  const age = cacheAgeS(o.root, o.workspace, now);
  if (age !== null && age < everyS) return false;
  const marker = refreshMarker(o.root, o.workspace);
  try {
    const m = statSync(marker);
    if ((now - m.mtimeMs) / 1000 < REFRESH_STALE_S) return false;
    rmSync(marker, { force: true });
  } catch {
    /* no refresh under way */
  }
  // Asked only now: most calls end above, on a fresh cache, without reading anything more.
  const main = o.main();
  if (!main) return false;
  const script = join(o.kitDir, 'dist', 'cmd', 'conflicts.mjs');
  try {
    statSync(script);
    closeSync(openSync(marker, 'wx'));
  } catch {
    return false; // no bundle, no state folder, or another hook won the race
  }
  try {
    const { spawn } = await import('node:child_process');
    const childEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.env)) if (v !== undefined && !k.startsWith('PARALLEL_') && !k.startsWith('MAKE') && k !== 'MFLAGS') childEnv[k] = v;
    childEnv.PARALLEL_DIR = o.root;
    const child = spawn(process.execPath, [script, 'json=1', `repo=${main}`], { cwd: main, env: childEnv, detached: true, stdio: 'ignore' });
    child.on('error', () => rmSync(marker, { force: true }));
    child.unref();
    return true;
  } catch {
    rmSync(marker, { force: true });
    return false;
  }
}
