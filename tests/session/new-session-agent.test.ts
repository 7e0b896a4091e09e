// new-session agent=: the per-session hook set-up of each agent and the command that starts it, through the
// real make target. Configuration only: tests/agents/ runs the real CLIs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KIT_DIR, make, makeJson } from '../helpers/make.ts';
import { DEFAULT_CONFIG, gitIn, makeRepo, tempDir } from '../helpers/repo.ts';
import type { Created } from '../helpers/session.ts';
import { notifyLine } from '../../scripts/lib/agents/install-codex.ts';

type WithAgent = Created & { agent_kind: string | null; agent_argv: string[] | null; agent_files: string[]; guard_file: string; warnings: string[] };

const HOOK = join(KIT_DIR, 'dist', 'hook.cjs');
/** A CODEX_HOME with no config: the machine's own ~/.codex never decides a test. */
const noCodex = () => ({ CODEX_HOME: tempDir('kit-codex-'), OPENCODE_CONFIG_DIR: '' });

function create(repo: string, name: string, vars: Record<string, string | number> = {}, env: NodeJS.ProcessEnv = noCodex()): WithAgent {
  const r = makeJson<WithAgent>(repo, 'new-session', { name, component: 'ui', shared: 1, ...vars }, env);
  expect(r.code, r.stderr).toBe(0);
  return r.data;
}

const stateDir = (repo: string, name: string) => join(repo, '.parallel', 'sessions', name);

/** What git sees in the copy that no commit has: untracked and ignored alike. */
function extraFiles(copy: string): string[] {
  return gitIn(copy, 'status', '--porcelain', '--ignored', '--untracked-files=all').split('\n').filter(Boolean).sort();
}

/** Runs `words` (a command line's argv) through a shell the way a user would paste the printed command. */
function shellWords(command: string): string[] {
  const r = spawnSync('/bin/sh', ['-c', `for w in ${command}; do printf '%s\\0' "$w"; done`], { encoding: 'utf8' });
  return r.stdout.split('\0').slice(0, -1);
}

