// Which machine this is, for what it publishes: a name people read (git config parallel.machine, else the
// host name) and a stable id (git config parallel.machineId, made once), both in the main checkout's own
// git config, so that two clones on one host are two machines, as their state folders are.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { gitRaw } from '../git/repo.ts';

export interface Machine {
  /** What people read: parallel.machine, else the host name. */
  name: string;
  /** 8 hex digits, made on first use. */
  id: string;
  /** The segment of refs/parallel/sessions/<machine>/...: the name made ref-safe, then the id. */
  key: string;
}

const ID_RE = /^[0-9a-f]{8}$/;

/** A name as a ref segment: letters, digits, '.', '_', '-' only, no leading dot, at most 40. */
export function refSafe(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '').replace(/\.+$/, '').replace(/\.{2,}/g, '.').slice(0, 40).replace(/\.lock$/, '');
  return s || 'machine';
}

/** parallel.machine and parallel.machineId of the checkout's own config, in one git process. */
async function machineConfig(main: string): Promise<{ name: string; id: string }> {
  const r = await gitRaw(main, ['config', '--local', '--get-regexp', '^parallel\\.machine(id)?$']);
  const found = { name: '', id: '' };
  for (const line of r.stdout.split('\n')) {
    const at = line.indexOf(' ');
    if (at < 0) continue;
    const key = line.slice(0, at).toLowerCase();
    if (key === 'parallel.machine') found.name = line.slice(at + 1).trim();
    else if (key === 'parallel.machineid') found.id = line.slice(at + 1).trim();
  }
  return found;
}

const known = new WeakMap<object, Machine>();

/**
 * This checkout's machine (read once per command: its Context); the id is written to its git config the
 * first time something is shared (a racing writer's id wins). A reader (`make: false`) that finds none gets
 * id '': it has published nothing.
 */
export async function thisMachine(ctx: { main: string }, make = true): Promise<Machine> {
  const memo = known.get(ctx);
  if (memo) return memo;
  const { main } = ctx;
  const found = await machineConfig(main);
  const name = found.name || hostname();
  let id = found.id;
  if (!ID_RE.test(id) && !make) return { name, id: '', key: '' };
  if (!ID_RE.test(id)) {
    const made = randomBytes(4).toString('hex');
    const w = await gitRaw(main, ['config', '--local', 'parallel.machineId', made]);
    id = w.code === 0 ? made : (await machineConfig(main)).id;
    if (!ID_RE.test(id)) id = made;
  }
  const machine = { name, id, key: `${refSafe(name)}-${id}` };
  known.set(ctx, machine);
  return machine;
}
