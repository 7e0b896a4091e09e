// Starting the filler in the background after a session is made: a detached process of its own, never
// waited for; its output goes to <state folder>/pool/fill.log.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../config/context.ts';
import { KIT_DIR } from '../core/kit-dir.ts';
import { kitNodeEnv } from '../core/kit-node.ts';
import { poolDir, wantedSize } from './records.ts';

/** How make hands its command line to a recipe: the filler must read only its own arguments. */
const MAKE_VARIABLES = ['MAKEFLAGS', 'MFLAGS', 'GNUMAKEFLAGS', 'MAKELEVEL', 'MAKEOVERRIDES', 'MAKEFILES'];

/** Starts `make pool fill=1` for this repository in the background; false when the pool is off or it could not start. */
export function startFiller(ctx: Context): boolean {
  if (wantedSize(ctx.root, ctx.config.pool) <= 0) return false;
  try {
    spawnFiller(ctx);
    return true;
  } catch {
    return false; // the pool stays as it is; the next new-session or make pool fills it
  }
}

function spawnFiller(ctx: Context): void {
  const env = kitNodeEnv(ctx.env);
  for (const k of MAKE_VARIABLES) delete env[k];
  mkdirSync(poolDir(ctx.root), { recursive: true });
  const log = openSync(join(poolDir(ctx.root), 'fill.log'), 'a');
  try {
    const child = spawn(process.execPath, [join(KIT_DIR, 'dist', 'cmd', 'pool.mjs'), 'fill=1', `repo=${ctx.main}`], { cwd: ctx.main, env, detached: true, stdio: ['ignore', log, log] });
    child.on('error', () => undefined);
    child.unref();
  } finally {
    closeSync(log);
  }
}
