// The kit's own folder (the one with the Makefile), found from wherever this code runs: sources or bundles.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findKitDir(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'Makefile')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  }
}

export const KIT_DIR = findKitDir(dirname(fileURLToPath(import.meta.url)));
