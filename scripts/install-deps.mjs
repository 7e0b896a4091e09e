// Installs node_modules when missing or older than the lock file. Concurrent make runs wait for one install.
import { closeSync, existsSync, openSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const kit = dirname(dirname(fileURLToPath(import.meta.url)));
const stamp = join(kit, 'node_modules', '.kit-installed');
const lockFile = join(kit, '.install.lock');
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);
const fresh = () => mtime(stamp) >= Math.max(mtime(join(kit, 'package-lock.json')), mtime(join(kit, 'package.json')));
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const deadline = Date.now() + 10 * 60_000;
for (;;) {
  if (fresh()) process.exit(0);
  try {
    closeSync(openSync(lockFile, 'wx'));
    break;
  } catch {
    if (Date.now() - mtime(lockFile) > 10 * 60_000) unlinkSync(lockFile);
    if (Date.now() > deadline) {
      console.error(`install: another install holds ${lockFile}; remove it if no npm is running`);
      process.exit(1);
    }
    sleep(200);
  }
}
try {
  if (!fresh()) {
    process.stderr.write('installing the kit\'s dependencies (npm ci)...\n');
    const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: kit, stdio: ['ignore', 2, 2] });
    if (r.status !== 0) {
      console.error('install: npm ci failed; see the messages above');
      process.exit(1);
    }
    writeFileSync(stamp, `${new Date().toISOString()}\n`);
    const now = new Date();
    utimesSync(stamp, now, now);
  }
} finally {
  unlinkSync(lockFile);
}
