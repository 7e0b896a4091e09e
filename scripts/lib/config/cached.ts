// The config as the last command of the same kit build parsed it: kept in <state folder>/.cache/config.json
// keyed by a hash of the build, the main checkout and the file's bytes, so a command whose config did not
// change loads neither the YAML parser nor zod. Any change to the file, or a new build of the kit (make
// rebuilds it when a source changes), misses, and the config is parsed and checked as always. A missing,
// corrupt or foreign cache file is a miss; writing it is best effort.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitCacheDir } from '../store/paths.ts';
import { CONFIG_FILE, configOf } from './config-of.ts';
import type { Config, ConfigData } from './config.ts';

/** Set by the bundler (scripts/build.mjs) to a new id for each build; absent when run from the sources. */
declare const KIT_BUILD_ID: string | undefined;
export const KIT_BUILD: string | null = typeof KIT_BUILD_ID === 'string' ? KIT_BUILD_ID : null;
const VERSION = 1;

export function configCacheFile(root: string): string {
  return join(commitCacheDir(root), 'config.json');
}

function cached(root: string, key: string): ConfigData | null {
  try {
    const raw = JSON.parse(readFileSync(configCacheFile(root), 'utf8')) as { version?: unknown; key?: unknown; data?: unknown };
    const ok = raw?.version === VERSION && raw.key === key && typeof raw.data === 'object' && raw.data !== null && !Array.isArray(raw.data);
    return ok ? (raw.data as ConfigData) : null;
  } catch {
    return null;
  }
}

function remember(root: string, key: string, data: ConfigData): void {
  // Only beside the caches the radar keeps: a command never makes a state folder or a .cache of its own
  // for it (make advise, for one, leaves the state folder exactly as it found it).
  if (!existsSync(commitCacheDir(root))) return;
  const file = configCacheFile(root);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify({ version: VERSION, key, data }));
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/** loadConfig (config.ts), answered from the cache when this build parsed these same bytes before. */
export async function loadConfigCached(main: string, root: string, build: string | null = KIT_BUILD): Promise<Config> {
  if (build === null) return (await import('./config.ts')).loadConfig(main);
  const file = join(main, CONFIG_FILE);
  let text: string | null;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return (await import('./config.ts')).loadConfig(main);
    text = null;
  }
  const key = createHash('sha256').update(`${build}\0${main}\0${text === null ? '-' : `+${text}`}`).digest('hex');
  let data = cached(root, key);
  if (!data) {
    data = (await import('./config.ts')).parseConfigText(text ?? '', CONFIG_FILE);
    remember(root, key, data);
  }
  return configOf(main, text === null ? null : file, data);
}
