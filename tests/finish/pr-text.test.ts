// The pull request finish-session pr=1 opens (or prints): a title from the session's commits, a body
// from its commits and what people wrote in its WORK_LOG entry, nothing of the machine it ran on.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FinishReport } from '../../scripts/lib/finish/finish.ts';
import { prArgv } from '../../scripts/lib/finish/pull-request.ts';
import { shellQuote } from '../../scripts/lib/core/shell.ts';
import { make, makeJson } from '../helpers/make.ts';
import { commitFiles, makeRepo, tempDir } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';

const noGh = () => ({ GH_CONFIG_DIR: tempDir('kit-gh-'), GH_TOKEN: '', GITHUB_TOKEN: '' });

function editWorklog(repo: string, change: (text: string) => string): void {
  const file = join(repo, 'WORK_LOG.md');
  writeFileSync(file, change(readFileSync(file, 'utf8')));
}

/** Runs a printed command with a stand-in gh that records its arguments: what a person pasting it would run. */
function argsOfPasted(command: string): string[] {
  const bin = tempDir('kit-fake-gh-');
  const out = join(bin, 'args');
  writeFileSync(join(bin, 'gh'), `#!/bin/sh\nprintf '%s\\0' "$@" > "$OUT"\n`);
  chmodSync(join(bin, 'gh'), 0o755);
  execFileSync('/bin/sh', ['-c', command], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, OUT: out, HOME: '/nonexistent' } });
  return readFileSync(out, 'utf8').split('\0').slice(0, -1);
}

describe('finish-session pr=1: the pull request text', () => {
  it('several commits: the first subject and how many more; the body lists them with the checklist, filled-in fields and notes, and no machine paths', () => {
    const repo = makeRepo({ origin: true });
    const s = newSession(repo, 'crash', { kind: 'bugfix' });
    commitFiles(s.path!, { 'server/a.py': 'a\n' }, "Don't crash on save");
    commitFiles(s.path!, { 'server/b.py': 'b\n' }, 'Add a test for $HOME `paths`');
    editWorklog(repo, (t) =>
      t
        .replace('- [ ] server/', '- [x] server/')
        .replace('- **Issue:** TBD', '- **Issue:** #42 saving crashes')
        .replace(/\*\*Notes:\*\*\n/, `**Notes:**\n\nChecked in ${s.path}/server/a.py by hand.\nPARALLEL_PORT=${s.port} was busy.\nRoot cause: a \`None\` config; it's fixed.\n`),
    );

    const r = make(repo, 'finish-session', { name: 'crash', pr: 1 }, noGh());
    expect(r.code, r.stderr).toBe(0);
    const title = "Don't crash on save (+1 more)";
    const body = [
      '## Commits',
      '',
      "- Don't crash on save",
      '- Add a test for $HOME `paths`',
      '',
      '## Checklist',
      '',
      '- [x] server/',
      '',
      '## Details',
      '',
      '- **Issue:** #42 saving crashes',
      '',
      '## Notes',
      '',
      "Checked in the session's copy/server/a.py by hand.",
      "Root cause: a `None` config; it's fixed.",
      '',
    ].join('\n');
    const argv = prArgv('main', 'fix/crash', title, body);
    const command = argv.map(shellQuote).join(' ');
    expect(r.stdout).toContain(`\n    ${command}\n`);
    expect(argsOfPasted(command)).toEqual(argv.slice(1));
    for (const machine of [s.path!, repo, String(s.port), 'PARALLEL_', 'TBD', '/tmp/', 'Status:']) expect(command).not.toContain(machine);
  });

  it('a title people gave the entry names a pull request of several commits; one commit gives its subject', () => {
    const repo = makeRepo({ origin: true });
    const s = newSession(repo, 'many');
    commitFiles(s.path!, { 'server/a.py': 'a\n' }, 'first step');
    commitFiles(s.path!, { 'server/b.py': 'b\n' }, 'second step');
    editWorklog(repo, (t) => t.replace('## many (feature)', '## Search that finds plurals'));
    const r = makeJson<FinishReport>(repo, 'finish-session', { name: 'many', pr: 1 }, noGh());
    expect(r.code, r.stderr).toBe(0);
    expect(r.data.pr?.argv[8]).toBe('Search that finds plurals');
    expect(r.data.pr?.argv[10]).toBe('## Commits\n\n- first step\n- second step\n\n## Checklist\n\n- [ ] server/\n');

    const one = newSession(repo, 'one');
    commitFiles(one.path!, { 'ui/x.js': 'x\n' }, 'Show the "saved" badge');
    const r1 = makeJson<FinishReport>(repo, 'finish-session', { name: 'one', pr: 1 }, noGh());
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.data.pr?.argv[8]).toBe('Show the "saved" badge');
    expect(r1.data.pr?.command).toContain(`--title 'Show the "saved" badge' --body '## Commits`);
  });
});
