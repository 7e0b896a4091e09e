// `make help`: the targets, each written the way the user called the kit, so that a line can be copied:
//   make new-session ...                  in the kit's folder
//   make -f ../kit/Makefile new-session   with -f (the path as typed), make -C ~/kit ... with -C
//   make new-session / make kit-sync      through a project's Makefile (its own targets keep their names)
//   bin/kit new-session ...               through bin/kit
// Plain Node: make runs it before anything is built. argv: the first makefile as make read it, make's folder.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from './lib/cli/commands.mjs';

const kit = dirname(dirname(fileURLToPath(import.meta.url)));
const [given = 'Makefile', curdir = process.cwd()] = process.argv.slice(2);
// make splits a path with spaces into words: then the first word is no file, and the kit's own path is shown.
const makefile = existsSync(resolve(curdir, given)) ? given : join(kit, 'Makefile');
const env = process.env;
const real = (/** @type {string} */ p) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};
const quote = (/** @type {string} */ w) => (/^[A-Za-z0-9_/.:=@%+,~-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);
const names = new Set(['help', ...COMMANDS.map((c) => /** @type {string} */ (c.name))]);
const own = new Set((env.PARALLEL_KIT_OWN ?? '').split(/\s+/).filter(Boolean));
const home = env.HOME ? real(env.HOME) : '';
const tilde = (/** @type {string} */ p) => (home && p.startsWith(`${home}/`) ? `~/${quote(p.slice(home.length + 1))}` : quote(p));

/** How one target is typed, and whether the kit's own housekeeping targets are reachable that way. */
function front() {
  if (env.PARALLEL_KIT_VIA) return { typed: (/** @type {string} */ n) => `${quote(env.PARALLEL_KIT_VIA ?? '')} ${n}`, all: false };
  if (env.PARALLEL_KIT_FRONT) return { typed: (/** @type {string} */ n) => `make ${own.has(n) ? `kit-${n}` : n}`, all: false };
  if (real(curdir) !== real(kit)) return { typed: (/** @type {string} */ n) => `make -f ${quote(makefile)} ${n}`, all: true };
  if (env.PWD && real(env.PWD) !== real(kit)) return { typed: (/** @type {string} */ n) => `make -C ${tilde(kit)} ${n}`, all: true };
  return { typed: (/** @type {string} */ n) => `make ${n}`, all: true };
}

// `make help | head`: the reader went away; stop quietly.
process.stdout.on('error', (err) => process.exit(/** @type {NodeJS.ErrnoException} */ (err).code === 'EPIPE' ? 0 : 1));
const { typed, all } = front();
const rows = readFileSync(join(kit, 'dist', 'help.txt'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => /^ {2}make (\S+) +(.*)$/.exec(line))
  .filter((m) => m && (all || names.has(m[1] ?? '')))
  .map((m) => ({ name: typed(m?.[1] ?? ''), help: m?.[2] ?? '' }));
const width = Math.max(...rows.map((r) => r.name.length));
process.stdout.write(rows.map((r) => `  ${r.name.padEnd(width)}  ${r.help}`).join('\n') + '\n');
if (env.PARALLEL_KIT_FRONT) process.stdout.write(`Each command is also make kit-<command>; a target of the project's own Makefile keeps its name.\n`);
