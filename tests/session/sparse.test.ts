// mode=sparse: the copy holds only its component's paths, the config's sparse: list and the top's files;
// every command works on it, and ending it leaves the main repository's config as it was, byte for byte.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { make, makeJson } from '../helpers/make.ts';
import { commitFiles, DEFAULT_CONFIG, gitIn, makeRepo } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';

const CONFIG = `${DEFAULT_CONFIG.replace('components:\n', 'components:\n  conf: { paths: [ui/settings/app.json], description: One file deep down }\n')}sparse: [shared/]\n`;
const FILES = { 'server/lib/util.py': 'u\n', 'ui/more.js': 'm\n', 'ui/settings/app.json': '{}\n', 'ui/settings/other.json': '{}\n', 'shared/types.ts': 't\n', 'tools/x.sh': 'x\n' };

/** Every file under `dir` but the .git link and the kit's environment file, sorted. */
function filesIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.filter((f) => f !== '.git' && f !== '.parallel-session.env').sort();
}

const config = (repo: string) => readFileSync(join(repo, '.git', 'config'));
const TOP = ['.gitignore', 'Makefile', 'README.md', 'parallel.config.yaml'];

describe('mode=sparse', () => {
  it('checks out only the component, the sparse: list and the top files; ends with the config byte for byte as before', () => {
    const repo = makeRepo({ config: CONFIG, files: FILES });
    const before = config(repo);
    const s = newSession(repo, 'sp', { mode: 'sparse' });
    expect(s.mode).toBe('sparse');
    expect(filesIn(s.path!)).toEqual([...TOP, 'server/app.py', 'server/lib/util.py', 'shared/types.ts'].sort());
    expect(gitIn(s.path!, 'status', '--porcelain')).toBe('');
    expect(gitIn(s.path!, 'config', '--get', 'core.sparseCheckoutCone')).toBe('true');
    const listed = makeJson<{ name: string; mode: string; uncommitted: number }[]>(repo, 'list-sessions');
    expect(listed.data.map((r) => [r.name, r.mode, r.uncommitted])).toEqual([['sp', 'sparse', 0]]);
    expect(make(repo, 'conflicts').code).toBe(0);

    // nothing is lost: an uncommitted change makes ending refuse
    writeFileSync(join(s.path!, 'server/app.py'), 'edited\n');
    const refused = make(repo, 'end-session', { name: 'sp' });
    expect(refused.exit).toBe(1);
    expect(refused.stderr).toMatch(/uncommitted/);
    expect(readFileSync(join(s.path!, 'server/app.py'), 'utf8')).toBe('edited\n');
    gitIn(s.path!, 'checkout', '--', 'server/app.py');

    expect(make(repo, 'end-session', { name: 'sp' }).code).toBe(0);
    expect(existsSync(s.path!)).toBe(false);
    expect(config(repo).equals(before)).toBe(true);
    expect(existsSync(join(repo, '.parallel', 'worktree-config.json'))).toBe(false);
  });

  for (const order of [['a', 'b'], ['b', 'a']]) {
    it(`two sparse sessions ended ${order.join(' then ')}: the key stays while one needs it, then the config is as before`, () => {
      const repo = makeRepo({ config: CONFIG, files: FILES });
      const before = config(repo);
      const paths = { a: newSession(repo, 'a', { mode: 'sparse' }).path!, b: newSession(repo, 'b', { mode: 'sparse', component: 'ui' }).path! };
      const [first, second] = order as ['a' | 'b', 'a' | 'b'];
      expect(make(repo, 'end-session', { name: first }).code).toBe(0);
      expect(gitIn(repo, 'config', '--get', 'extensions.worktreeConfig')).toBe('true');
      // the one left is still sparse: git reads its settings
      expect(gitIn(paths[second], 'sparse-checkout', 'list')).toBe(second === 'a' ? 'server\nshared' : 'shared\nui');
      expect(gitIn(paths[second], 'status', '--porcelain')).toBe('');
      expect(make(repo, 'end-session', { name: second }).code).toBe(0);
      expect(config(repo).equals(before)).toBe(true);
    });
  }

  it('leaves a key the user had set alone, undoes everything when a later step fails; a file deep down makes it non-cone', () => {
    const repo = makeRepo({ config: `${CONFIG}setup: "exit 3"\n`, files: FILES });
    const before = config(repo);
    const failed = make(repo, 'new-session', { name: 'bad', component: 'server', mode: 'sparse' });
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/everything done before it was undone/);
    expect(config(repo).equals(before)).toBe(true);
    expect(gitIn(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree '))).toHaveLength(1);

    gitIn(repo, 'config', 'extensions.worktreeConfig', 'true');
    const mine = config(repo);
    writeFileSync(join(repo, 'parallel.config.yaml'), CONFIG);
    // a file deep down: that file, not its neighbours
    const s = newSession(repo, 'deep', { mode: 'sparse', component: 'conf' });
    expect(filesIn(s.path!)).toEqual([...TOP, 'shared/types.ts', 'ui/settings/app.json'].sort());
    expect(gitIn(s.path!, 'config', '--get', 'core.sparseCheckoutCone')).toBe('false');
    expect(make(repo, 'end-session', { name: 'deep' }).code).toBe(0);
    expect(config(repo).equals(mine)).toBe(true);
  });

  it('sync brings the base in and keeps the sparse set; finish-session merge=1 ends it cleanly', () => {
    const repo = makeRepo({ config: CONFIG, files: FILES });
    const before = config(repo);
    const s = newSession(repo, 'sp', { mode: 'sparse' });
    commitFiles(s.path!, { 'server/app.py': 'mine\n' }, 'session work');
    commitFiles(repo, { 'ui/app.js': 'base ui\n', 'ui/added.js': 'new\n', 'server/lib/util.py': 'base util\n', 'NEW_TOP.md': 'top\n' }, 'base moves');
    const sync = makeJson<{ sessions: { name: string; result: string }[] }>(repo, 'sync', { name: 'sp' });
    expect(sync.data.sessions.map((x) => x.result)).toEqual(['rebased']);
    expect(filesIn(s.path!)).toEqual([...TOP, 'NEW_TOP.md', 'server/app.py', 'server/lib/util.py', 'shared/types.ts'].sort());
    expect(readFileSync(join(s.path!, 'server/lib/util.py'), 'utf8')).toBe('base util\n');
    expect(gitIn(s.path!, 'sparse-checkout', 'list')).toBe('server\nshared');
    expect(gitIn(s.path!, 'status', '--porcelain')).toBe('');
    expect(gitIn(s.path!, 'show', 'HEAD:ui/added.js')).toBe('new');

    const fin = make(repo, 'finish-session', { name: 'sp', merge: 1 });
    expect(fin.code, fin.stderr).toBe(0);
    expect(gitIn(repo, 'show', 'main:server/app.py')).toBe('mine');
    expect(existsSync(s.path!)).toBe(false);
    expect(config(repo).equals(before)).toBe(true);
  });
});
