// The commit-time backstop: a pre-commit hook, once per repository (worktrees share the common dir's
// hooks), that in a session's copy refuses a commit touching a component another live session claims,
// for the reason the guard gives. The repository's own pre-commit keeps running first (renamed beside
// it, its exit code kept); taking the backstop out renames it back, leaving the hooks folder as it was.
// Outside a session's copy (no .parallel-session.env at its top) the hook only runs the chained one.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { readEnvFile } from '../core/env-file.ts';
import { OperationError, UsageError } from '../core/errors.mjs';
import { run } from '../core/exec.ts';
import { singleQuote } from '../core/shell.ts';
import { componentOf } from '../config/ownership.ts';
import type { Config } from '../config/config.ts';
import { gitEnv, gitRaw } from '../git/repo.ts';
import { SESSION_ENV_FILE } from '../store/paths.ts';
import { liveSessions, readSessions } from '../store/sessions.ts';
import type { SessionRecord } from '../store/schemas.ts';
import type { FileChange } from './managed-file.ts';

export const CHAINED = 'pre-commit.parallel-kit-chained';
const MARK_LINE = '# parallel-kit: the commit-time backstop (make agent-setup agent=git remove=1 takes it out)';

export function backstopScript(kitDir: string): string {
  const check = singleQuote(`${kitDir}/dist/cmd/precommit-check.mjs`);
  return [
    '#!/bin/sh',
    MARK_LINE,
    "# In a session's copy it refuses a commit that touches a component another live session claims.",
    `chained="$(dirname "$0")/${CHAINED}"`,
    'if [ -x "$chained" ]; then "$chained" "$@" || exit $?; fi',
    `[ -f ./${SESSION_ENV_FILE} ] || exit 0`,
    `[ -f ${check} ] || exit 0`,
    `exec node ${check}`,
    '',
  ].join('\n');
}

interface BackstopRecord {
  version: 1;
  hooks_dir: string;
  made_dir: boolean;
  chained: boolean;
}

export interface BackstopPlan {
  hooksDir: string;
  changes: FileChange[];
  /** Does it: nothing when the plan changes nothing. */
  apply(): void;
}

/** The hooks folder git runs: core.hooksPath (absolute only: a relative one is per worktree) or <common dir>/hooks. */
async function hooksDirOf(repo: string, commonDir: string): Promise<string> {
  const r = await gitRaw(repo, ['config', '--get', 'core.hooksPath']);
  const set = r.code === 0 ? r.stdout.trim() : '';
  if (!set) return join(commonDir, 'hooks');
  if (!isAbsolute(set)) throw new UsageError(`core.hooksPath is relative (${set}), so each copy has its own hooks: have your pre-commit run node <kit>/dist/cmd/precommit-check.mjs in a copy instead`);
  return set;
}

/** Whether the backstop is in `repo`'s hooks folder (make agent-setup agent=git apply=1 ran there). */
export async function backstopInstalled(repo: string, commonDir: string): Promise<boolean> {
  try {
    const hook = join(await hooksDirOf(repo, commonDir), 'pre-commit');
    return existsSync(hook) && readFileSync(hook, 'utf8').includes(MARK_LINE);
  } catch {
    return false;
  }
}

/**
 * A clone session's copy has hooks of its own (a worktree shares the main checkout's): the backstop goes in
 * there too when the main checkout has it, chaining whatever pre-commit the clone got (a template's). The
 * clone is the session's, and goes with it.
 */
export async function backstopInClone(main: string, clone: string, kitDir: string): Promise<boolean> {
  const common = await gitRaw(main, ['rev-parse', '--path-format=absolute', '--git-common-dir']);
  if (common.code !== 0 || !(await backstopInstalled(main, common.stdout.trim()))) return false;
  const plan = await planBackstop(clone, join(clone, '.git'), kitDir, false);
  plan.apply();
  return true;
}

