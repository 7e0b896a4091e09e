import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../scripts/lib/config/config.ts';
import { UsageError } from '../../scripts/lib/core/errors.mjs';
import { makeRepo } from '../helpers/repo.ts';

describe('config', () => {
  it('applies the documented defaults when the file is absent', async () => {
    const repo = makeRepo({ config: null });
    const c = await loadConfig(repo);
    expect(c.file).toBeNull();
    expect(c.base).toBe('main');
    expect(c.workspace).toBe('sessions');
    expect(c.worktreeRoot).toBe(join(repo, '..', 'repo-sessions'));
    expect(c.mode).toBe('worktree');
    expect(c.ports).toEqual({ low: 8001, high: 8099, env: ['PORT'] });
    expect(c.profiles).toEqual({ local: { PGPT_PROFILES: 'local' } });
    expect(c.components.server?.paths).toEqual(['internal_assistant/server/']);
    expect(c.copy).toEqual(['.env']);
  });

  it.each([
    ['mode: fast\n', /parallel.config.yaml: mode: expected one of worktree, clone, branch/],
    ['ports: { range: 9000-8000 }\n', /ports.range: expected LOW-HIGH/],
    ['ports: { range: abc }\n', /ports.range: expected a range like '8001-8099'/],
    ['colour: red\n', /unknown key 'colour'/],
    ['components: { server: { paths: [] } }\n', /components.server.paths: expected at least one path/],
    ['components: { "bad name": { paths: [a/] } }\n', /components/],
    ['workspace: locks\n', /workspace: 'locks', 'archive', 'tmp' and 'plans' are reserved/],
    ['base: [1\n', /not valid YAML/],
    ['- a\n- b\n', /expected a mapping/],
  ])('rejects %j with a one-line error naming the key', (text, re) => {
    let err: unknown;
    try {
      parseConfigText(text, 'parallel.config.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(re);
    expect((err as Error).message).not.toContain('\n');
  });

  it('resolves {repo} in worktree_root and reads base from the file', async () => {
    const repo = makeRepo({ config: 'base: main\nworktree_root: ../trees/{repo}\nports: { range: 9100-9105, env: [PORT, VITE_PORT] }\n' });
    const c = await loadConfig(repo);
    expect(c.worktreeRoot).toBe(join(repo, '..', 'trees', 'repo'));
    expect(c.ports).toEqual({ low: 9100, high: 9105, env: ['PORT', 'VITE_PORT'] });
  });

  it('names the file when loading a broken one', async () => {
    const repo = makeRepo();
    writeFileSync(join(repo, 'parallel.config.yaml'), 'mode: 3\n');
    await expect(loadConfig(repo)).rejects.toThrow(/^parallel.config.yaml: mode:/);
  });
});
