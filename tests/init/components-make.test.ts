// make init guesses components as a person would, on real repositories shaped like real projects.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../scripts/lib/config/config.ts';
import { make } from '../helpers/make.ts';
import { commitFiles, gitIn, tempDir } from '../helpers/repo.ts';

/** A repository at <tmp>/<name> holding exactly `files`, committed (none: nothing committed at all). */
function repoOf(name: string, files: string[]): string {
  const repo = join(tempDir('kit-init-'), name);
  mkdirSync(repo);
  gitIn(repo, 'init', '-q', '-b', 'main');
  if (files.length) commitFiles(repo, Object.fromEntries(files.map((f) => [f, `${f}\n`])), 'initial');
  return repo;
}

/** make init, then the components of the config it wrote: name -> paths. */
async function initialised(repo: string): Promise<Record<string, string[]>> {
  const r = make(tempDir(), 'init', { repo });
  expect(r.code, r.stderr).toBe(0);
  const config = await loadConfig(repo);
  return Object.fromEntries(Object.entries(config.components).map(([name, c]) => [name, c.paths]));
}

/** The layout of zylon-ai/private-gpt: a Python package holding most of the code, tests, a fern docs site. */
const PRIVATE_GPT = [
  'Makefile', 'pyproject.toml', 'poetry.lock', 'README.md', 'CHANGELOG.md', 'LICENSE', 'version.txt', 'Dockerfile.local', 'Dockerfile.external',
  'settings.yaml', 'settings-local.yaml', 'settings-docker.yaml', 'settings-ollama.yaml', '.dockerignore', '.github/workflows/tests.yml',
  'local_data/.gitignore', 'models/.gitignore',
  'private_gpt/__init__.py', 'private_gpt/__main__.py', 'private_gpt/constants.py', 'private_gpt/di.py', 'private_gpt/launcher.py', 'private_gpt/main.py', 'private_gpt/paths.py',
  'private_gpt/components/__init__.py', 'private_gpt/components/llm/llm_component.py', 'private_gpt/components/llm/prompt_helper.py',
  'private_gpt/components/embedding/embedding_component.py', 'private_gpt/components/ingest/ingest_component.py', 'private_gpt/components/vector_store/vector_store_component.py',
  'private_gpt/server/__init__.py', 'private_gpt/server/chat/chat_router.py', 'private_gpt/server/chat/chat_service.py', 'private_gpt/server/ingest/ingest_router.py',
  'private_gpt/server/ingest/ingest_service.py', 'private_gpt/server/health/health_router.py', 'private_gpt/server/utils/auth.py',
  'private_gpt/ui/__init__.py', 'private_gpt/ui/ui.py', 'private_gpt/ui/images.py', 'private_gpt/ui/avatar-bot.ico',
  'private_gpt/settings/__init__.py', 'private_gpt/settings/settings.py', 'private_gpt/settings/settings_loader.py', 'private_gpt/settings/yaml.py',
  'private_gpt/open_ai/__init__.py', 'private_gpt/open_ai/openai_models.py', 'private_gpt/open_ai/extensions/context_filter.py',
  'private_gpt/utils/__init__.py', 'private_gpt/utils/eta.py', 'private_gpt/utils/typing.py',
  'tests/__init__.py', 'tests/conftest.py', 'tests/fixtures/mock_injector.py', 'tests/fixtures/fast_api_test_client.py', 'tests/server/chat/test_chat_routes.py',
  'tests/server/ingest/test_ingest_routes.py', 'tests/settings/test_settings.py', 'tests/ui/test_ui.py',
  'fern/README.md', 'fern/docs.yml', 'fern/fern.config.json', 'fern/generators.yml', 'fern/openapi/openapi.json', 'fern/docs/assets/logo_dark.png', 'fern/docs/assets/ui.png',
  'fern/docs/pages/overview/welcome.mdx', 'fern/docs/pages/installation/installation.mdx', 'fern/docs/pages/manual/ingestion.mdx', 'fern/docs/pages/manual/llms.mdx',
  'fern/docs/pages/manual/ui.mdx', 'fern/docs/pages/recipes/list-llm.mdx', 'fern/docs/pages/api-reference/sdks.mdx',
  'scripts/__init__.py', 'scripts/ingest_folder.py', 'scripts/setup', 'scripts/utils.py', 'scripts/extract_openapi.py',
];

describe('make init guesses components', () => {
  it('splits a package holding most of the code into its subfolders, and names tests and docs for what they hold', async () => {
    const components = await initialised(repoOf('private-gpt', PRIVATE_GPT));
    expect(components).toEqual({
      docs: ['fern/'],
      private_gpt: ['private_gpt/__init__.py', 'private_gpt/__main__.py', 'private_gpt/constants.py', 'private_gpt/di.py', 'private_gpt/launcher.py', 'private_gpt/main.py', 'private_gpt/paths.py'],
      components: ['private_gpt/components/'],
      open_ai: ['private_gpt/open_ai/'],
      server: ['private_gpt/server/'],
      settings: ['private_gpt/settings/'],
      ui: ['private_gpt/ui/'],
      utils: ['private_gpt/utils/'],
      scripts: ['scripts/'],
      tests: ['tests/'],
    });
  });

  it('the same layout under any folder name: the package is found by its __init__.py and its size', async () => {
    const components = await initialised(repoOf('checkout', PRIVATE_GPT));
    expect(Object.keys(components)).toEqual(['docs', 'private_gpt', 'components', 'open_ai', 'server', 'settings', 'ui', 'utils', 'scripts', 'tests']);
  });

  it("today's layout, a top-level ui/ of design notes beside fern/: both hold docs, only one is named docs, and ui says what it holds", async () => {
    const UI = ['ui/AGENTS.md', 'ui/CLAUDE.md', 'ui/README.md', 'ui/docs/PRD.md', 'ui/docs/STYLE_GUIDE.md', 'ui/favicon.ico', 'ui/index.html', 'ui/references/layout.png'];
    const repo = repoOf('private-gpt', [...PRIVATE_GPT.filter((f) => !f.startsWith('private_gpt/ui/')), ...UI]);
    expect(make(tempDir(), 'init', { repo }).code).toBe(0);
    const { components } = await loadConfig(repo);
    expect(components.docs).toMatchObject({ paths: ['fern/'], description: 'documentation' });
    expect(components.ui).toMatchObject({ paths: ['ui/'], description: 'ui: mostly documentation' });
    expect(Object.values(components).filter((c) => c.description === 'documentation')).toHaveLength(1);
  });

  it('keeps a flat repository flat', async () => {
    const components = await initialised(repoOf('tool', ['README.md', 'package.json', 'src/main.ts', 'src/util.ts', 'src/cli.ts', 'src/more/x.ts', 'lib/a.ts', 'lib/b.ts', 'docs/index.md', 'docs/guide.md']));
    expect(components).toEqual({ docs: ['docs/'], lib: ['lib/'], src: ['src/'] });
  });

  it('looks into a folder of packages in a JS monorepo', async () => {
    const files = ['package.json', 'package-lock.json', 'README.md', 'packages/a/package.json', 'packages/a/src/index.ts', 'packages/b/package.json', 'packages/b/src/index.ts', 'packages/b/src/b.ts', 'docs/intro.md', 'docs/sidebar.json'];
    const components = await initialised(repoOf('mono', files));
    expect(components).toEqual({ docs: ['docs/'], a: ['packages/a/'], b: ['packages/b/'] });
  });

  it('gives an empty repository one component for the whole of it', async () => {
    expect(await initialised(repoOf('empty', []))).toEqual({ app: ['./'] });
  });
});