/** What installing (or, with remove, taking out) the backstop changes in `repo`'s hooks folder. */
export async function planBackstop(repo: string, commonDir: string, kitDir: string, remove: boolean): Promise<BackstopPlan> {
  const hooksDir = await hooksDirOf(repo, commonDir);
  const hook = join(hooksDir, 'pre-commit');
  const chained = join(hooksDir, CHAINED);
  const recordFile = join(commonDir, 'parallel-kit', 'backstop.json');
  const script = backstopScript(kitDir);
  const current = existsSync(hook) ? readFileSync(hook, 'utf8') : null;
  const ours = current !== null && current.includes(MARK_LINE);
  const rec = existsSync(recordFile) ? (JSON.parse(readFileSync(recordFile, 'utf8')) as BackstopRecord) : null;
  const nothing: BackstopPlan = { hooksDir, changes: [{ file: hook, action: 'unchanged', before: current, after: current, record: null, note: remove ? 'no backstop here' : 'already installed' }], apply: () => {} };
  if (!remove) {
    if (ours) {
      if (current !== script) throw new OperationError(`${hook} is the kit's backstop, but edited since (or from another kit folder); make agent-setup agent=git remove=1 takes it out first`);
      return nothing;
    }
    if (current !== null && existsSync(chained)) throw new OperationError(`${chained} is there already; move it away, then run this again`);
    const madeDir = !existsSync(hooksDir);
    const changes: FileChange[] = [];
    if (current !== null) changes.push({ file: chained, action: 'create', before: null, after: current, record: null, note: `your pre-commit, renamed: the backstop runs it first` });
    changes.push({ file: hook, action: current === null ? 'create' : 'change', before: current, after: script, record: null });
    return {
      hooksDir,
      changes,
      apply() {
        mkdirSync(hooksDir, { recursive: true });
        if (current !== null) renameSync(hook, chained);
        writeFileSync(`${hook}.parallel-kit.tmp`, script);
        chmodSync(`${hook}.parallel-kit.tmp`, 0o755);
        renameSync(`${hook}.parallel-kit.tmp`, hook);
        mkdirSync(join(commonDir, 'parallel-kit'), { recursive: true });
        writeFileSync(recordFile, `${JSON.stringify({ version: 1, hooks_dir: hooksDir, made_dir: madeDir, chained: current !== null } satisfies BackstopRecord, null, 2)}\n`);
      },
    };
  }
  if (!ours) {
    if (rec) throw new OperationError(`${hook} is no longer the kit's backstop, but the kit's record (${recordFile}) is there; put things back by hand, then delete the record`);
    return nothing;
  }
  if (current !== script) throw new OperationError(`${hook} is the kit's backstop, edited since the kit wrote it; take it out by hand (your own pre-commit, if any, is ${chained})`);
  const hasChained = existsSync(chained);
  const chainedText = hasChained ? readFileSync(chained, 'utf8') : null;
  const changes: FileChange[] = [{ file: hook, action: hasChained ? 'change' : 'delete', before: current, after: chainedText, record: null, note: hasChained ? `your pre-commit back from ${CHAINED}` : undefined }];
  if (hasChained) changes.push({ file: chained, action: 'delete', before: chainedText, after: null, record: null, note: 'renamed back to pre-commit' });
  return {
    hooksDir,
    changes,
    apply() {
      if (hasChained) renameSync(chained, hook);
      else rmSync(hook);
      if (rec?.made_dir && existsSync(hooksDir) && readdirSync(hooksDir).length === 0) rmdirSync(hooksDir);
      rmSync(recordFile, { force: true });
      const dir = join(commonDir, 'parallel-kit');
      if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
    },
  };
}

/** For new-session: installs the backstop in the repository of `repo` (a no-op when it is there). */
export async function installBackstop(repo: string, commonDir: string, kitDir: string): Promise<string> {
  const plan = await planBackstop(repo, commonDir, kitDir, false);
  plan.apply();
  return plan.hooksDir;
}

/** Takes the backstop out again, leaving the hooks folder as it was. */
export async function removeBackstop(repo: string, commonDir: string, kitDir: string): Promise<void> {
  (await planBackstop(repo, commonDir, kitDir, true)).apply();
}

export interface ClaimViolation {
  path: string;
  component: string;
  owner: SessionRecord;
  reason: string;
}

/** The guard's words for a path in a component another live session claims. */
export function claimReason(path: string, component: string, owner: SessionRecord, own: string): string {
  return `${path} is in component ${component}, which session ${owner.name} claims (branch ${owner.branch}); this session's component is ${own}. Leave it to ${owner.name}, share it (make new-session ... component=${component} shared=1), or have it handed over (make end-session name=${owner.name})`;
}

/**
 * The staged paths of the commit being made in the session copy `top` that are in a component another
 * live session claims (both sharing it is fine). `env` is the hook's: git's GIT_INDEX_FILE says which index.
 */
export async function checkCommit(top: string, root: string, config: Pick<Config, 'components'>, env: NodeJS.ProcessEnv): Promise<ClaimViolation[]> {
  const session = readEnvFile(join(top, SESSION_ENV_FILE));
  const name = session.PARALLEL_SESSION;
  const workspace = session.PARALLEL_WORKSPACE;
  if (!name || !workspace) return [];
  const records = liveSessions(readSessions(root, workspace).records);
  const me = records.find((r) => r.name === name);
  const others = records.filter((r) => r.name !== name);
  const index = env.GIT_INDEX_FILE ? { GIT_INDEX_FILE: resolve(top, env.GIT_INDEX_FILE) } : {};
  const r = await run('git', ['diff', '--cached', '--name-only', '--no-renames', '-z'], { cwd: top, env: { ...gitEnv(), ...index } });
  if (r.code !== 0) throw new OperationError(`git diff --cached failed in ${top}: ${r.stderr.trim()}`);
  const own = me?.component ?? session.PARALLEL_COMPONENT ?? '';
  const out: ClaimViolation[] = [];
  for (const path of r.stdout.split('\0').filter(Boolean)) {
    const component = componentOf(config, path);
    if (!component || component === own) continue;
    const owner = others.find((o) => o.component === component && !(o.shared && me?.shared));
    if (owner) out.push({ path, component, owner, reason: claimReason(path, component, owner, own) });
  }
  return out;
}
