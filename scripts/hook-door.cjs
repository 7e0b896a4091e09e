'use strict';
// dist/hook.cjs, the agents' hook command (docs/agents.md): it runs the hook itself (scripts/hook.ts,
// bundled as dist/hook-main.cjs) through V8's code cache, because compiling that bundle again at every
// start cost each hook about a fifth of its own work. The hook writes the cache itself, at exit, when it
// is missing or V8 turned it down (another node version, other flags): through a temporary file and a
// rename, so that a hook never reads half of one. A folder it cannot write to only means that every
// start compiles, as without a cache.
// A cache belongs to one build: V8 checks a cache against the length of its source, not its text, so a
// rebuilt bundle of the same length must never meet the old cache. scripts/build.mjs writes this file
// with its build id in BUILD and the same id on the bundle's first line, and swaps the bundle in first:
// a hook that finds another build's bundle compiles it without a cache.
const { readFileSync, renameSync, unlinkSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

const BUILD = 'unbuilt';
const main = join(__dirname, 'hook-main.cjs');
const source = readFileSync(main, 'utf8');
const ours = source.startsWith(`// kit build ${BUILD}\n`);
const cacheFile = join(__dirname, `.hook-main-${BUILD}.cache`);
let cachedData;
try {
  cachedData = ours ? readFileSync(cacheFile) : undefined;
} catch {
  cachedData = undefined;
}
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: main, cachedData });
if (ours && (cachedData === undefined || script.cachedDataRejected)) {
  process.once('exit', () => {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, script.createCachedData(), { flag: 'wx' });
      renameSync(tmp, cacheFile);
    } catch {
      try {
        unlinkSync(tmp);
      } catch {
        /* never made */
      }
    }
  });
}
const mod = { exports: {} };
script.runInThisContext()(mod.exports, require, mod, main, __dirname);
