// The repository advise measures on: a clone of the user's repository in a temporary folder that borrows
// its objects (git clone --shared: nothing copied, nothing written in the user's repository), with its own
// state folder and port registry, so that every session, branch and copy it makes goes with that folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { loadContext, type Context } from '../config/context.ts';
import { starterConfig } from '../init/init.ts';
import { CONFIG_FILE, parseConfigText } from '../config/config.ts';
import { git } from '../git/repo.ts';
import { UsageError } from '../core/errors.mjs';

/** Commits made while measuring need a name even where the user has set none (written only in the temporary folder). */
export async function identify(repo: string): Promise<void> {
  await git(repo, ['config', 'user.name', 'parallel-kit advise']);
  await git(repo, ['config', 'user.email', 'advise@parallel-kit.invalid']);
}

export interface StandIn {
  /** The temporary folder: everything advise makes is inside it. */
  dir: string;
  ctx: Context;
  components: Record<string, { paths: string[]; description: string }>;
}

/** Where the temporary folder goes: beside the user's session copies (the same disk), else the system's. */
function tempFolder(ctx: Context): string {
  for (const parent of [dirname(ctx.config.worktreeRoot), tmpdir()]) {
    try {
      return mkdtempSync(join(parent, '.parallel-advise-'));
    } catch {
      /* not writable: try the next */
    }
  }
  return mkdtempSync(join(tmpdir(), '.parallel-advise-'));
}

export async function makeStandIn(user: Context): Promise<StandIn> {
  const dir = tempFolder(user);
  try {
    const main = join(dir, basename(user.main));
    const base = user.config.base;
    await git(dir, ['clone', '--quiet', '--shared', '--no-checkout', '--branch', base, '--', user.main, main]);
    await git(main, ['remote', 'remove', 'origin']);
    await identify(main);
    // Without a config of the user's, the components make init would guess.
    const components = user.config.file ? user.config.components : parseConfigText(await starterConfig(user.main), CONFIG_FILE).components;
    if (!Object.keys(components).length) throw new UsageError(`${user.config.file ?? CONFIG_FILE} has no components; advise makes its sessions on them`);
    const config = { base, workspace: 'advise', worktree_root: join(dir, 'sessions'), mode: 'worktree', ports: { range: `${user.config.ports.low}-${user.config.ports.high}` }, components, sparse: user.config.sparse, copy: [], setup: '', agent: null };
    writeFileSync(join(main, CONFIG_FILE), stringify(config));
    const env = { ...user.env, PARALLEL_DIR: join(dir, 'state'), PARALLEL_PORT_REGISTRY: join(dir, 'port-registry') };
    const ctx = await loadContext(main, { cwd: dir, env, interrupted: user.interrupted });
    return { dir, ctx, components };
  } catch (err) {
    removeStandIn(dir);
    throw err;
  }
}

export function removeStandIn(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
