// Builds the prebuilt bundles with esbuild, so that no command pays for tsx at run time:
//   dist/<script>.mjs         a command the registry marks `alone` (the tracker): built by itself, Node built-ins only
//   dist/hook-main.cjs        the agents' hook, alone and Node built-ins only, as CommonJS: an ES module entry costs
//                             node a tenth more to start (its loader, and every getter of the built-ins it imports)
//   dist/hook.cjs             its door (scripts/door.cjs): runs hook-main.cjs through V8's code cache; dist/hook.mjs
//                             loads it, for hook configurations written by an older kit
//   dist/index.mjs            the package entry (dependencies left to node_modules)
//   dist/cmd/main/<s>.cjs     every other command's script, one CommonJS bundle each (node_modules packages
//                             bundled, but for the few the code requires on a cold path)
//   dist/cmd/<s>.mjs          its door: runs it through V8's code cache, which saves about half a command's start-up
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
const split = [...new Set(commands.filter((c) => !c.alone).map((c) => c.script))];

/**
 * Required from node_modules where it is used, never bundled: only a cache miss needs it (a config read
 * again). Handlebars' compiler and gray-matter are never bundled either: worklog/template-build.ts
 * requires them through createRequire, which esbuild does not follow.
 */
const COLD_PACKAGES = ['yaml'];
/** The lines of scripts/door.cjs that the build fills in. */
const DOOR_BUILD = "const BUILD = 'unbuilt';";
const DOOR_MAIN = "const MAIN = 'hook-main.cjs';";
/** What an ES module door is given first: the `require` and `__dirname` a CommonJS file has. */
const ESM_PROLOGUE = [
  "import { createRequire } from 'node:module';",
  "import { dirname as __kitDirname } from 'node:path';",
  "import { fileURLToPath } from 'node:url';",
  'const require = createRequire(import.meta.url);',
  'const __dirname = __kitDirname(fileURLToPath(import.meta.url));',
].join('\n');

/**
 * The door to the bundle at `main` (relative to the door's folder), of build `buildId`, from the text of
 * scripts/door.cjs: CommonJS, or an
 * ES module (for the commands: dist/cmd/<s>.mjs is the path make, bin/kit and installed hooks run).
 */
function door(/** @type {string} */ text, /** @type {string} */ main, /** @type {string} */ buildId, /** @type {boolean} */ esm) {
  const filled = text.replace(DOOR_BUILD, `const BUILD = '${buildId}';`).replace(DOOR_MAIN, `const MAIN = ${JSON.stringify(main)};`);
  return esm ? `${ESM_PROLOGUE}\n${filled.replace(/^'use strict';\n/, '')}` : filled;
}

/**
 * What every bundle a door runs begins with: its build id (the door's check), strict mode (the sources
 * are ES modules, which are strict), and import.meta.url, which a CommonJS bundle has not.
 */
const mainBanner = (/** @type {string} */ buildId) => `// kit build ${buildId}\n'use strict';\nvar __kitImportMetaUrl = require('node:url').pathToFileURL(__filename).href;`;

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
  // Bundles a door runs: CommonJS run as a vm script, where import() needs a flag, so esbuild makes their
  // dynamic imports requires (what they import lazily is still evaluated on first use only). The packages
  // of the cold paths only (a config or WORK_LOG template read again) stay in node_modules.
  /** @type {import('esbuild').BuildOptions} */
  const doored = { ...common, format: 'cjs', supported: { 'dynamic-import': false }, banner: { js: mainBanner(buildId) }, define: { ...common.define, 'import.meta.url': '__kitImportMetaUrl' }, external: COLD_PACKAGES };
  await build({ ...doored, entryPoints: [join(kit, 'scripts', 'hook.ts')], outfile: join(tmp, 'hook-main.cjs') });
  const doorText = readFileSync(join(kit, 'scripts', 'door.cjs'), 'utf8');
  for (const line of [DOOR_BUILD, DOOR_MAIN]) if (!doorText.includes(line)) throw new Error(`scripts/door.cjs has no line ${line}`);
  writeFileSync(join(tmp, 'hook.cjs'), door(doorText, 'hook-main.cjs', buildId, false));
  writeFileSync(join(tmp, 'hook.mjs'), HOOK_SHIM);
  await build({ ...common, entryPoints: [join(kit, 'scripts/lib/index.ts')], outfile: join(tmp, 'index.mjs'), packages: 'external' });
  await build({ ...doored, entryPoints: split.map((s) => ({ in: join(kit, 'scripts', `${s}.ts`), out: s })), outdir: join(tmp, 'cmd', 'main'), outExtension: { '.js': '.cjs' } });
  for (const s of split) writeFileSync(join(tmp, 'cmd', `${s}.mjs`), door(doorText, `main/${s}.cjs`, buildId, true));
  for (const f of ['hook-main.cjs', ...split.map((s) => `cmd/main/${s}.cjs`)]) {
    if (!readFileSync(join(tmp, f), 'utf8').startsWith(`// kit build ${buildId}\n`)) throw new Error(`${f} does not begin with its build id`);
  }
  // Swap in the new files one rename at a time, each bundle before its door: a door of the old build that
  // meets the new bundle sees another build id and compiles it without a cache; a command starting
  // meanwhile always finds whole files. Then the older builds' caches go, and the chunks of the ES module
  // bundles an older kit built.
  for (const s of alone) renameSync(join(tmp, `${s}.mjs`), join(dist, `${s}.mjs`));
  for (const f of ['hook-main.cjs', 'hook.cjs', 'hook.mjs']) renameSync(join(tmp, f), join(dist, f));
  renameSync(join(tmp, 'index.mjs'), join(dist, 'index.mjs'));
  mkdirSync(join(dist, 'cmd', 'main'), { recursive: true });
  for (const s of split) renameSync(join(tmp, 'cmd', 'main', `${s}.cjs`), join(dist, 'cmd', 'main', `${s}.cjs`));
  for (const s of split) renameSync(join(tmp, 'cmd', `${s}.mjs`), join(dist, 'cmd', `${s}.mjs`));
  const oldCache = (/** @type {string} */ f) => /^\..*-[0-9a-f]{16}\.cache$/.test(f) && !f.endsWith(`-${buildId}.cache`);
  for (const d of [dist, join(dist, 'cmd', 'main')]) for (const f of readdirSync(d)) if (oldCache(f)) rmSync(join(d, f), { force: true });
  rmSync(join(dist, 'cmd', 'chunks'), { recursive: true, force: true });
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
