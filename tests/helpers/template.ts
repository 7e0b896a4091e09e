// Test repositories are copied from templates: `git init` and a commit cost more than a copy, and most
// tests start from the same few repositories. The first test of the run that asks for a kind builds it
// (inside a worker, so with the test environment of setup.ts); every other one copies it.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

const copy = (from: string, to: string) => cpSync(from, to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });

/**
 * Fills the empty folder `dest` with a copy of the template that `build(dir)` makes in an empty folder;
 * `spec` names the template: the same spec, the same template. What `build` writes must not depend on
 * where `dir` is (a path inside the result would point into the template: fix such paths after the copy).
 */
export function fromTemplate(spec: unknown, build: (dir: string) => void, dest: string): void {
  const key = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
  const root = inject('templates');
  if (!root) throw new Error('no template folder: vitest.config.ts must run tests/helpers/global-setup.ts');
  const template = join(root, key);
  if (!existsSync(template)) {
    // Built aside and renamed into place, so a worker never copies another worker's half-built template.
    const building = `${template}.${process.pid}-${Math.random().toString(36).slice(2)}`;
    mkdirSync(building);
    build(building);
    try {
      renameSync(building, template);
    } catch {
      rmSync(building, { recursive: true, force: true }); // another worker was first: its template is the same
    }
  }
  for (const name of readdirSync(template)) copy(join(template, name), join(dest, name));
}
