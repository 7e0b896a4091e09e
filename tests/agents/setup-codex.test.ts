// make agent-setup agent=codex|gemini|claude through the real make: preview changes nothing, apply writes,
// remove puts every file back byte for byte; a user's notify and an edited kit part are respected.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codexHookHash } from '../../scripts/lib/agents/codex-trust.ts';
import { codexKitHooks } from '../../scripts/lib/agents/offline-env.ts';
import { KIT_DIR, make } from '../helpers/make.ts';
import { gitIn, makeRepo, tempDir } from '../helpers/repo.ts';

const sha = (f: string) => (existsSync(f) && statSync(f).isDirectory() ? 'dir' : existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : 'absent');
const tree = (d: string) => (existsSync(d) ? readdirSync(d, { recursive: true, encoding: 'utf8' }).sort().map((f) => `${f}:${sha(join(d, f))}`) : []);

const USER_CONFIG = 'model = "gpt-5.5"\n\n[analytics]\nenabled = false\n';
const USER_HOOKS = '{\n    "hooks": {\n        "Stop": [\n            {"hooks": [{"type": "command", "command": "echo mine"}]}\n        ]\n    }\n}\n';

function codexHome(files: Record<string, string> = {}): string {
  const home = join(tempDir('kit-codex-'), 'codex');
  mkdirSync(home);
  for (const [f, t] of Object.entries(files)) writeFileSync(join(home, f), t);
  return home;
}

