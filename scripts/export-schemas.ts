// npx tsx scripts/export-schemas.ts [check=1]: writes docs/schemas/*.schema.json from the zod schemas.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { runCommand } from './lib/cli/run.ts';
import { OperationError } from './lib/core/errors.mjs';
import { writeFileAtomic } from './lib/core/files.ts';
import { renderSchemaDocs } from './lib/store/json-schema.ts';
import { KIT_DIR } from './lib/core/kit-dir.ts';

const kit = KIT_DIR;

const COMMAND = { name: 'export-schemas', example: 'check=1', options: [{ name: 'check', kind: 'flag', help: 'only check that docs/schemas is up to date' }] } as const;

void runCommand(COMMAND, async ({ check }) => {
  const stale = renderSchemaDocs(kit).filter((d) => !existsSync(d.path) || readFileSync(d.path, 'utf8') !== d.text);
  if (check) {
    if (stale.length) throw new OperationError(`out of date: ${stale.map((d) => relative(kit, d.path)).join(', ')}; run npx tsx scripts/export-schemas.ts`);
    return;
  }
  for (const d of stale) writeFileAtomic(d.path, d.text);
  process.stdout.write(stale.length ? `wrote ${stale.map((d) => relative(kit, d.path)).join(', ')}\n` : 'docs/schemas is up to date\n');
});
