import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OperationError } from '../../scripts/lib/core/errors.mjs';
import { WORKLOG_HEADER } from '../../scripts/lib/init/init.ts';
import { KINDS, type Kind } from '../../scripts/lib/store/schemas.ts';
import { TEMPLATES_DIR } from '../../scripts/lib/worklog/template.ts';
import { appendEntry, branchFor, loadTemplate, readEntry, removeEntry, renderEntry, setEntryField, setEntryStatus, type EntryData } from '../../scripts/lib/worklog/entries.ts';
import { tempDir } from '../helpers/repo.ts';

function data(over: Partial<EntryData> = {}): EntryData {
  const kind = over.kind ?? 'feature';
  const name = over.name ?? 'login';
  return {
    name,
    uid: `uid-${name}`,
    kind,
    branch: branchFor(kind, name),
    base: 'main',
    component: 'server',
    componentPaths: ['server/', 'shared/api.ts'],
    port: 8001,
    started: '2025-01-02T03:04:05.000+00:00',
    mode: 'worktree',
    path: '/tmp/repo-sessions/login',
    profile: null,
    ...over,
  };
}

function dirs() {
  const main = tempDir('kit-wl-');
  return { main, root: join(main, '.parallel'), file: join(main, 'WORK_LOG.md') };
}

const read = (f: string) => readFileSync(f, 'utf8');

