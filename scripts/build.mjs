// Builds the prebuilt bundles with esbuild, so that no command pays for tsx at run time:
//   dist/<script>.mjs  a command the registry marks `alone` (the tracker): built by itself, Node built-ins only
//   dist/hook-main.cjs the agents' hook, alone and Node built-ins only, as CommonJS: an ES module entry costs node
//                      a tenth more to start (its loader, and every getter of the built-ins it imports);
//   dist/hook.cjs      the hook's command, scripts/hook-door.cjs: it runs hook-main.cjs through V8's code cache;
//                      dist/hook.mjs loads it, for hook configurations written by an older kit
//   dist/index.mjs     the package entry (dependencies left to node_modules)
//   dist/cmd/*.mjs     every other command's script, dependencies bundled, shared code split into chunks
// The commands are those of the registry, scripts/lib/cli/commands.mjs.
// Concurrent make runs take turns on a lock; the one that gets it second finds the work done.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { build } from 'esbuild';
import { COMMANDS } from './lib/cli/commands.mjs';
import { withLock } from './lib/core/lock.mjs';

const kit = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(kit, 'dist');
const stamp = join(dist, '.built');
const lockFile = join(kit, '.build.lock');
/** @type {readonly import('./lib/cli/commands.mjs').CommandSpec[]} */
const commands = COMMANDS;
/** Not user commands, so not in the registry: built alone as well (a plan's headless runner). */
const EXTRA_ALONE = ['plan-runner'];
const alone = [...new Set([...commands.filter((c) => c.alone).map((c) => c.script), ...EXTRA_ALONE])];
/** Not a user command either: the agents' hook (docs/agents.md), CommonJS, and its ES module door. */
const HOOK_SHIM = "// The agents' hook for configurations written by an older kit: the hook itself is hook.cjs.\nimport './hook.cjs';\n";
/** The line of scripts/hook-door.cjs that the build gives its id. */
const HOOK_BUILD_LINE = "const BUILD = 'unbuilt';";
const split = [...new Set(commands.filter((c) => !c.alone).map((c) => c.script))];
const REQUIRE_SHIM = "import { createRequire as __kitRequire } from 'node:module'; const require = __kitRequire(import.meta.url);";

/**
 * Takes the require shim off every file of `dir` that does not use it: createRequire in each of the
 * fifty-odd chunks a command loads cost it about a fifth of its start-up (measured on new-session). A file
 * that says the word `require` anywhere else (esbuild's __require helper reads it; a string may) keeps it.
 */
function dropUnusedShim(/** @type {string} */ dir) {
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.mjs'))) {
    const path = join(dir, f);
    const text = readFileSync(path, 'utf8');
    if (text.startsWith(`${REQUIRE_SHIM}\n`) && !/\brequire\b/.test(text.slice(REQUIRE_SHIM.length))) writeFileSync(path, text.slice(REQUIRE_SHIM.length + 1));
  }
}

const mtime = (/** @type {string} */ p) => (existsSync(p) ? statSync(p).mtimeMs : 0);
const sources = () => [
  ...readdirSync(join(kit, 'scripts'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|mjs|cjs)$/.test(f)).map((f) => join(kit, 'scripts', f)),
  join(kit, 'package-lock.json'),
];
const fresh = () => mtime(stamp) >= Math.max(...sources().map(mtime));

async function buildAll() {
  mkdirSync(dist, { recursive: true });
  const tmp = join(dist, `.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  // KIT_BUILD_ID: a new id per build, so caches of what this build computed (config/cached.ts, the hook's code cache) are not taken for another's.
  const buildId = randomBytes(8).toString('hex');
  /** @type {import('esbuild').BuildOptions} */
  const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error', define: { KIT_BUILD_ID: JSON.stringify(buildId) } };
  for (const s of alone) await build({ ...common, entryPoints: [join(kit, 'scripts', `${s}.ts`)], outfile: join(tmp, `${s}.mjs`) });
  // The hook runs as a vm script (hook-door.cjs), where import() needs a flag: esbuild makes its dynamic imports requires.
  const hookBanner = `// kit build ${buildId}`;
  await build({ ...common, format: 'cjs', supported: { 'dynamic-import': false }, banner: { js: hookBanner }, entryPoints: [join(kit, 'scripts', 'hook.ts')], outfile: join(tmp, 'hook-main.cjs') });
  if (!readFileSync(join(tmp, 'hook-main.cjs'), 'utf8').startsWith(`${hookBanner}\n`)) throw new Error('the hook bundle does not begin with its build id');
  const door = readFileSync(join(kit, 'scripts', 'hook-door.cjs'), 'utf8');
  if (!door.includes(HOOK_BUILD_LINE)) throw new Error(`scripts/hook-door.cjs has no line ${HOOK_BUILD_LINE}`);
  writeFileSync(join(tmp, 'hook.cjs'), door.replace(HOOK_BUILD_LINE, `const BUILD = '${buildId}';`));
  writeFileSync(join(tmp, 'hook.mjs'), HOOK_SHIM);
  await build({ ...common, entryPoints: [join(kit, 'scripts/lib/index.ts')], outfile: join(tmp, 'index.mjs'), packages: 'external' });
  await build({
    ...common,
    entryPoints: split.map((s) => ({ in: join(kit, 'scripts', `${s}.ts`), out: s })),
    outdir: join(tmp, 'cmd'),
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    banner: { js: REQUIRE_SHIM },
  });
  for (const d of [join(tmp, 'cmd'), join(tmp, 'cmd', 'chunks')]) dropUnusedShim(d);
  // Swap in the new files one rename at a time: chunk names carry a content hash, so new chunks land
  // beside the old ones, then each entry file is replaced atomically; a command starting meanwhile
  // always finds a whole bundle. Chunks no entry refers to any more are removed last.
  for (const s of alone) renameSync(join(tmp, `${s}.mjs`), join(dist, `${s}.mjs`));
  // The bundle before its door: a door of the old build that meets the new bundle sees another build id
  // and compiles it without a cache. Then the old builds' caches go.
  for (const f of ['hook-main.cjs', 'hook.cjs', 'hook.mjs']) renameSync(join(tmp, f), join(dist, f));
  for (const f of readdirSync(dist)) if (/^\.hook-main-.*\.cache$/.test(f) && f !== `.hook-main-${buildId}.cache`) rmSync(join(dist, f), { force: true });
  renameSync(join(tmp, 'index.mjs'), join(dist, 'index.mjs'));
  const chunks = join(dist, 'cmd', 'chunks');
  mkdirSync(chunks, { recursive: true });
  const newChunks = readdirSync(join(tmp, 'cmd', 'chunks'));
  for (const f of newChunks) renameSync(join(tmp, 'cmd', 'chunks', f), join(chunks, f));
  for (const f of readdirSync(join(tmp, 'cmd')).filter((f) => f.endsWith('.mjs'))) renameSync(join(tmp, 'cmd', f), join(dist, 'cmd', f));
  for (const f of readdirSync(chunks)) if (!newChunks.includes(f)) rmSync(join(chunks, f), { force: true });
  rmSync(tmp, { recursive: true, force: true });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

const TWO_MINUTES = 120_000;
try {
  if (!fresh()) await withLock(lockFile, async () => fresh() || (await buildAll()), { timeoutMs: TWO_MINUTES, staleMs: TWO_MINUTES });
} catch (err) {
  // esbuild has already printed what failed to compile; a lock or file error gets its one line here.
  process.stderr.write(`build: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
  process.exit(1);
}