describe('new-session agent=', () => {
  it('claude: a settings file in the state folder with every hook, the record, JSON, env file and the printed command', () => {
    const repo = makeRepo();
    const s = create(repo, 'cl', { agent: 'claude' });
    const dir = stateDir(repo, 'cl');
    const settings = join(dir, 'claude-settings.json');
    expect(s.agent).toBe('claude');
    expect(s.agent_kind).toBe('claude');
    expect(s.agent_argv).toEqual(['claude', '--settings', settings]);
    expect(s.agent_command).toBe(`claude --settings ${settings}`);
    expect(s.agent_files).toEqual([settings]);
    const record = JSON.parse(readFileSync(join(dir, 'session.json'), 'utf8'));
    expect(record).toMatchObject({ agent: 'claude', agent_command: s.agent_command, state: 'active' });
    expect(s.env.PARALLEL_AGENT).toBe('claude');
    expect(s.env.PARALLEL_AGENT_COMMAND).toBe(s.agent_command);
    const envText = readFileSync(join(s.path!, '.parallel-session.env'), 'utf8');
    expect(envText).toContain(`export PARALLEL_AGENT='claude'`);
    expect(envText).toContain(`export PARALLEL_AGENT_COMMAND='claude --settings ${settings}'`);

    const hooks = JSON.parse(readFileSync(settings, 'utf8')).hooks as Record<string, { matcher?: string; hooks: { type: string; command: string; args: string[] }[] }[]>;
    // Only the events the kit needs, each in Claude's exec form (no shell between Claude and the hook).
    expect(Object.keys(hooks).sort()).toEqual(['Notification', 'PermissionRequest', 'PostToolUse', 'PreToolUse', 'SessionEnd', 'Stop', 'StopFailure', 'UserPromptSubmit'].sort());
    for (const [event, groups] of Object.entries(hooks)) {
      for (const h of groups.flatMap((g) => g.hooks)) {
        expect(h.type).toBe('command');
        const words = [h.command, ...h.args];
        // PostToolUse, on every tool call: a shell that ends at once while the state word says running.
        const unless = { PostToolUse: 'running', SessionEnd: 'over' }[event];
        if (unless) expect(words).toEqual([join(KIT_DIR, 'bin', 'hook-unless'), unless, dir, 'node', HOOK, 'claude', event, `dir=${dir}`]);
        // StopFailure in the background: a failing claude -p does not wait for it.
        else if (event === 'StopFailure') expect(words).toEqual([join(KIT_DIR, 'bin', 'hook-later'), 'node', HOOK, 'claude', event, `dir=${dir}`]);
        else expect(words).toEqual(['node', HOOK, 'claude', event, `dir=${dir}`]);
      }
    }
    // The guard on the tools that write files; the others never start the hook before they run.
    expect(hooks.PreToolUse![0]!.matcher).toBe('Edit|Write|MultiEdit|NotebookEdit');
    // nothing in the copy but the session's env file
    expect(extraFiles(s.path!)).toEqual(['!! .parallel-session.env']);
    expect(gitIn(repo, 'status', '--porcelain')).toBe('?? WORK_LOG.md'); // the kit's own, as for any session

    const printed = make(repo, 'new-session', { name: 'cl2', component: 'ui', shared: 1, agent: 'claude' }, noCodex());
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain(`Start the agent:       claude --settings ${join(stateDir(repo, 'cl2'), 'claude-settings.json')}   (in the copy)`);
  });

  it('every session gets guard.json, agent or not; no agent: no agent fields, no start line', () => {
    const repo = makeRepo({ config: `${DEFAULT_CONFIG}guard: warn\n` });
    const s = create(repo, 'plain');
    expect(s.agent).toBeNull();
    expect(s.agent_command).toBeNull();
    expect(s.env.PARALLEL_AGENT).toBeUndefined();
    expect(JSON.parse(readFileSync(join(stateDir(repo, 'plain'), 'guard.json'), 'utf8'))).toEqual({
      version: 1, session: 'plain', workspace: 'sessions', copy: s.path, main: repo, component: 'ui', paths: ['ui/'], shared: true, guard: 'warn',
    });
    create(repo, 'br', { mode: 'branch', component: 'docs', shared: 0 });
    expect(JSON.parse(readFileSync(join(stateDir(repo, 'br'), 'guard.json'), 'utf8'))).toMatchObject({ copy: null, component: 'docs', paths: ['docs/'], shared: false, guard: 'warn' });
    const printed = make(repo, 'new-session', { name: 'p2', component: 'ui', shared: 1 }, noCodex());
    expect(printed.stdout).not.toContain('Start the agent');
  });

  it('codex: the session variables and a per-run notify, or none when the user has a notify of their own', () => {
    const repo = makeRepo();
    const s = create(repo, 'cx', { agent: 'codex' });
    const dir = stateDir(repo, 'cx');
    const notify = JSON.stringify([join(KIT_DIR, 'bin', 'hook-unless'), 'over', dir, 'node', HOOK, 'codex', 'notify', `dir=${dir}`]);
    expect(s.agent_argv).toEqual(['env', `PARALLEL_DIR=${join(repo, '.parallel')}`, 'PARALLEL_WORKSPACE=sessions', 'PARALLEL_SESSION=cx', 'codex', '-c', `notify=${notify}`]);
    expect(shellWords(s.agent_command!)).toEqual(s.agent_argv);
    expect(s.agent_files).toEqual([]);
    expect(extraFiles(s.path!)).toEqual(['!! .parallel-session.env']);

    const codexHome = tempDir('kit-codex-');
    writeFileSync(join(codexHome, 'config.toml'), 'model = "x"\nnotify = ["my-notifier"]\n[projects."/x"]\ntrust_level = "trusted"\n');
    const t = create(repo, 'cx2', { agent: 'codex' }, { CODEX_HOME: codexHome });
    expect(t.agent_argv).toEqual(['env', `PARALLEL_DIR=${join(repo, '.parallel')}`, 'PARALLEL_WORKSPACE=sessions', 'PARALLEL_SESSION=cx2', 'codex']);
    expect(t.warnings.join('\n')).toMatch(/sets notify: the kit leaves it as it is/);
    // a notify inside a table is not the user's top-level one
    writeFileSync(join(codexHome, 'config.toml'), '[tui]\nnotify = true\n');
    expect(create(repo, 'cx3', { agent: 'codex' }, { CODEX_HOME: codexHome }).agent_argv).toContain('-c');
    // the notify make agent-setup agent=codex put between the kit's markers is the kit's: the per-run one (dir=) overrides it, no warning
    writeFileSync(join(codexHome, 'config.toml'), `model = "x"\n# >>> parallel-kit >>> notify for the kit's sessions only\n${notifyLine(KIT_DIR)}\n# <<< parallel-kit <<<\n`);
    const u = create(repo, 'cx4', { agent: 'codex' }, { CODEX_HOME: codexHome });
    expect(u.agent_argv).toEqual(['env', `PARALLEL_DIR=${join(repo, '.parallel')}`, 'PARALLEL_WORKSPACE=sessions', 'PARALLEL_SESSION=cx4', 'codex', '-c', `notify=${JSON.stringify([join(KIT_DIR, 'bin', 'hook-unless'), 'over', stateDir(repo, 'cx4'), 'node', HOOK, 'codex', 'notify', `dir=${stateDir(repo, 'cx4')}`])}`]);
    expect(u.warnings).toEqual([]);
  });

  it('gemini: hooks in the copy, kept out of git, the workspace trusted for that run only', () => {
    const repo = makeRepo();
    const s = create(repo, 'gm', { agent: 'gemini' });
    const dir = stateDir(repo, 'gm');
    const file = join(s.path!, '.gemini', 'settings.json');
    expect(s.agent_argv).toEqual(['env', 'GEMINI_CLI_TRUST_WORKSPACE=true', 'gemini']);
    expect(s.agent_files).toEqual([file]);
    const settings = JSON.parse(readFileSync(file, 'utf8'));
    expect(Object.keys(settings.hooks).sort()).toEqual(['AfterAgent', 'AfterTool', 'BeforeAgent', 'BeforeTool', 'Notification', 'SessionEnd', 'SessionStart']);
    for (const [event, groups] of Object.entries(settings.hooks as Record<string, { hooks: { command: string; timeout: number }[] }[]>)) {
      for (const h of groups.flatMap((g) => g.hooks)) {
        expect(shellWords(h.command)).toEqual(['node', HOOK, 'gemini', event, `dir=${dir}`]);
        expect(h.timeout).toBeGreaterThanOrEqual(1000); // milliseconds
      }
    }
    expect(gitIn(s.path!, 'status', '--porcelain')).toBe('');
    expect(extraFiles(s.path!)).toEqual(['!! .gemini/settings.json', '!! .parallel-session.env']);
    expect(gitIn(repo, 'status', '--porcelain')).toBe('?? WORK_LOG.md');
  });

  it('gemini: a project that tracks .gemini/settings.json keeps it untouched; the session falls back to the user-level hooks', () => {
    const mine = '{ "theme": "mine" }\n';
    const repo = makeRepo({ files: { '.gemini/settings.json': mine } });
    const s = create(repo, 'gt', { agent: 'gemini' });
    expect(readFileSync(join(s.path!, '.gemini', 'settings.json'), 'utf8')).toBe(mine);
    expect(s.agent_files).toEqual([]);
    expect(s.agent_argv).toEqual(['env', 'GEMINI_CLI_TRUST_WORKSPACE=true', `PARALLEL_DIR=${join(repo, '.parallel')}`, 'PARALLEL_WORKSPACE=sessions', 'PARALLEL_SESSION=gt', 'gemini']);
    expect(s.warnings.join('\n')).toMatch(/tracks \.gemini\/settings\.json.*make agent-setup/);
    expect(gitIn(s.path!, 'status', '--porcelain')).toBe('');
  });

  it('opencode: a config folder of its own outside the copy, prepared so that OpenCode installs nothing', () => {
    const repo = makeRepo();
    const s = create(repo, 'oc', { agent: 'opencode' });
    const dir = join(stateDir(repo, 'oc'), 'opencode');
    expect(s.agent_argv).toEqual(['env', `OPENCODE_CONFIG_DIR=${dir}`, 'opencode']);
    expect(readdirSync(dir).sort()).toEqual(['node_modules', 'package-lock.json', 'package.json', 'plugins']);
    expect(readdirSync(join(dir, 'node_modules'))).toEqual([]);
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
    expect(Object.keys(lock.packages[''].dependencies)).toEqual(['@opencode-ai/plugin']);
    const plugin = readFileSync(join(dir, 'plugins', 'parallel-kit.js'), 'utf8');
    expect(plugin).not.toMatch(/from ['"](?!node:)/); // Node built-ins only
    expect(plugin).toContain(JSON.stringify(`dir=${stateDir(repo, 'oc')}`));
    expect(extraFiles(s.path!)).toEqual(['!! .parallel-session.env']);
  });

  it("opencode's plugin passes each event to the hook on stdin and throws when the hook denies", async () => {
    const repo = makeRepo();
    const s = create(repo, 'op', { agent: 'opencode' });
    const dir = join(stateDir(repo, 'op'), 'opencode');
    // the same plugin, with a stand-in for dist/hook.cjs that records its input and denies writes to main/
    const work = tempDir('kit-plugin-');
    const fake = join(work, 'fake-hook.mjs');
    writeFileSync(fake, `import { appendFileSync, readFileSync } from 'node:fs';
const input = readFileSync(0, 'utf8');
appendFileSync(${JSON.stringify(join(work, 'calls.jsonl'))}, JSON.stringify({ argv: process.argv.slice(2), input: JSON.parse(input) }) + '\\n');
const p = JSON.parse(input);
if (p.args && String(p.args.filePath).startsWith('/main/')) process.stdout.write(JSON.stringify({ decision: 'deny', reason: 'outside your copy' }) + '\\n');
`);
    const text = readFileSync(join(dir, 'plugins', 'parallel-kit.js'), 'utf8').replace(JSON.stringify(HOOK), JSON.stringify(fake));
    const copy = join(work, 'plugin.mjs');
    writeFileSync(copy, text);
    const mod = await import(copy);
    const hooks = await mod.ParallelKit({ directory: s.path });
    await expect(hooks['tool.execute.before']({ tool: 'write', sessionID: 'x', callID: 'c1' }, { args: { filePath: '/main/a.txt' } })).rejects.toThrow('outside your copy');
    await expect(hooks['tool.execute.before']({ tool: 'write', sessionID: 'x', callID: 'c2' }, { args: { filePath: `${s.path}/ui/a.js` } })).resolves.toBeUndefined();
    await hooks.event({ event: { type: 'session.idle', properties: { sessionID: 'x' } } });
    await hooks.event({ event: { type: 'message.part.updated', properties: {} } }); // not forwarded
    const calls = () => (existsSync(join(work, 'calls.jsonl')) ? readFileSync(join(work, 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : []);
    for (let i = 0; i < 100 && calls().length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    const seen = calls();
    expect(seen.map((c) => c.argv)).toEqual([
      ['opencode', 'tool.execute.before', `dir=${stateDir(repo, 'op')}`],
      ['opencode', 'tool.execute.before', `dir=${stateDir(repo, 'op')}`],
      ['opencode', 'session.idle', `dir=${stateDir(repo, 'op')}`],
    ]);
    expect(seen[0].input).toMatchObject({ hook_event_name: 'tool.execute.before', cwd: s.path, tool: 'write', args: { filePath: '/main/a.txt' } });
    expect(seen[2].input).toMatchObject({ type: 'session.idle', cwd: s.path });
  });

  it('aider: the notifications command is the hook', () => {
    const repo = makeRepo();
    const s = create(repo, 'ai', { agent: 'aider' });
    const hook = `node ${HOOK} aider notify dir=${stateDir(repo, 'ai')}`;
    expect(s.agent_argv).toEqual(['aider', '--notifications', '--notifications-command', hook]);
    expect(shellWords(s.agent_command!)).toEqual(s.agent_argv);
    expect(extraFiles(s.path!)).toEqual(['!! .parallel-session.env']);
  });

  it("the config's agents: (a wrapper and its arguments) and agent: default; agent=none overrides it", () => {
    const config = `${DEFAULT_CONFIG}agent: work\nagents:\n  work: { kind: claude, command: /opt/my tools/claude-wrapper, args: [--model, "it's"] }\n`;
    const repo = makeRepo({ config });
    const s = create(repo, 'dflt');
    const settings = join(stateDir(repo, 'dflt'), 'claude-settings.json');
    expect(s.agent).toBe('work');
    expect(s.agent_kind).toBe('claude');
    expect(s.agent_argv).toEqual(['/opt/my tools/claude-wrapper', '--settings', settings, '--model', "it's"]);
    expect(s.agent_command).toBe(`'/opt/my tools/claude-wrapper' --settings ${settings} --model 'it'\\''s'`);
    expect(shellWords(s.agent_command!)).toEqual(s.agent_argv);
    expect(existsSync(settings)).toBe(true);
    expect(create(repo, 'other', { agent: 'aider' }).agent).toBe('aider');
    const none = create(repo, 'none', { agent: 'none' });
    expect(none.agent).toBeNull();
    expect(existsSync(join(stateDir(repo, 'none'), 'claude-settings.json'))).toBe(false);
  });

  it('an unknown agent is a one-line usage error and creates nothing', () => {
    const repo = makeRepo();
    const r = make(repo, 'new-session', { name: 'x', component: 'ui', agent: 'cursor' }, noCodex());
    expect(r.exit).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/agent="cursor": expected one of claude, codex, gemini, opencode, aider or none/);
    expect(existsSync(join(repo, '.parallel', 'sessions', 'x'))).toBe(false);
    expect(gitIn(repo, 'branch', '--list', 'feature/x')).toBe('');
    expect(existsSync(join(repo, '..', 'repo-sessions', 'x'))).toBe(false);
  });

  it.each([
    ['agent: cursor\n', /parallel\.config\.yaml: agent: 'cursor' is not an agent: expected one of claude, codex, gemini, opencode, aider or a name under agents:/],
    ['agents:\n  w: { kind: cursor }\n', /parallel\.config\.yaml: agents\.w\.kind: expected one of claude, codex, gemini, opencode, aider/],
    ['agents:\n  w: { kind: claude, comand: x }\n', /unknown key 'agents\.w\.comand'/],
    ['guard: maybe\n', /parallel\.config\.yaml: guard: expected one of deny, warn, off/],
  ])('a bad config %j is one line naming the key', (extra, re) => {
    const repo = makeRepo({ config: `${DEFAULT_CONFIG}${extra}` });
    const r = make(repo, 'new-session', { name: 'x', component: 'ui' }, noCodex());
    expect(r.exit).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(re);
  });

  it('a failure after the agent set-up undoes it: no state folder, no gemini settings left', () => {
    const repo = makeRepo({ config: `${DEFAULT_CONFIG}setup: exit 3\n` });
    const r = make(repo, 'new-session', { name: 'fail', component: 'ui', agent: 'gemini' }, noCodex());
    expect(r.exit).toBe(1);
    expect(existsSync(join(repo, '.parallel', 'sessions', 'fail'))).toBe(false);
    expect(existsSync(join(repo, '..', 'repo-sessions', 'fail'))).toBe(false);
    mkdirSync(join(repo, 'x'), { recursive: true }); // the main checkout is usable as before
  });
});
