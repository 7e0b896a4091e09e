// The component guess itself, on lists of tracked paths (no git needed), and the YAML it becomes.
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../scripts/lib/config/config.ts';
import { componentsYaml, guessComponents } from '../../scripts/lib/init/components.ts';
import { NAME_RE } from '../../scripts/lib/store/constants.ts';

const guess = (paths: string[], repo = '') => Object.fromEntries(guessComponents(paths, repo).map((c) => [c.name, c.paths]));

describe('guessComponents', () => {
  it('splits a src/<pkg>/ layout, and a folder named like the repository, even when neither holds most files', () => {
    const src = ['pyproject.toml', 'src/mypkg/__init__.py', 'src/mypkg/api/a.py', 'src/mypkg/core/b.py', 'tests/test_a.py', 'docs/conf.py', 'docs/index.rst', 'docs/usage.rst'];
    expect(guess(src)).toEqual({ docs: ['docs/'], mypkg: ['src/mypkg/__init__.py'], api: ['src/mypkg/api/'], core: ['src/mypkg/core/'], tests: ['tests/'] });
    const named = ['app.py', 'my-tool/cli/a.py', 'my-tool/engine/b.py', 'examples/one/x.py', 'examples/one/y.py', 'examples/two/x.py'];
    expect(guess(named, 'my_tool')).toEqual({ examples: ['examples/'], cli: ['my-tool/cli/'], engine: ['my-tool/engine/'] });
    expect(guess(named, 'other')).toEqual({ examples: ['examples/'], 'my-tool': ['my-tool/'] });
  });

  it('leaves side-by-side packages of similar size whole (a Django project), and never splits tests or docs', () => {
    const django = ['manage.py', 'shop/__init__.py', 'shop/models.py', 'shop/migrations/0001.py', 'shop/templates/a.html', 'blog/__init__.py', 'blog/models.py', 'blog/migrations/0001.py', 'blog/templates/b.html'];
    expect(guess(django)).toEqual({ blog: ['blog/'], shop: ['shop/'] });
    const mostlyTests = ['src/a.py', 'tests/unit/a.py', 'tests/unit/b.py', 'tests/e2e/c.py', 'tests/e2e/d.py', 'tests/e2e/e.py'];
    expect(guess(mostlyTests)).toEqual({ src: ['src/'], tests: ['tests/'] });
  });

  it('tells docs by content: prose and a docs site\'s data, not a folder of YAML settings', () => {
    const files = [
      'website/docusaurus.config.json', 'website/sidebars.json', 'website/docs/intro.md', 'website/docs/guide.mdx', 'website/static/logo.png', 'website/static/logo.svg',
      'deploy/values.yaml', 'deploy/chart.yaml', 'deploy/README.md', 'deploy/templates/a.yaml', 'deploy/templates/b.yaml',
      'requirements/base.txt', 'requirements/dev.txt', 'app/main.go',
    ];
    expect(guess(files)).toEqual({ app: ['app/'], deploy: ['deploy/'], requirements: ['requirements/'], docs: ['website/'] });
  });

  it('skips dot folders, build output and folders that hold only a .gitignore', () => {
    expect(guess(['.github/workflows/ci.yml', 'node_modules/x/index.js', 'dist/app.js', 'data/.gitignore', 'models/.gitkeep', 'server/app.py', 'ui/app.js'])).toEqual({ server: ['server/'], ui: ['ui/'] });
    expect(guess(['README.md', 'Makefile', '.github/ci.yml'])).toEqual({ app: ['./'] });
  });

  it('gives a split package\'s own files one component, or the folder itself when they are many', () => {
    const many = Array.from({ length: 25 }, (_, i) => `pkg/m${i}.py`);
    const files = ['pkg/__init__.py', ...many, 'pkg/a/x.py', 'pkg/b/y.py'];
    expect(guess(files)).toEqual({ pkg: ['pkg/'], a: ['pkg/a/'], b: ['pkg/b/'] });
  });

  it('makes every name valid and unique: role names first to the folders named for them, then parent-folder, then numbers', () => {
    const files = [
      'core/tests/t.py', 'core/docs/a.md', 'core/a b/x.py', 'core/ui/x.ts', 'core/x.lock/y.py', 'core/we..ird/z.py', 'core/q"x/z.py', 'core/__init__.py',
      ...Array.from({ length: 30 }, (_, i) => `core/ui/f${i}.ts`),
      'ui/app.ts', 'tests/t.py', 'docs/a.md', 'fern/docs.yml', 'fern/pages/a.mdx', 'a-b/x.py', `${'n'.repeat(80)}/x.py`,
    ];
    const comps = guessComponents(files);
    const names = comps.map((c) => c.name);
    for (const n of names) expect(n, n).toMatch(NAME_RE);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.fromEntries(comps.map((c) => [c.paths[0], c.name]))).toEqual({
      'a-b/': 'a-b',
      'core/__init__.py': 'core',
      'core/a b/': 'core-a-b',
      'core/docs/': 'core-docs',
      'core/q"x/': 'q-x',
      'core/tests/': 'core-tests',
      'core/ui/': 'core-ui',
      'core/we..ird/': 'we.ird',
      'core/x.lock/': 'x-lock',
      'docs/': 'docs',
      'fern/': 'fern',
      [`${'n'.repeat(80)}/`]: 'n'.repeat(60),
      'tests/': 'tests',
      'ui/': 'ui',
    });
  });

  it('writes YAML the config reads back as the same components, whatever the names', () => {
    const files = ['true/a.py', 'null/b.py', '123/c.py', 'yes/d.py', 'say "hi"/e.py', 'ok/f.py'];
    const comps = guessComponents(files);
    const text = `components:\n${componentsYaml(comps)}\n`;
    const config = parseConfigText(text, 'parallel.config.yaml');
    expect(Object.entries(config.components).map(([name, c]) => [name, c.paths, c.description])).toEqual(comps.map((c) => [c.name, c.paths, c.description]));
    expect(text).toMatch(/^ {2}ok: \{ paths: \["ok\/"\]/m);
  });
});
