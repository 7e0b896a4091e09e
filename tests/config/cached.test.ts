import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configCacheFile, loadConfigCached } from '../../scripts/lib/config/cached.ts';
import { loadConfig } from '../../scripts/lib/config/config.ts';
import { make } from '../helpers/make.ts';
import { makeRepo } from '../helpers/repo.ts';

const config = (component: string) => `components:\n  ${component}: { paths: [${component}/], description: 'the ${component}' }\nagents:\n  mine: { command: ./run.sh }\nprofiles:\n  dev: { A: 1 }\nports: { range: 9100-9199 }\nshare_interval: 2m\n`;

describe('the config as the same build parsed it last', () => {
  it('is the config loadConfig reads, from the cache too; another build or other bytes parse again', async () => {
    const repo = makeRepo({ config: config('alpha') });
    const root = join(repo, '.parallel');
    mkdirSync(join(root, '.cache'), { recursive: true });
    const plain = await loadConfig(repo);
    expect(await loadConfigCached(repo, root, 'build-1')).toEqual(plain);
    const entry = readFileSync(configCacheFile(root), 'utf8');
    expect(await loadConfigCached(repo, root, 'build-1')).toEqual(plain); // from the cache
    expect(readFileSync(configCacheFile(root), 'utf8')).toBe(entry);
    expect(Object.getPrototypeOf(plain.components)).toBeNull();
    expect(Object.getPrototypeOf((await loadConfigCached(repo, root, 'build-1')).components)).toBeNull();

    await loadConfigCached(repo, root, 'build-2');
    expect(readFileSync(configCacheFile(root), 'utf8')).not.toBe(entry);
    writeFileSync(join(repo, 'parallel.config.yaml'), config('beta'));
    expect(Object.keys((await loadConfigCached(repo, root, 'build-2')).components)).toEqual(['beta']);
  });

  it('makes no state folder, nor a .cache in one, of its own', async () => {
    const repo = makeRepo();
    await loadConfigCached(repo, join(repo, '.parallel'), 'build-1');
    expect(existsSync(join(repo, '.parallel'))).toBe(false);
    mkdirSync(join(repo, '.parallel'));
    await loadConfigCached(repo, join(repo, '.parallel'), 'build-1');
    expect(existsSync(join(repo, '.parallel', '.cache'))).toBe(false);
  });

  it('through make: a changed file is read again, a cache broken by hand is rebuilt, a broken file is refused as always', () => {
    const repo = makeRepo({ config: config('alpha') });
    mkdirSync(join(repo, '.parallel', '.cache'), { recursive: true });
    const hint = () => make(repo, 'list-sessions');
    expect(hint().stdout).toMatch(/component=alpha/);
    expect(existsSync(configCacheFile(join(repo, '.parallel')))).toBe(true);
    expect(hint().stdout).toMatch(/component=alpha/);
    writeFileSync(join(repo, 'parallel.config.yaml'), config('beta'));
    expect(hint().stdout).toMatch(/component=beta/);
    writeFileSync(configCacheFile(join(repo, '.parallel')), '{ half');
    expect(hint().stdout).toMatch(/component=beta/);
    expect(() => JSON.parse(readFileSync(configCacheFile(join(repo, '.parallel')), 'utf8'))).not.toThrow();
    writeFileSync(join(repo, 'parallel.config.yaml'), 'components: [\n');
    const bad = hint();
    expect(bad.exit).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^list-sessions: parallel.config.yaml: not valid YAML/);
  });
});
