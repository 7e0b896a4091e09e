// What make launch can tell of an agent's first-run question before it starts (a folder not trusted
// yet), from the agent's own settings files as the user left them: real files in a temp HOME.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstRunQuestion } from '../../scripts/lib/launch/first-run.ts';
import { tempDir } from '../helpers/repo.ts';

describe('firstRunQuestion', () => {
  const home = tempDir('kit-first-run-');
  const copy = join(home, 'repo-sessions', 'ui');

  it('claude: asks unless .claude.json trusts the folder or a parent (CLAUDE_CONFIG_DIR, else ~/.claude.json)', () => {
    const env = { HOME: home };
    expect(firstRunQuestion('claude', copy, env)).toBe(`Claude Code asks whether to trust ${copy} before it starts: answer in its window`);
    writeFileSync(join(home, '.claude.json'), JSON.stringify({ projects: { [copy]: { hasTrustDialogAccepted: false } } }));
    expect(firstRunQuestion('claude', copy, env)).toMatch(/^Claude Code asks/);
    writeFileSync(join(home, '.claude.json'), JSON.stringify({ projects: { [join(home, 'repo-sessions')]: { hasTrustDialogAccepted: true } } }));
    expect(firstRunQuestion('claude', copy, env)).toBeNull();
    const dir = join(home, 'claude-config');
    mkdirSync(dir);
    expect(firstRunQuestion('claude', copy, { ...env, CLAUDE_CONFIG_DIR: dir })).toMatch(/^Claude Code asks/);
    writeFileSync(join(dir, '.claude.json'), '{ not json');
    expect(firstRunQuestion('claude', copy, { ...env, CLAUDE_CONFIG_DIR: dir })).toBeNull();
  });

  it('codex: asks unless config.toml has [projects."<folder>"] trust_level = "trusted"', () => {
    const codexHome = join(home, 'codex');
    mkdirSync(codexHome);
    const env = { HOME: home, CODEX_HOME: codexHome };
    expect(firstRunQuestion('codex', copy, env)).toMatch(/^Codex asks whether to trust /);
    writeFileSync(join(codexHome, 'config.toml'), `model = "x"\n[projects.${JSON.stringify(copy)}]\ntrust_level = "untrusted"\n[other]\ntrust_level = "trusted"\n`);
    expect(firstRunQuestion('codex', copy, env)).toMatch(/^Codex asks/);
    writeFileSync(join(codexHome, 'config.toml'), `model = "x"\n[projects.${JSON.stringify(copy)}]\ntrust_level = "trusted"\n`);
    expect(firstRunQuestion('codex', copy, env)).toBeNull();
  });

  it('gemini (trusted for the run by the kit\'s launch command), opencode, aider and custom commands: nothing to tell', () => {
    for (const kind of ['gemini', 'opencode', 'aider', 'custom']) expect(firstRunQuestion(kind, copy, { HOME: home })).toBeNull();
  });
});
