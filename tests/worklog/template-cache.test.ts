// A template is compiled once for all processes: what Handlebars' compiler made is kept in the kit's
// dist/.cache/templates by the text's digest and rendered from there, and a cache file broken by hand is
// built again. The same text in another folder is another file for the process, the same cache entry.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { builtFile, TEMPLATES_DIR } from '../../scripts/lib/worklog/template.ts';
import { renderEntry, type EntryData } from '../../scripts/lib/worklog/entries.ts';
import { tempDir } from '../helpers/repo.ts';

const data: EntryData = { name: 'login', uid: 'uid-login', kind: 'feature', branch: 'feature/login', base: 'main', component: 'server', componentPaths: ['server/'], port: 8001, started: '2025-01-02T03:04:05.000+00:00', mode: 'worktree', path: '/tmp/repo-sessions/login', profile: null };

/** A folder holding the kit's feature template with a line of its own (a text no other test has). */
function folderWith(text: string): string {
  const dir = tempDir('kit-tpl-');
  for (const k of ['bugfix', 'debug', 'refactor']) copyFileSync(join(TEMPLATES_DIR, `${k}.md.hbs`), join(dir, `${k}.md.hbs`));
  writeFileSync(join(dir, 'feature.md.hbs'), text);
  return dir;
}

it('renders from the kept build, rebuilds a broken one, and gives what a fresh compile gives', () => {
  const text = `${readFileSync(join(TEMPLATES_DIR, 'feature.md.hbs'), 'utf8')}\nmarker ${process.pid}-${Date.now()}\n`;
  const fresh = renderEntry(data, folderWith(text));
  expect(fresh).toContain('- **Session:** login');
  const cache = builtFile('feature', text);
  const kept = readFileSync(cache, 'utf8');
  expect(JSON.parse(kept)).toMatchObject({ version: 1, kind: 'feature', meta: { branch: 'feature/{{name}}' } });

  // a build changed by hand shows that the next process renders from the cache, not from the text
  writeFileSync(cache, kept.replaceAll('**Session:**', '**SESSION (from the cache):**'));
  expect(renderEntry(data, folderWith(text))).toContain('- **SESSION (from the cache):** login');

  // a cache file that is not one is built again, and rewritten
  writeFileSync(cache, '{ not json');
  expect(renderEntry(data, folderWith(text))).toBe(fresh);
  expect(readFileSync(cache, 'utf8')).toBe(kept);
});
