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

async function configValue(main: string, key: string): Promise<string> {
  const r = await gitRaw(main, ['config', '--local', '--get', key]);
  return r.code === 0 ? r.stdout.trim() : '';
}

/**
 * This checkout's machine; the id is written to its git config the first time something is shared (a
 * racing writer's id wins). A reader (`make: false`) that finds none gets id '': it has published nothing.
 */
export async function thisMachine(main: string, make = true): Promise<Machine> {
  const name = (await configValue(main, 'parallel.machine')) || hostname();
  let id = await configValue(main, 'parallel.machineId');
  if (!ID_RE.test(id) && !make) return { name, id: '', key: '' };
  if (!ID_RE.test(id)) {
    const made = randomBytes(4).toString('hex');
    const w = await gitRaw(main, ['config', '--local', 'parallel.machineId', made]);
    id = w.code === 0 ? made : await configValue(main, 'parallel.machineId');
    if (!ID_RE.test(id)) id = made;
  }
  return { name, id, key: `${refSafe(name)}-${id}` };
}
