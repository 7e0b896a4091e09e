// Builds the prebuilt bundles (the tracker command and the package entry) with esbuild, written atomically.
import { renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const kit = dirname(dirname(fileURLToPath(import.meta.url)));
const bundles = [
  { entry: 'scripts/track.ts', out: 'dist/track.mjs', external: [] },
  { entry: 'scripts/lib/index.ts', out: 'dist/index.mjs', external: ['zod', 'zx', 'handlebars', 'gray-matter'] },
];
for (const b of bundles) {
  const out = join(kit, b.out);
  const tmp = `${out}.${process.pid}.tmp`;
  await build({
    entryPoints: [join(kit, b.entry)],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: b.external,
    logLevel: 'error',
  });
  renameSync(tmp, out);
}
