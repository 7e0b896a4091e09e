// Component claims: which session owns which paths.
import type { Config } from './config.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { underPrefix as matches } from '../core/paths.ts';

/** The live session that owns `component` and blocks a new claim (none when shared=1 is given). */
export function claimConflict(live: readonly SessionRecord[], component: string, shared: boolean): SessionRecord | undefined {
  if (shared) return undefined;
  return live.find((r) => r.component === component);
}


/** The component whose paths hold `path` (the longest matching prefix wins), or null. */
export function componentOf(config: Pick<Config, 'components'>, path: string): string | null {
  let best: { name: string; len: number } | null = null;
  for (const [name, c] of Object.entries(config.components)) {
    for (const prefix of c.paths) {
      if (matches(path, prefix) && (!best || prefix.length > best.len)) best = { name, len: prefix.length };
    }
  }
  return best?.name ?? null;
}
