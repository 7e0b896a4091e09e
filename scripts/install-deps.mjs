// Installs node_modules when missing or older than the lock file. Concurrent make runs wait for one install.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withFileLock } from './file-lock.mjs';

const kit = dirname(dirname(fileURLToPath(import.meta.url)));
const stamp = join(kit, 'node_modules', '.kit-installed');
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);
const fresh = () => mtime(stamp) >= Math.max(mtime(join(kit, 'package-lock.json')), mtime(join(kit, 'package.json')));

if (!fresh()) {
  await withFileLock(join(kit, '.install.lock'), 10 * 60_000, () => {
    if (fresh()) return; // another make run installed meanwhile
    process.stderr.write("installing the kit's dependencies (npm ci)...\n");
    const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: kit, stdio: ['ignore', 2, 2] });
    if (r.status !== 0) {
      console.error('install: npm ci failed; see the messages above');
      process.exit(1);
    }
    writeFileSync(stamp, `${new Date().toISOString()}\n`);
  });
}
