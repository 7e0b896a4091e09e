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

const machineId = (m: number) => m.toString(16).padStart(8, '0');
/** Publishing starts now, one second per round: no machine looks stale. */
const START_S = Math.floor(Date.now() / 1000);

/**
 * One fast-import stream: a new commit for every published session (and, the first time, a claim per
 * machine), made the way the kit's publishers make them (share/refs.ts writeJsonCommit): the document as
 * the tree's one blob and again in the message's body.
 */
function publishRound(bare: string, round: number): void {
  const lines: string[] = [];
  const data = (text: string) => lines.push('data ' + Buffer.byteLength(text), text);
  const commit = (ref: string, when: number, subject: string, file: string, doc: object) => {
    const json = JSON.stringify(doc);
    lines.push(`commit ${ref}`, `committer parallel-kit <parallel-kit@localhost> ${when} +0000`);
    data(`${subject}\n\n${json}\n`);
    lines.push(`M 644 inline ${file}`);
    data(`${JSON.stringify(doc, null, 2)}\n`);
    lines.push('');
  };
  const when = START_S + round;
  const at = new Date(when * 1000).toISOString();
  for (let m = 0; m < MACHINES; m++) {
    const machine = { machine: `m${m}`, machine_id: machineId(m) };
    for (let s = 0; s < PER_MACHINE; s++) {
      const doc = { version: 1, name: `s${s}`, workspace: 'sessions', component: 'server', branch: `feature/m${m}-s${s}`, state: 'running', progress: round % 100, message: `step ${round}`, agent: 'claude', ...machine, created: at, last_heartbeat: at, published_at: at };
      commit(`refs/parallel/sessions/m${m}-${machineId(m)}/sessions/s${s}`, when, `session sessions/s${s}`, 'session.json', doc);
    }
    if (round === 0) commit(`refs/parallel/claims/sessions/c${m}`, when, `claim sessions/c${m} for s0`, 'claim.json', { version: 1, workspace: 'sessions', component: `c${m}`, session: 's0', branch: `feature/m${m}-s0`, ...machine, claimed_at: at });
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