describe('templates', () => {
  const prefixes: Record<Kind, string> = { feature: 'feature/', bugfix: 'fix/', debug: 'debug/', refactor: 'refactor/' };
  const extras: Record<Kind, string[]> = { feature: ['ETA'], bugfix: ['ETA', 'Issue', 'Reproduction'], debug: ['ETA', 'Symptom', 'Hypothesis'], refactor: ['ETA', 'Goal', 'Invariants'] };

  it.each(KINDS)('renders a %s entry: branch pattern, markers, status line, checklist, fields', (kind) => {
    const meta = loadTemplate(kind).meta;
    expect(meta.kind).toBe(kind);
    expect(Object.keys(meta.fields)).toEqual(extras[kind]);
    expect(branchFor(kind, 'login')).toBe(`${prefixes[kind]}login`);
    const text = renderEntry(data({ kind }));
    const lines = text.split('\n');
    expect(lines[0]).toBe('<!-- parallel-session:begin uid=uid-login name=login -->');
    expect(lines.at(-2)).toBe('<!-- parallel-session:end uid=uid-login -->');
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain(`## login (${kind})`);
    expect(text).toContain(`- **Branch:** \`${prefixes[kind]}login\` (from \`main\`)`);
    expect(text).toContain('- **Component:** server');
    expect(text).toContain('- **Port:** 8001');
    expect(text).toContain('- **Started:** 2025-01-02T03:04:05.000+00:00');
    expect(lines.filter((l) => l.startsWith('- **Status:**'))).toEqual(['- **Status:** IN PROGRESS']);
    expect(lines.filter((l) => l.startsWith('- [ ] '))).toEqual(['- [ ] server/', '- [ ] shared/api.ts']);
    for (const f of extras[kind]) expect(lines.filter((l) => l.startsWith(`- **${f}:** `))).toHaveLength(1);
    expect(text).toContain('**Notes:**');
    expect(text).not.toMatch(/\{\{|&#x27;|&amp;/); // no leftover or HTML-escaped template text
  });

  it('renders branch mode, a profile and a given status', () => {
    const text = renderEntry(data({ mode: 'branch', path: null, profile: 'local', status: 'MERGED', component: 'a&b' }));
    expect(text).toContain('- **Profile:** local');
    expect(text).toContain('- **Status:** MERGED');
    expect(text).toContain('- **Component:** a&b');
    expect(text).toContain('branch mode');
  });

  it('reports a broken template as an OperationError naming the file', () => {
    const dir = tempDir('kit-tpl-');
    for (const k of KINDS) copyFileSync(join(TEMPLATES_DIR, `${k}.md.hbs`), join(dir, `${k}.md.hbs`));
    writeFileSync(join(dir, 'feature.md.hbs'), '---\nkind: feature\nbranch: "feature/{{name}}"\n---\n{{#if name}}unclosed\n');
    writeFileSync(join(dir, 'bugfix.md.hbs'), '---\nkind: bugfix\nbranch: [oops\n---\nbody\n');
    writeFileSync(join(dir, 'debug.md.hbs'), '---\nkind: debug\nbranch: "debug/fixed"\n---\nbody\n');
    expect(() => loadTemplate('feature', dir)).toThrow(OperationError);
    expect(() => loadTemplate('feature', dir)).toThrow(join(dir, 'feature.md.hbs'));
    expect(() => loadTemplate('bugfix', dir)).toThrow(/bugfix\.md\.hbs: the front matter is not valid YAML/);
    expect(() => loadTemplate('debug', dir)).toThrow(/debug\.md\.hbs: front matter branch/);
    expect(() => loadTemplate('refactor', join(dir, 'missing'))).toThrow(/cannot read the template .*refactor\.md\.hbs/);
    expect(loadTemplate('refactor', dir).meta.branch).toBe('refactor/{{name}}');
  });
});

describe('WORK_LOG.md editing', () => {
  it('creates a missing file with the header, appends after a blank line, and removes back to nothing', async () => {
    const { main, root, file } = dirs();
    const a = renderEntry(data({ name: 'a' }));
    await appendEntry(main, root, a);
    expect(read(file)).toBe(`${WORKLOG_HEADER}\n${a}`);
    const b = renderEntry(data({ name: 'b', kind: 'debug' }));
    await appendEntry(main, root, b);
    expect(read(file)).toBe(`${WORKLOG_HEADER}\n${a}\n${b}`);
    await expect(appendEntry(main, root, b)).rejects.toThrow(/already has an entry with uid uid-b/);
    expect(await removeEntry(main, root, 'uid-a')).toBe(true);
    expect(read(file)).toBe(`${WORKLOG_HEADER}\n${b}`);
    expect(await removeEntry(main, root, 'uid-a')).toBe(false);
    expect(await removeEntry(main, root, 'uid-b')).toBe(true);
    expect(existsSync(file)).toBe(false); // the file appendEntry created goes again
  });

  it.each([
    ['ends with a newline', '# Log\n\nSomeone wrote this.\n'],
    ['ends without a newline', '# Log\n\nno newline at the end'],
    ['ends with blank lines', '# Log\n\n\n'],
    ['is empty', ''],
  ])('appends to an existing file that %s and removes it byte-identical', async (_, original) => {
    const { main, root, file } = dirs();
    writeFileSync(file, original);
    const e = renderEntry(data());
    await appendEntry(main, root, e);
    const now = read(file);
    expect(now.startsWith(original)).toBe(true);
    expect(now.endsWith(e)).toBe(true);
    if (original) expect(now.slice(0, -e.length).endsWith('\n\n')).toBe(true);
    expect(await removeEntry(main, root, 'uid-login')).toBe(true);
    expect(read(file)).toBe(original);
  });

  it("setEntryStatus rewrites only that entry's status line; people's edits stay byte-identical", async () => {
    const { main, root, file } = dirs();
    writeFileSync(file, '# Log\n\nIntro by a person.\n');
    await appendEntry(main, root, renderEntry(data({ name: 'a' })));
    await appendEntry(main, root, renderEntry(data({ name: 'b' })));
    // people edit: tick a box and write notes inside entry a, add text after everything
    const edited = read(file)
      .replace('- [ ] server/', '- [x] server/')
      .replace('**Notes:**\n', '**Notes:**\n\nAsked Bob about the API. Status: waiting\n')
      .concat('\nA footer someone added.\n');
    writeFileSync(file, edited);
    expect(await setEntryStatus(main, root, 'uid-a', 'COMPLETED')).toBe(true);
    const after = read(file);
    const at = edited.indexOf('- **Status:** IN PROGRESS');
    expect(after).toBe(`${edited.slice(0, at)}- **Status:** COMPLETED${edited.slice(at + '- **Status:** IN PROGRESS'.length)}`);
    expect(after).toContain('- [x] server/');
    expect(after.match(/- \*\*Status:\*\* IN PROGRESS/g)).toHaveLength(1); // entry b untouched
    expect(await setEntryStatus(main, root, 'uid-b', 'READY FOR REVIEW')).toBe(true);
    expect(readEntry(main, 'uid-b')?.status).toBe('READY FOR REVIEW');
    expect(readEntry(main, 'uid-a')?.status).toBe('COMPLETED');
  });

  it('setEntryStatus is false for a missing entry or status line, and leaves the file alone', async () => {
    const { main, root, file } = dirs();
    expect(await setEntryStatus(main, root, 'uid-x', 'MERGED')).toBe(false);
    expect(existsSync(file)).toBe(false);
    await appendEntry(main, root, renderEntry(data()));
    const noStatus = read(file).replace('- **Status:** IN PROGRESS\n', '');
    writeFileSync(file, noStatus);
    expect(await setEntryStatus(main, root, 'uid-login', 'MERGED')).toBe(false);
    expect(await setEntryField(main, root, 'uid-login', 'Last sync', 'now')).toBe(false);
    expect(read(file)).toBe(noStatus);
    await expect(setEntryStatus(main, root, 'uid-login', 'two\nlines')).rejects.toThrow(/single line/);
  });

  it('setEntryField inserts after the status line, then replaces in place; works with CRLF files', async () => {
    const { main, root, file } = dirs();
    await appendEntry(main, root, renderEntry(data()));
    writeFileSync(file, read(file).replace(/\n/g, '\r\n'));
    expect(await setEntryField(main, root, 'uid-login', 'Last sync', '2025-01-03 rebased onto main')).toBe(true);
    expect(read(file)).toContain('- **Status:** IN PROGRESS\r\n- **Last sync:** 2025-01-03 rebased onto main\r\n- **ETA:**');
    const once = read(file);
    expect(await setEntryField(main, root, 'uid-login', 'Last sync', 'later')).toBe(true);
    expect(read(file)).toBe(once.replace('2025-01-03 rebased onto main', 'later'));
    expect(await setEntryStatus(main, root, 'uid-login', 'MERGED')).toBe(true);
    expect(read(file)).toBe(once.replace('2025-01-03 rebased onto main', 'later').replace('IN PROGRESS', 'MERGED'));
  });

  it('readEntry gives title, body and status as people left them', async () => {
    const { main, root, file } = dirs();
    expect(readEntry(main, 'uid-login')).toBeNull();
    await appendEntry(main, root, renderEntry(data({ kind: 'bugfix' })));
    writeFileSync(file, read(file).replace('- [ ] server/', '- [x] server/'));
    const e = readEntry(main, 'uid-login');
    expect(e?.title).toBe('login (bugfix)');
    expect(e?.status).toBe('IN PROGRESS');
    expect(e?.body).toContain('- [x] server/');
    expect(e?.body).not.toContain('parallel-session:');
  });
});