describe('agent-setup agent=codex', () => {
  it('previews without writing, applies, and remove=1 puts existing files back byte for byte', () => {
    const home = codexHome({ 'config.toml': USER_CONFIG, 'hooks.json': USER_HOOKS });
    const before = tree(home);
    const env = { CODEX_HOME: home };
    const preview = make(home, 'agent-setup', { agent: 'codex' }, env);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain(`+++ ${join(home, 'hooks.json')}`);
    expect(preview.stdout).toContain('nothing written');
    expect(tree(home)).toEqual(before);

    expect(make(home, 'agent-setup', { agent: 'codex', apply: 1 }, env).code).toBe(0);
    const hooks = JSON.parse(readFileSync(join(home, 'hooks.json'), 'utf8'));
    expect(hooks.hooks.Stop[0].hooks[0].command).toBe('echo mine');
    expect(Object.keys(hooks.hooks).sort()).toEqual(['PermissionRequest', 'PostToolUse', 'PreToolUse', 'SessionEnd', 'Stop', 'UserPromptSubmit']);
    const kitStop = hooks.hooks.Stop[1].hooks[0];
    expect(kitStop.command).toMatch(/^\[ -n "\$PARALLEL_SESSION" \] \|\| exit 0; exec node '.*\/dist\/hook\.cjs' codex/);
    // the guard only on apply_patch, the tool that edits files; PostToolUse starts node only when the state would change
    expect(hooks.hooks.PreToolUse[0].matcher).toBe('apply_patch');
    expect(hooks.hooks.PostToolUse[0].hooks[0].command).toMatch(/exit 0; exec '.*\/bin\/hook-unless' running "\$PARALLEL_DIR\/\$PARALLEL_WORKSPACE\/\$PARALLEL_SESSION" node '.*\/dist\/hook\.cjs' codex # parallel-kit$/);
    const config = readFileSync(join(home, 'config.toml'), 'utf8');
    expect(config).toContain(USER_CONFIG);
    // the user's Stop hook is group 0, the kit's group 1; its trust entry has the hash Codex computes
    expect(config).toContain(`[hooks.state."${join(home, 'hooks.json')}:stop:1:0"]\ntrusted_hash = "${codexHookHash({ event: 'Stop', command: kitStop.command, timeout: 30 })}"`);
    expect(config).toMatch(/^# >>> parallel-kit >>>.*\nnotify = \["sh","-c",/);
    // the user's own text stays where it was, byte for byte
    expect(readFileSync(join(home, 'hooks.json'), 'utf8').startsWith('{\n    "hooks": {\n        "Stop": [\n            {"hooks": [{"type": "command", "command": "echo mine"}]},\n')).toBe(true);

    expect(make(home, 'agent-setup', { agent: 'codex', apply: 1 }, env).stdout).toContain('already set up');
    const out = make(home, 'agent-setup', { agent: 'codex', apply: 1, remove: 1 }, env);
    expect(out.code, out.stderr).toBe(0);
    expect(tree(home)).toEqual(before);
  });

  it('creates the files when there are none, and remove=1 deletes them again', () => {
    const home = codexHome();
    expect(make(home, 'agent-setup', { agent: 'codex', apply: 1 }, { CODEX_HOME: home }).code).toBe(0);
    expect(existsSync(join(home, 'hooks.json'))).toBe(true);
    expect(make(home, 'agent-setup', { agent: 'codex', apply: 1, remove: 1 }, { CODEX_HOME: home }).code).toBe(0);
    expect(readdirSync(home)).toEqual([]);
  });

  it("never touches the user's own notify", () => {
    const mine = 'notify = ["my-notifier", "--flag"]\nmodel = "gpt-5.5"\n';
    const home = codexHome({ 'config.toml': mine });
    expect(make(home, 'agent-setup', { agent: 'codex', apply: 1 }, { CODEX_HOME: home }).code).toBe(0);
    const config = readFileSync(join(home, 'config.toml'), 'utf8');
    expect(config.startsWith(mine)).toBe(true);
    expect(config.match(/^notify =/gm)).toHaveLength(1);
    expect(make(home, 'agent-setup', { agent: 'codex', apply: 1, remove: 1 }, { CODEX_HOME: home }).code).toBe(0);
    expect(readFileSync(join(home, 'config.toml'), 'utf8')).toBe(mine);
  });

  it("refuses to take out a kit part someone edited, and keeps the user's later edits elsewhere", () => {
    const home = codexHome({ 'config.toml': USER_CONFIG });
    const env = { CODEX_HOME: home };
    make(home, 'agent-setup', { agent: 'codex', apply: 1 }, env);
    const file = join(home, 'config.toml');
    const applied = readFileSync(file, 'utf8');
    writeFileSync(file, applied.replace(/trusted_hash = "sha256:[0-9a-f]{4}/, 'trusted_hash = "sha256:0000'));
    const r = make(home, 'agent-setup', { agent: 'codex', apply: 1, remove: 1 }, env);
    expect(r.exit).toBe(1);
    expect(r.stderr).toMatch(/the kit's part of .*config\.toml was edited/);
    // an edit of the user's own part: the kit's blocks come out, the edit stays
    writeFileSync(file, applied.replace('enabled = false', 'enabled = true'));
    const ok = make(home, 'agent-setup', { agent: 'codex', apply: 1, remove: 1 }, env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(USER_CONFIG.replace('enabled = false', 'enabled = true'));
  });

  it("replaces an older kit's part that nobody changed since; remove=1 still puts the files back byte for byte", () => {
    const home = codexHome({ 'config.toml': USER_CONFIG, 'hooks.json': USER_HOOKS });
    const before = tree(home).filter((f) => !f.startsWith('parallel-kit'));
    const env = { CODEX_HOME: home };
    // What a kit in another folder (or an older kit, with other hook commands) wrote, with its records.
    codexKitHooks(home, '/opt/older-kit');
    expect(readFileSync(join(home, 'hooks.json'), 'utf8')).toContain('/opt/older-kit/dist/hook.cjs');
    const r = make(home, 'agent-setup', { agent: 'codex', apply: 1 }, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("the kit's part rewritten");
    const hooks = readFileSync(join(home, 'hooks.json'), 'utf8');
    expect(hooks).not.toContain('/opt/older-kit');
    expect(hooks).toContain(`${KIT_DIR}/dist/hook.cjs`);
    expect(make(home, 'agent-setup', { agent: 'codex', apply: 1 }, env).stdout).toContain('already set up');
    expect(make(home, 'agent-setup', { agent: 'codex', apply: 1, remove: 1 }, env).code).toBe(0);
    expect(tree(home)).toEqual(before);
  });
});

describe('codexHookHash', () => {
  it('hashes the normalized identity as Codex does (sorted compact JSON of event, handler with timeout and async)', () => {
    const expected = createHash('sha256').update('{"event_name":"pre_tool_use","hooks":[{"async":false,"command":"echo hi","timeout":600,"type":"command"}]}').digest('hex');
    expect(codexHookHash({ event: 'PreToolUse', command: 'echo hi' })).toBe(`sha256:${expected}`);
    // SessionEnd is clamped to 1..3 s; Stop drops its matcher
    expect(codexHookHash({ event: 'SessionEnd', command: 'x', timeout: 30 })).toBe(codexHookHash({ event: 'SessionEnd', command: 'x', timeout: 3 }));
    expect(codexHookHash({ event: 'Stop', command: 'x', matcher: 'a' })).toBe(codexHookHash({ event: 'Stop', command: 'x' }));
  });
});

describe('agent-setup agent=gemini and agent=claude', () => {
  it('gemini: ~/.gemini/settings.json gets the hooks and gets them out byte for byte', () => {
    const home = tempDir('kit-home-');
    mkdirSync(join(home, '.gemini'));
    const mine = '{ "model": { "name": "gemini-2.5-pro" } }\n';
    writeFileSync(join(home, '.gemini', 'settings.json'), mine);
    const before = tree(home);
    expect(make(home, 'agent-setup', { agent: 'gemini' }, { HOME: home }).code).toBe(0);
    expect(tree(home)).toEqual(before);
    expect(make(home, 'agent-setup', { agent: 'gemini', apply: 1 }, { HOME: home }).code).toBe(0);
    const s = JSON.parse(readFileSync(join(home, '.gemini', 'settings.json'), 'utf8'));
    expect(s.model.name).toBe('gemini-2.5-pro');
    expect(s.hooks.BeforeTool[0]).toMatchObject({ matcher: '*', hooks: [{ name: 'parallel-kit', type: 'command' }] });
    expect(make(home, 'agent-setup', { agent: 'gemini', apply: 1, remove: 1 }, { HOME: home }).code).toBe(0);
    expect(tree(home)).toEqual(before);
  });

  it("claude: the WorktreeCreate hook in .claude/settings.local.json, kept out of git, and out again", () => {
    const repo = makeRepo();
    const exclude = join(repo, '.git', 'info', 'exclude');
    const before = [sha(exclude), sha(join(repo, '.claude', 'settings.local.json'))];
    expect(make(repo, 'agent-setup', { agent: 'claude', apply: 1 }).code).toBe(0);
    const s = JSON.parse(readFileSync(join(repo, '.claude', 'settings.local.json'), 'utf8'));
    expect(s.hooks.WorktreeCreate[0].hooks[0].command).toMatch(/dist\/cmd\/claude-worktree\.mjs/);
    expect(gitIn(repo, 'status', '--porcelain')).toBe('');
    expect(make(repo, 'agent-setup', { agent: 'claude', apply: 1, remove: 1 }).code).toBe(0);
    expect([sha(exclude), sha(join(repo, '.claude', 'settings.local.json'))]).toEqual(before);
    expect(existsSync(join(repo, '.claude'))).toBe(false);
  });
});
