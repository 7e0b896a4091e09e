// The prebuilt bundles (scripts/build.mjs): a chunk keeps the require shim only when it uses `require`,
// and new-session's bundle loads neither the YAML parser nor Handlebars' compiler at start (they are
// required from node_modules on a template cache miss only).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { KIT_DIR, make } from '../helpers/make.ts';

const CMD = join(KIT_DIR, 'dist', 'cmd');
const SHIM = "import { createRequire as __kitRequire } from 'node:module';";

/** The files a bundle loads before its first line runs: its static imports, followed. */
function staticGraph(entry: string): string[] {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift() as string;
    for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^;]*?["'](\.[^"']+)["'];?$/gms)) {
      const next = join(dirname(file), m[1] as string);
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return [...seen];
}

describe('the command bundles', () => {
  beforeAll(() => {
    expect(make(KIT_DIR, 'build').code).toBe(0);
  });

  it('keep the require shim only where `require` is used', () => {
    const files = [...readdirSync(CMD).filter((f) => f.endsWith('.mjs')).map((f) => join(CMD, f)), ...readdirSync(join(CMD, 'chunks')).map((f) => join(CMD, 'chunks', f))];
    let kept = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const uses = /\brequire\b/.test(text.startsWith(SHIM) ? text.slice(text.indexOf('\n')) : text);
      if (text.startsWith(SHIM)) kept++;
      expect(text.startsWith(SHIM), f).toBe(uses);
    }
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(files.length / 2);
  });

  it('new-session loads neither yaml nor the Handlebars compiler nor gray-matter at start', () => {
    const graph = staticGraph(join(CMD, 'new-session.mjs'));
    expect(graph.length).toBeGreaterThan(10);
    // esbuild names each module in a comment, by its path from where the build ran: the check must see them.
    expect(graph.some((f) => /^\/\/ (?:\S*\/)?scripts\/lib\/session\/create\.ts$/m.test(readFileSync(f, 'utf8')))).toBe(true);
    for (const f of graph) expect(readFileSync(f, 'utf8'), f).not.toMatch(/^\/\/ (?:\S*\/)?node_modules\/(yaml|gray-matter|handlebars\/dist\/cjs\/handlebars\/compiler)\//m);
  });
});
