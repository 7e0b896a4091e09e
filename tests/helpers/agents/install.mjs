#!/usr/bin/env node
// Installs the pinned agent CLIs the tests run for real, into a git-ignored cache of the kit:
//   .cache/agents/<pkg>@<version>/   (npm install --prefix there; never the kit's package.json)
// Usage: node tests/helpers/agents/install.mjs [claude|codex|gemini|opencode ...]   (none: all four)
// Idempotent: a folder with its `.complete` marker is kept; a half install is removed and redone.
// One lock (.cache/agents/.install.lock) so parallel runs do not clash. Plain Node, no dependencies.
// Another version: PARALLEL_TEST_<AGENT>_VERSION=x.y.z (same variable as agentBinary() in binary.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PINNED, pinnedFolder, pinnedVersion } from '../../../scripts/lib/agents/pinned.mjs';

/** The pinned versions (Node 20): one table, scripts/lib/agents/pinned.mjs. */
export { PINNED };

const KIT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CACHE = process.env.PARALLEL_TEST_AGENT_CACHE || join(KIT, '.cache', 'agents');

export function versionOf(agent) {
  return pinnedVersion(agent, process.env);
}

export function folderOf(agent) {
  return pinnedFolder(agent, KIT, process.env);
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** A lock folder holding the owner's pid; a dead owner's lock is taken over. */
function lock() {
  mkdirSync(CACHE, { recursive: true });
  const dir = join(CACHE, '.install.lock');
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      return () => rmSync(dir, { recursive: true, force: true });
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let pid = 0;
      try {
        pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
      } catch {
        /* being written, or a crash between mkdir and write: judged by age below */
      }
      const old = (() => {
        try {
          return Date.now() - statSync(dir).mtimeMs > 30_000;
        } catch {
          return false;
        }
      })();
      if ((pid && !alive(pid)) || (!pid && old)) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`install.mjs: ${dir} held too long by pid ${pid}`);
      sleep(500);
    }
  }
}

/** Does the installed CLI run? `--version` exits 0. */
function works(agent, folder) {
  const bin = join(folder, 'node_modules', '.bin', PINNED[agent].bin);
  if (!existsSync(bin)) return false;
  const home = mkdtempSync(join(tmpdir(), 'agent-check-'));
  try {
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, HOME: home, TMPDIR: home } });
    return r.status === 0;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

export function install(agent) {
  const { pkg } = PINNED[agent];
  const version = versionOf(agent);
  const folder = folderOf(agent);
  const marker = join(folder, '.complete');
  if (existsSync(marker)) return folder;
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'agent-cache', private: true }) + '\n');
  const t0 = Date.now();
  process.stderr.write(`installing ${pkg}@${version} into ${folder} ...\n`);
  // Scripts stay on: claude-code's postinstall puts its native binary in place, codex and opencode pick
  // their platform package at run time. --engine-strict off: a newer claude declares node >= 22 but runs.
  const r = spawnSync(
    'npm',
    ['install', '--prefix', folder, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', '--engine-strict=false', `${pkg}@${version}`],
    { stdio: ['ignore', 'inherit', 'inherit'], cwd: folder },
  );
  if (r.status !== 0) {
    rmSync(folder, { recursive: true, force: true });
    throw new Error(`npm install ${pkg}@${version} failed (exit ${r.status})`);
  }
  if (!works(agent, folder)) {
    rmSync(folder, { recursive: true, force: true });
    throw new Error(`${pkg}@${version} installed but \`${PINNED[agent].bin} --version\` fails`);
  }
  writeFileSync(marker, JSON.stringify({ pkg, version, at: new Date().toISOString() }) + '\n');
  process.stderr.write(`installed ${pkg}@${version} in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  return folder;
}

function main(argv) {
  const agents = argv.length ? argv : Object.keys(PINNED);
  const unknown = agents.filter((a) => !(a in PINNED));
  if (unknown.length) {
    process.stderr.write(`install.mjs: unknown agent ${unknown.join(', ')}: one of ${Object.keys(PINNED).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const unlock = lock();
  let failed = 0;
  try {
    for (const a of agents) {
      try {
        install(a);
      } catch (e) {
        failed++;
        process.stderr.write(`${e.message}\n`);
      }
    }
  } finally {
    unlock();
  }
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
