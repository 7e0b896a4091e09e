// The saved payloads of tests/agents/fixtures/: read as they are, or moved into a test's own copy.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export function fixtureText(agent: string, name: string): string {
  return readFileSync(join(FIXTURES, agent, `${name}.json`), 'utf8');
}

/** The fixture's payload with its `cwd` (the copy it was taken in) replaced everywhere by `copy`. */
export function fixtureIn(agent: string, name: string, copy?: string): Record<string, unknown> {
  const text = fixtureText(agent, name);
  const data = JSON.parse(text) as Record<string, unknown>;
  const cwd = (data.cwd ?? (data.properties as Record<string, unknown> | undefined)?.cwd) as string | undefined;
  if (!copy || !cwd) return data;
  return JSON.parse(text.split(JSON.stringify(cwd).slice(1, -1)).join(JSON.stringify(copy).slice(1, -1))) as Record<string, unknown>;
}
