import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OperationError } from '../../scripts/lib/core/errors.mjs';
import { KINDS, type Kind } from '../../scripts/lib/store/schemas.ts';
import { TEMPLATES_DIR } from '../../scripts/lib/worklog/template.ts';
import { appendEntry, branchFor, loadTemplate, readEntry, removeEntry, renderEntry, setEntryField, setEntryStatus, WORKLOG_HEADER, type EntryData } from '../../scripts/lib/worklog/entries.ts';
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
    // the kind's fields (the bug's Issue and Reproduction, ...) come with the others, before the Files checklist
    const files = lines.indexOf('**Files:**');
    expect(files).toBeGreaterThan(0);
    for (const f of extras[kind]) expect(lines.findIndex((l) => l.startsWith(`- **${f}:** `)), f).toBeLessThan(files);
    expect(lines.findIndex((l) => l.startsWith('- [ ] '))).toBeGreaterThan(files);
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

  // tests/worklog/rendered/<kind>.md are the entries the shipped templates give (first written before
  // strict mode and the yaml front matter parser; since then the kind's fields moved above the Files
  // checklist): a change to a template shows here, line by line.
  it.each(KINDS)('renders the shipped %s template exactly as before, in a worktree and in branch mode', (kind) => {
    const worktree = renderEntry(data({ kind }));
    const branchMode = renderEntry(data({ kind, mode: 'branch', path: null, profile: 'local', status: 'MERGED', component: 'a&b <c>', componentPaths: [] }));
    expect(`${worktree}\n${branchMode}`).toBe(read(join(import.meta.dirname, 'rendered', `${kind}.md`)));
  });

  function templateCopy(): string {
    const dir = tempDir('kit-tpl-');
    for (const k of KINDS) copyFileSync(join(TEMPLATES_DIR, `${k}.md.hbs`), join(dir, `${k}.md.hbs`));
    return dir;
  }

  it('reports a misspelt field as an OperationError naming the file, the line and the field', () => {
    const dir = templateCopy();
    const file = join(dir, 'feature.md.hbs');
    const shipped = read(file);
    const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const cases: [string, string, string][] = [
      ['{{fields.ETA}}', '{{fields.ETAA}}', 'fields.ETAA'],
      ['{{component}}', '{{compnent}}', 'compnent'],
      ['{{#if profile}}', '{{#if profil}}', 'profil'],
      ['{{#each files}}', '{{#each file}}', 'file'],
      ['- [ ] {{this}}', '- [ ] {{this}} {{../nam}}', '../nam'],
      ['- [ ] {{this}}', '- [ ] {{nam}}', 'nam'],
    ];
    for (const [good, bad, field] of cases) {
      const text = shipped.replace(good, bad);
      expect(text).not.toBe(shipped);
      writeFileSync(file, text);
      expect(() => loadTemplate('feature', dir)).not.toThrow();
      expect(() => renderEntry(data(), dir)).toThrow(OperationError);
      expect(() => renderEntry(data(), dir)).toThrow(`${file}: line ${lineOf(text, bad)}: unknown field '${field}'`);
    }
    writeFileSync(file, shipped.replace('  - "{{component_paths}}"', '  - "{{component_paths}}"\n  - "docs/{{nme}}.md"'));
    expect(() => renderEntry(data(), dir)).toThrow(`${file}: front matter files.1: unknown field 'nme'`);
    writeFileSync(file, shipped.replace('ETA: TBD', 'ETA: "{{strated}}"'));
    expect(() => renderEntry(data(), dir)).toThrow(`${file}: front matter fields.ETA: unknown field 'strated'`);
    writeFileSync(file, shipped.replace('"feature/{{name}}"', '"feature/{{component}}-{{name}}"'));
    expect(() => branchFor('feature', 'login', dir)).toThrow(`${file}: front matter branch: unknown field 'component'`);
    writeFileSync(file, shipped);
    expect(renderEntry(data(), dir)).toBe(renderEntry(data()));
  });

  it('checks the front matter: every key named in the error, unknown keys refused, YAML read by the yaml package', () => {
    const dir = templateCopy();
    const file = join(dir, 'bugfix.md.hbs');
    const shipped = read(file);
    const cases: [string, string, string][] = [
      ['kind: bugfix', 'kind: feature', "front matter kind: expected 'bugfix', found \"feature\""],
      ['kind: bugfix\n', '', "front matter kind: expected 'bugfix', found null"],
      ['branch: "fix/{{name}}"', 'branch: 3', 'front matter branch: expected a pattern containing {{name}}'],
      ['files:\n  - "{{component_paths}}"', 'files: "{{component_paths}}"', 'front matter files: expected a list of strings'],
      ['files:\n  - "{{component_paths}}"', 'files:\n  - [a, b]', 'front matter files.0: expected a string'],
      ['fields:\n  ETA: TBD', 'fields: [ETA]\nx:\n  ETA: TBD', 'front matter fields: expected a mapping of field names to default values'],
      ['Issue: "TBD"', 'Issue: [TBD]', 'front matter fields.Issue: expected a string, number or boolean'],
      ['fields:', 'feilds:', "front matter: unknown key 'feilds'; expected kind, branch, files, fields"],
      ['Issue: "TBD"', 'Issue: TBD\n  Issue: again', 'the front matter is not valid YAML: Map keys must be unique'],
    ];
    for (const [good, bad, message] of cases) {
      const text = shipped.replace(good, bad);
      expect(text).not.toBe(shipped);
      writeFileSync(file, text);
      expect(() => loadTemplate('bugfix', dir)).toThrow(OperationError);
      expect(() => loadTemplate('bugfix', dir)).toThrow(`${file}: ${message}`);
    }
    // YAML 1.2 as in parallel.config.yaml: a date stays text (gray-matter's js-yaml made it a Date)
    writeFileSync(file, shipped.replace('ETA: TBD', 'ETA: 2025-01-31\n  Budget: 3'));
    expect(loadTemplate('bugfix', dir).meta.fields).toMatchObject({ ETA: '2025-01-31', Budget: '3' });
    expect(renderEntry(data({ kind: 'bugfix' }), dir)).toContain('- **ETA:** 2025-01-31\n');
    // gray-matter would eval a ---js front matter
    writeFileSync(file, `---js\n{ kind: 'bugfix', branch: 'fix/{{name}}', files: [String(globalThis.kitEvaluated = 1)] }\n---\nbody\n`);
    expect(() => loadTemplate('bugfix', dir)).toThrow(`${file}: the front matter is not valid YAML: the front matter must be YAML (---)`);
    expect((globalThis as { kitEvaluated?: number }).kitEvaluated).toBeUndefined();
  });

  it('compiles a template once, and again only when its file changes', () => {
    const dir = templateCopy();
    const file = join(dir, 'debug.md.hbs');
    const first = loadTemplate('debug', dir);
    expect(loadTemplate('debug', dir)).toBe(first);
    renderEntry(data({ kind: 'debug' }), dir);
    expect(loadTemplate('debug', dir)).toBe(first);
    expect(Object.isFrozen(first.meta)).toBe(true);
    writeFileSync(file, read(file).replace('## {{name}} ({{kind}})', '## {{name}}, a {{kind}} session'));
    const second = loadTemplate('debug', dir);
    expect(second).not.toBe(first);
    expect(renderEntry(data({ kind: 'debug' }), dir)).toContain('## login, a debug session\n');
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
