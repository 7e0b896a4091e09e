// Issue 18 item 5: list-sessions remote=1 against the plain git fetch of the same refs, with 20 machines and
// 200 published sessions on the remote (made directly with git) and web branches beside them. Before every
// timed command each published session moves to a new commit, as publishers do, so each fetch has work.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compare, median, timeCommand, type Comparison, type Timed } from './timing.ts';
import { BUNDLE, git, GIT_ID, type BenchRun } from './sample.ts';
import { commandBranches, fetchArgs } from '../remote/fetch.ts';

const MACHINES = 20;
const PER_MACHINE = 10;
const WEB_BRANCHES = 10;

/** One fast-import stream: a new small commit for every published session and claim. */
function publishRound(bare: string, round: number): void {
  const lines: string[] = [];
  const blob = (text: string) => lines.push('data ' + Buffer.byteLength(text), text);
  for (let m = 0; m < MACHINES; m++) {
    for (let s = 0; s < PER_MACHINE; s++) {
      const ref = `refs/parallel/sessions/m${m}/sessions/s${s}`;
      lines.push(`commit ${ref}`, `committer bench <b@x> ${1_700_000_000 + round} +0000`);
      blob(`publish ${round}`);
      lines.push('M 644 inline session.json');
      blob(JSON.stringify({ name: `s${s}`, machine: `m${m}`, state: 'running', progress: round % 100, round }));
      lines.push('');
    }
    if (round === 0) {
      lines.push(`commit refs/parallel/claims/sessions/c${m}`, `committer bench <b@x> 1700000000 +0000`);
      blob('claim');
      lines.push('M 644 inline claim.json');
      blob(JSON.stringify({ machine: `m${m}`, session: 's0' }));
      lines.push('');
    }
  }
  execFileSync('git', ['fast-import', '--quiet', '--force'], { cwd: bare, input: `${lines.join('\n')}\n`, env: { ...process.env, ...GIT_ID } });
}

export function benchRemoteFetch(b: BenchRun): Comparison[] {
  const dir = join(b.root, 'remote-fetch');
  const repo = join(dir, 'repo');
  const bare = join(dir, 'remote.git');
  mkdirSync(join(repo, 'server'), { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'parallel.config.yaml'), 'components:\n  server: { paths: [server/] }\n');
  writeFileSync(join(repo, '.gitignore'), '.parallel/\n');
  writeFileSync(join(repo, 'server', 'app.txt'), 'app\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'base');
  git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
  git(repo, 'remote', 'add', 'origin', bare);
  for (let i = 0; i < WEB_BRANCHES; i++) {
    git(repo, 'checkout', '-q', '-b', `claude/w${i}`, 'main');
    writeFileSync(join(repo, 'server', `web${i}.txt`), `web ${i}\n`);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', `web ${i}`);
  }
  git(repo, 'checkout', '-q', 'main');
  git(repo, 'push', '-q', 'origin', 'main', 'refs/heads/claude/*:refs/heads/claude/*');
  for (let i = 0; i < WEB_BRANCHES; i++) git(repo, 'branch', '-q', '-D', `claude/w${i}`);
  publishRound(bare, 0);
  const args = fetchArgs('origin', commandBranches({ remote: 'origin', remoteSessions: ['claude/*', 'codex/*'], base: 'main' }));
  let round = 0;
  const runs = Math.max(5, b.runs);
  const s: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < runs; i++) {
    base.push(timeCommand(1, () => ({ cmd: 'git', args, cwd: repo, env: b.env, before: () => publishRound(bare, ++round) })).median_ms);
    s.push(timeCommand(1, () => ({ cmd: process.execPath, args: [BUNDLE('list-sessions'), 'remote=1', 'json=1'], cwd: repo, env: b.env, before: () => publishRound(bare, ++round) })).median_ms);
  }
  const t = (xs: number[]): Timed => ({ median_ms: Math.round(median(xs) * 10) / 10, runs });
  return [compare('list-sessions-remote', `list-sessions remote=1 (${MACHINES} machines, ${MACHINES * PER_MACHINE} published sessions, ${WEB_BRANCHES} web branches)`, t(s), 'git fetch of the same refs', t(base), 2)];
}
