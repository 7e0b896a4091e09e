// Installs node_modules when missing or older than the lock file. Concurrent make runs wait for one install.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OperationError } from './lib/core/errors.mjs';
import { withLock } from './lib/core/lock.mjs';

const kit = dirname(dirname(fileURLToPath(import.meta.url)));
const stamp = join(kit, 'node_modules', '.kit-installed');
const mtime = (/** @type {string} */ p) => (existsSync(p) ? statSync(p).mtimeMs : 0);
const fresh = () => mtime(stamp) >= Math.max(mtime(join(kit, 'package-lock.json')), mtime(join(kit, 'package.json')));

function install() {
  if (fresh()) return; // another make run installed meanwhile
  process.stderr.write("installing the kit's dependencies (npm ci)...\n");
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: kit, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) throw new OperationError('npm ci failed; see the messages above');
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

// The lock's owner is checked before it is ever broken: an install still running is waited for, however long it takes.
const TEN_MINUTES = 10 * 60_000;
try {
  if (!fresh()) await withLock(join(kit, '.install.lock'), install, { timeoutMs: TEN_MINUTES, staleMs: TEN_MINUTES });
} catch (err) {
  process.stderr.write(`install: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
