// bin/hook-unless (and bin/hook-later), the shells in front of the hook on the events of every tool call (Claude's and Codex's
// PostToolUse), on the session's end after the turn's (SessionEnd) and on Codex's notify: it ends at once when the session's state word (written beside
// status.json) already says what the event would, and runs the real dist/hook.cjs otherwise. Run here
// exactly as the agent runs it: the words new-session wrote into the session's Claude settings and Codex
// launch command, the saved payloads on stdin.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codexGroups } from '../../scripts/lib/agents/install-codex.ts';
import { KIT, waitFor } from '../helpers/agents/run.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, tempDir } from '../helpers/repo.ts';
import { newSession, type Created } from '../helpers/session.ts';
import { ensureBuilt } from '../helpers/tracker.ts';
import { fixtureIn } from './hook-fixtures.ts';
import { cleanEnv } from './hook-run.ts';

beforeAll(() => ensureBuilt());

let claude: Created;
let codex: Created;
const dirOf = (s: Created) => join(s.env.PARALLEL_DIR as string, s.workspace, s.name);
const logLines = (s: Created) => (existsSync(join(dirOf(s), 'log.jsonl')) ? readFileSync(join(dirOf(s), 'log.jsonl'), 'utf8').split('\n').filter(Boolean).length : 0);
const state = (s: Created) => JSON.parse(readFileSync(join(dirOf(s), 'status.json'), 'utf8')).state as string;
const word = (s: Created) => readFileSync(join(dirOf(s), 'state'), 'utf8');

/** Runs these words with this payload on stdin (or as the last argument), as the agent would. */
function run(words: string[], payload: object, inArgv = false): void {
  const [cmd, ...args] = words;
  const r = spawnSync(cmd!, inArgv ? [...args, JSON.stringify(payload)] : args, { input: inArgv ? '' : JSON.stringify(payload), env: cleanEnv(), encoding: 'utf8', timeout: 20_000 });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toBe('');
}

/** The words of one of the session's Claude hooks, from the settings file new-session wrote. */
function claudeWords(event: string): string[] {
  const settings = JSON.parse(readFileSync(join(dirOf(claude), 'claude-settings.json'), 'utf8'));
  const h = settings.hooks[event][0].hooks[0];
  return [h.command, ...h.args];
}

beforeAll(() => {
  const repo = makeRepo();
  claude = newSession(repo, 'fast-claude', { component: 'server', agent: 'claude' });
  codex = newSession(repo, 'fast-codex', { component: 'ui', agent: 'codex' });
});

describe("Claude's PostToolUse through bin/hook-unless", () => {
  const post = () => fixtureIn('claude', 'PostToolUse-Write', claude.path as string);

  it('ends before node while the state word says running and is fresh; runs the hook otherwise', () => {
    expect(claudeWords('PostToolUse')[0]).toMatch(/\/bin\/hook-unless$/);
    run(claudeWords('UserPromptSubmit'), fixtureIn('claude', 'UserPromptSubmit', claude.path as string));
    expect(state(claude)).toBe('running');
    expect(word(claude)).toBe('running\n');
    // the word's mtime is set a minute ahead: fresh
    expect(statSync(join(dirOf(claude), 'state')).mtimeMs).toBeGreaterThan(Date.now() + 30_000);
    const before = logLines(claude);
    run(claudeWords('PostToolUse'), post());
    run(claudeWords('PostToolUse'), post());
    expect(logLines(claude)).toBe(before);

    // A word written over a minute ago stands for no heartbeat: the hook runs (and writes a fresh word).
    const past = Date.now() / 1000 - 5;
    utimesSync(join(dirOf(claude), 'state'), past, past);
    run(claudeWords('PostToolUse'), post());
    expect(logLines(claude)).toBe(before + 1);
    expect(statSync(join(dirOf(claude), 'state')).mtimeMs).toBeGreaterThan(Date.now() + 30_000);

    // No word at all: the hook runs.
    rmSync(join(dirOf(claude), 'state'));
    run(claudeWords('PostToolUse'), post());
    expect(logLines(claude)).toBe(before + 2);
    expect(word(claude)).toBe('running\n');
  });

  it('an event of the same state keeps a word fresh for over half its time; one nearer its end is written again', () => {
    const file = join(dirOf(claude), 'state');
    run(claudeWords('UserPromptSubmit'), fixtureIn('claude', 'UserPromptSubmit', claude.path as string));
    const first = statSync(file);
    run(claudeWords('UserPromptSubmit'), fixtureIn('claude', 'UserPromptSubmit', claude.path as string));
    expect([statSync(file).ino, statSync(file).mtimeMs]).toEqual([first.ino, first.mtimeMs]);
    expect(word(claude)).toBe('running\n');
    // Fresh for 20 more seconds only (of 60): the next event writes it again, a minute ahead.
    const soon = Date.now() / 1000 + 20;
    utimesSync(file, soon, soon);
    run(claudeWords('UserPromptSubmit'), fixtureIn('claude', 'UserPromptSubmit', claude.path as string));
    expect(statSync(file).mtimeMs).toBeGreaterThan(Date.now() + 40_000);
    // Another state: written again at once.
    run(claudeWords('Stop'), fixtureIn('claude', 'Stop', claude.path as string));
    expect([state(claude), word(claude)]).toEqual(['idle', 'idle\n']);
    run(claudeWords('UserPromptSubmit'), fixtureIn('claude', 'UserPromptSubmit', claude.path as string));
    expect(word(claude)).toBe('running\n');
  });

  it('after a permission question the word says waiting_input: the tool done runs the hook, which says running', () => {
    run(claudeWords('PermissionRequest'), fixtureIn('claude', 'PermissionRequest', claude.path as string));
    expect(state(claude)).toBe('waiting_input');
    expect(word(claude)).toBe('waiting_input\n');
    const before = logLines(claude);
    run(claudeWords('PostToolUse'), post());
    expect(logLines(claude)).toBe(before + 1);
    expect(state(claude)).toBe('running');
    expect(word(claude)).toBe('running\n');
  });
});

