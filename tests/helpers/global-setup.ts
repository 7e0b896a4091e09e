// Once per run: the folder where test repositories' templates are built (see template.ts), removed at the end.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    templates: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'kit-templates-')));
  project.provide('templates', dir);
  return () => {
    if (!process.env.KEEP_TMP) rmSync(dir, { recursive: true, force: true });
  };
}
