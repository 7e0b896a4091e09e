// Where a command works: the target repository's main checkout, its config and its state folder, and
// what the library must know of the process that called it (it never reads process-wide state itself).
import { resolve } from 'node:path';
import type { Config } from './config.ts';
import { loadConfigCached } from './cached.ts';
import { locateRepo, type RepoLocation } from '../git/repo.ts';
import { stateRoot } from '../store/paths.ts';
import { describeName } from '../store/describe-name.ts';
import { RESERVED_WORKSPACES } from '../store/constants.ts';
import { UsageError } from '../core/errors.mjs';

function checkWorkspace(w: string): string {
  const bad = describeName(w) ?? ((RESERVED_WORKSPACES as readonly string[]).includes(w) ? 'is reserved for the state folder' : null);
  if (bad) throw new UsageError(`workspace=${JSON.stringify(w)} ${bad}`);
  return w;
}

export interface Caller {
  /** The folder the command was called from; repo= is relative to it. */
  cwd: string;
  /** The caller's environment: PARALLEL_DIR, the port registry, and the base of what child commands get. */
  env: NodeJS.ProcessEnv;
  /** True once the user pressed Ctrl-C (or a SIGTERM came): stop at the next safe point. */
  interrupted?: () => boolean;
  /** workspace= on the command line: that workspace's sessions (a plan's) instead of the config's. */
  workspace?: string;
}

export interface Context {
  loc: RepoLocation;
  main: string;
  config: Config;
  /** The state folder (.parallel/ of the main checkout, or PARALLEL_DIR). */
  root: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  interrupted: () => boolean;
}

/** Resolves repo= (default: the caller's folder) to its main checkout, config and state folder. */
export async function loadContext(repo: string | undefined, caller: Caller): Promise<Context> {
  const loc = await locateRepo(repo ? resolve(caller.cwd, repo) : caller.cwd);
  const root = stateRoot(loc.main, caller.env);
  const loaded = await loadConfigCached(loc.main, root);
  const config = caller.workspace === undefined ? loaded : { ...loaded, workspace: checkWorkspace(caller.workspace) };
  return { loc, main: loc.main, config, root, cwd: caller.cwd, env: caller.env, interrupted: caller.interrupted ?? (() => false) };
}
