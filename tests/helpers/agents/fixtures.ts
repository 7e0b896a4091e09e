// Saves the real hook payloads of a capture log as fixtures: one per event name (and tool),
// tests/agents/fixtures/<agent>/<Event>[-<tool>].real.json, machine paths replaced by placeholders.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIT, type Captured } from './run.ts';

export const FIXTURES = join(KIT, 'tests', 'agents', 'fixtures');

/** Replaces each `from` (longest first) with its placeholder, in every string of the value. */
export function scrub(value: unknown, paths: Record<string, string>): unknown {
  const pairs = Object.entries(paths)
    .filter(([from]) => from.length > 1)
    .sort((a, b) => b[0].length - a[0].length);
  const fix = (s: string) => pairs.reduce((acc, [from, to]) => acc.split(from).join(to), s);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      // A JSON string inside a string (Codex's notify argument): scrub it too, keeping it a string.
      return fix(v);
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [fix(k), walk(x)]));
    return v;
  };
  return walk(value);
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '_');

/** Writes the first payload of each event (and tool) name; returns the files written. */
export function saveFixtures(agent: string, captured: Captured[], paths: Record<string, string>): string[] {
  const dir = join(FIXTURES, agent);
  mkdirSync(dir, { recursive: true });
  const seen = new Set<string>();
  const files: string[] = [];
  for (const c of captured) {
    const p = c.payload ?? {};
    const tool = typeof p.tool_name === 'string' ? p.tool_name : typeof p.input?.tool === 'string' ? p.input.tool : '';
    const name = safe(c.event) + (tool ? `-${safe(tool)}` : '');
    if (seen.has(name)) continue;
    seen.add(name);
    const body = c.event === 'notify' ? { argv: c.argv, payload: c.payload } : c.payload;
    const file = join(dir, `${name}.real.json`);
    writeFileSync(file, JSON.stringify(scrub(body, paths), null, 2) + '\n');
    files.push(file);
  }
  return files;
}
