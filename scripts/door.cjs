'use strict';
// A door: the small file node starts, which runs a bundle through V8's code cache, because compiling the
// bundle again at every start cost a command about half its start-up, and the agents' hook a fifth of its
// own work. scripts/build.mjs writes one door per bundle from this file, with MAIN and BUILD filled in:
// dist/hook.cjs (the hook, CommonJS as it is) and dist/cmd/<command>.mjs (an ES module, so a prologue
// gives it `require` and `__dirname`), each running its bundle, a CommonJS file, as node runs a module.
// The door writes the cache itself, at exit, through a temporary file and a rename, so that nobody ever
// reads half of one: when it is missing or V8 turned it down (another node version, other flags), and
// again at the next few runs and now and then after, because V8 keeps only the functions a run compiled
// (a first run that only printed a usage error would leave the command's real work out) and a cache
// written after a run holds the old one's functions and that run's. Its first four bytes count those
// writes. A folder the door cannot write to only means that every start compiles, as without a cache.
// A cache belongs to one build: V8 checks a cache against the length of its source, not its text, so a
// rebuilt bundle of the same length must never meet the old cache. The bundle's first line carries the
// build id, and the build swaps the bundles in before their doors: a door that finds another build's
// bundle compiles it without a cache.
const { readFileSync, renameSync, unlinkSync, writeFileSync } = require('node:fs');
const { basename, dirname, join } = require('node:path');
const { Script } = require('node:vm');

const BUILD = 'unbuilt';
const MAIN = 'hook-main.cjs';
const main = join(__dirname, MAIN);
const source = readFileSync(main, 'utf8');
const ours = source.startsWith(`// kit build ${BUILD}\n`);
const cacheFile = join(dirname(main), `.${basename(main, '.cjs')}-${BUILD}.cache`);
/** Writes after the first that gather more of the command's functions; then one run in RARELY. */
const GROWING = 8;
const RARELY = 32;
let cachedData;
let writes = 0;
try {
  const file = ours ? readFileSync(cacheFile) : undefined;
  writes = file ? file.readUInt32LE(0) : 0;
  cachedData = file ? file.subarray(4) : undefined;
} catch {
  cachedData = undefined;
}
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: main, cachedData });
const fresh = cachedData === undefined || script.cachedDataRejected;
if (ours && (fresh || writes < GROWING || Math.random() * RARELY < 1)) {
  process.once('exit', () => {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      const count = Buffer.alloc(4);
      count.writeUInt32LE(fresh ? 1 : Math.min(writes + 1, 0xffffffff));
      writeFileSync(tmp, Buffer.concat([count, script.createCachedData()]), { flag: 'wx' });
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
script.runInThisContext()(mod.exports, require, mod, main, dirname(main));
