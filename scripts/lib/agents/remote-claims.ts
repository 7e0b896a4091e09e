// Components that sessions on other machines hold, as the last fetch of the shared remote saw them:
// <state folder>/.share/claims-<workspace>.json, written by the commands that fetch (scripts/lib/share/),
// read by the guard in the agent's hook in one small JSON read: the hook never touches the network.
// Built-ins only (part of dist/hook.cjs).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../core/files.ts';
import type { GuardRecord } from './guard.ts';

export const REMOTE_CLAIMS_VERSION = 1;
const MAX_BYTES = 1024 * 1024;

export interface RemoteClaim {
  component: string;
  /** The component's path prefixes, from this machine's config. */
  paths: string[];
  session: string;
  machine: string;
  machine_id: string;
  branch: string | null;
  claimed_at: string | null;
}

export interface RemoteClaimsFile {
  version: 1;
  workspace: string;
  remote: string;
  fetched_at: string;
  claims: RemoteClaim[];
}

export const remoteClaimsFile = (root: string, workspace: string) => join(root, '.share', `claims-${workspace}.json`);

export function writeRemoteClaims(root: string, file: RemoteClaimsFile): void {
  writeJsonAtomic(remoteClaimsFile(root, file.workspace), file);
}

/** The claims of other machines in `workspace`, or [] when there is no file or it is not one. */
export function readRemoteClaims(root: string, workspace: string): RemoteClaim[] {
  const file = remoteClaimsFile(root, workspace);
  try {
    if (statSync(file).size > MAX_BYTES) return [];
    const f = JSON.parse(readFileSync(file, 'utf8')) as Partial<RemoteClaimsFile>;
    if (f.version !== REMOTE_CLAIMS_VERSION || f.workspace !== workspace || !Array.isArray(f.claims)) return [];
    return f.claims.filter((c) => c && typeof c.component === 'string' && typeof c.session === 'string' && typeof c.machine === 'string' && Array.isArray(c.paths) && c.paths.every((p) => typeof p === 'string'));
  } catch {
    return [];
  }
}

/** The claims as the guard weighs other sessions: no copy here, their component's paths, never shared. */
export function remoteGuards(root: string, workspace: string, main: string): GuardRecord[] {
  return readRemoteClaims(root, workspace).map((c) => ({ version: 1, session: c.session, workspace, copy: null, main, component: c.component, paths: c.paths, shared: false, guard: 'deny', machine: c.machine }));
}