describe("Claude's SessionEnd through bin/hook-unless", () => {
  it('ends before node after the turn ended (idle); runs the hook while a turn is open', () => {
    const end = () => fixtureIn('claude', 'SessionEnd', claude.path as string);
    expect(claudeWords('SessionEnd').slice(1, 3)).toEqual(['over', dirOf(claude)]);
    run(claudeWords('Stop'), fixtureIn('claude', 'Stop', claude.path as string));
    expect(state(claude)).toBe('idle');
    const before = logLines(claude);
    run(claudeWords('SessionEnd'), end());
    expect(logLines(claude)).toBe(before);
    expect(state(claude)).toBe('idle');
    // A session that ends in the middle of a turn (no Stop): the hook records it.
    run(claudeWords('UserPromptSubmit'), fixtureIn('claude', 'UserPromptSubmit', claude.path as string));
    run(claudeWords('SessionEnd'), end());
    expect(state(claude)).toBe('ended');
  });
});

describe("Codex's notify through bin/hook-unless", () => {
  const notifyWords = () => {
    const argv = codex.agent_argv as string[];
    const c = argv[argv.indexOf('-c') + 1]!;
    expect(c.startsWith('notify=')).toBe(true);
    return JSON.parse(c.slice('notify='.length)) as string[];
  };
  const turnComplete = () => fixtureIn('codex', 'notify-agent-turn-complete', codex.path as string);

  it('runs the hook while the turn is open (it says idle), and ends before node once the turn is over', () => {
    expect(notifyWords().slice(1, 3)).toEqual(['over', dirOf(codex)]);
    // no word yet (no event so far): the hook runs and the turn-complete makes the session idle
    run(notifyWords(), turnComplete(), true);
    expect(state(codex)).toBe('idle');
    expect(word(codex)).toBe('idle\n');
    const before = logLines(codex);
    run(notifyWords(), turnComplete(), true);
    expect(logLines(codex)).toBe(before);
  });
});

describe('bin/hook-later: the hook in the background', () => {
  it('ends at once with the hook still running, which reads the JSON from stdin', async () => {
    const dir = tempDir('hook-later-');
    const out = join(dir, 'out');
    const r = spawnSync(join(KIT, 'bin', 'hook-later'), ['sh', '-c', `cat > '${out}.part'; sleep 2; mv '${out}.part' '${out}'`], { input: '{"hook_event_name":"UserPromptSubmit"}', encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    await waitFor('the hook to finish', () => existsSync(out), 15_000);
    expect(readFileSync(out, 'utf8')).toBe('{"hook_event_name":"UserPromptSubmit"}');
  });

  it("Codex's prompt hook, as agent-setup installs it: recorded in the background, the agent found from the shell's parent", async () => {
    const group = codexGroups(KIT).find((g) => g.event === 'UserPromptSubmit')!;
    const command = group.group.hooks[0]!.command as string;
    expect(command).toMatch(/exec '.*\/bin\/hook-later' node '.*\/dist\/hook\.cjs' codex # parallel-kit$/);
    // A stand-in agent named codex (the hook knows an agent by name) that runs the hook's line as Codex does.
    const dir = tempDir('hook-later-');
    const agent = join(dir, 'codex');
    writeFileSync(agent, '#!/bin/sh\nsh -c "$1" < "$2"\necho $$ > "$3"\nsleep 20\n', { mode: 0o755 });
    const payload = join(dir, 'payload.json');
    writeFileSync(payload, JSON.stringify(fixtureIn('codex', 'UserPromptSubmit', codex.path as string)));
    const env = cleanEnv({ PARALLEL_SESSION: codex.name, PARALLEL_WORKSPACE: codex.workspace, PARALLEL_DIR: codex.env.PARALLEL_DIR as string });
    const child = spawn(agent, [command, payload, join(dir, 'pid')], { env, stdio: 'ignore' });
    try {
      await waitFor('running', () => existsSync(join(dir, 'pid')) && state(codex) === 'running', 15_000);
      const status = JSON.parse(readFileSync(join(dirOf(codex), 'status.json'), 'utf8'));
      expect(status.pid).toBe(Number(readFileSync(join(dir, 'pid'), 'utf8')));
      expect(status.pid).toBe(child.pid);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
