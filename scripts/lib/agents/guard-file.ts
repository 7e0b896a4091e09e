// guard.json: what the hook's guard reads to keep a session in its copy and its component (docs/agents.md).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../core/files.ts';
import type { GuardMode } from '../config/config.ts';

export const GUARD_FILE = 'guard.json';

export interface GuardFile {
  version: 1;
  session: string;
  workspace: string;
  /** The session's copy; null in branch mode, which has none. */
  copy: string | null;
  main: string;
  component: string;
  /** The component's paths, from the config. */
  paths: string[];
  shared: boolean;
  guard: GuardMode;
}

export function guardFilePath(stateDir: string): string {
  return join(stateDir, GUARD_FILE);
}

/** Writes <session state folder>/guard.json whole (temp file + rename); returns its path. */
export function writeGuardFile(stateDir: string, guard: GuardFile): string {
  const file = guardFilePath(stateDir);
  writeJsonAtomic(file, guard);
  return file;
}

export function removeGuardFile(stateDir: string): void {
  rmSync(guardFilePath(stateDir), { force: true });
}
