import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { prArgv } from '../../scripts/lib/finish/pull-request.ts';
import { shellQuote } from '../../scripts/lib/core/shell.ts';
import { tempDir } from '../helpers/repo.ts';

describe('the gh command', () => {
  it('quotes the printed command so that a shell gives back exactly the arguments', () => {
    const body = "It's a \"body\" with $HOME, `ticks`, \\ and\nnew lines; rm -rf /\n";
    const argv = prArgv('main', 'feature/x', "Don't $(panic)", body);
    const command = argv.map(shellQuote).join(' ');
    const echoed = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${command.replace(/^gh /, '')}`], { cwd: tempDir(), encoding: 'utf8' });
    expect(echoed.split('\0').slice(0, -1)).toEqual(argv.slice(1));
    expect(shellQuote('feature/x')).toBe('feature/x');
  });
});
