import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KIT_DIR, make } from '../helpers/make.ts';
import { tempDir } from '../helpers/repo.ts';

const LOADER = join(KIT_DIR, 'node_modules/tsx/dist/loader.mjs');

/** Runs runCommand in a process of its own (it sets the exit code), with MAKEFLAGS as make would pass them. */
function runIn(makeflags: string, body: string): { code: number; stdout: string; stderr: string } {
  const script = `
    import { runCommand } from ${JSON.stringify(join(KIT_DIR, 'scripts/lib/cli/run.ts'))};
    const spec = { name: 'probe', example: 'json=1', options: [{ name: 'json', kind: 'flag', help: 'json' }] };
    await runCommand(spec, async (options, invocation) => { ${body} });
  `;
  const env: NodeJS.ProcessEnv = { ...process.env, MAKEFLAGS: makeflags };
  delete env.NO_COLOR;
  delete env.DEBUG;
  const r = spawnSync(process.execPath, ['--import', LOADER, '--input-type=module', '-e', script], { encoding: 'utf8', env });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

describe('runCommand', () => {
  it("hands make's upper-case variables to the command without writing them into process.env", () => {
    const r = runIn(' -- NO_COLOR=1 json=1', 'process.stdout.write(JSON.stringify({ options, env: invocation.env.NO_COLOR ?? null, process: process.env.NO_COLOR ?? null, color: invocation.color }));');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ options: { json: true }, env: '1', process: null, color: false });
  });

  it('maps errors to one line and an exit code; DEBUG=1 on make\'s command line adds the stack', () => {
    const usage = runIn(' -- jsn=1', '');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe('probe: unknown option jsn= (did you mean json=?); it takes json=1\n');
    const failed = runIn('', "throw new Error('boom');");
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe('probe: unexpected error: boom (run with DEBUG=1 for details)\n');
    const debug = runIn(' -- DEBUG=1', "throw new Error('boom');");
    expect(debug.stderr.split('\n')[1]).toBe('Error: boom');
    expect(debug.stderr).toMatch(/\n +at /);
  });

  it('a real command through make: one line, or the stack with DEBUG=1', () => {
    const dir = tempDir();
    const plain = make(dir, 'list-sessions', { repo: join(dir, 'nope') });
    expect(plain.exit).toBe(2);
    expect(plain.stderr.trim().split('\n')).toEqual([`list-sessions: repo=${join(dir, 'nope')}: no such folder`]);
    const debug = make(dir, 'list-sessions', { repo: join(dir, 'nope'), DEBUG: 1 });
    expect(debug.exit).toBe(2);
    expect(debug.stderr).toMatch(/^list-sessions: repo=.*: no such folder\nUsageError: .*\n +at /);
  });
});
