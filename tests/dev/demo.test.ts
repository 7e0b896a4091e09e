import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KIT_DIR, make } from '../helpers/make.ts';

describe('make demo', () => {
  it('runs three sessions in a throwaway repository to the designed end, shows the monitor, and removes everything', () => {
    const r = make(KIT_DIR, 'demo');
    expect(r.code, r.stderr).toBe(0);
    const dir = /A sample repository with three components: (\S+)\/repo/.exec(r.stdout)?.[1];
    expect(dir).toBeTruthy();
    for (const name of ['server', 'ui', 'docs']) expect(r.stdout).toContain(`make new-session name=${name} component=${name}`);
    const dashboards = r.stdout.split(/^Sessions in /m).slice(1);
    expect(dashboards.length).toBeGreaterThanOrEqual(2);
    const last = dashboards.at(-1) as string;
    expect(last).toMatch(/^total 3 {2}completed 2 {2}failed 1$/m);
    expect(last).toMatch(/sessions\/server +completed +\S+ +\[#{20}\] 100%/);
    expect(last).toMatch(/sessions\/docs +completed +\S+ +\[#{20}\] 100%/);
    expect(last).toMatch(/sessions\/ui +failed +\S+ +\[#{10}-{10}\] +50% +Rework the login form: the build breaks on the new form; needs a person \(1 earlier error\)$/m);
    expect(r.stdout).toMatch(/make monitor wait=1 exited 1/);
    expect(r.stdout).toMatch(/^\S+ +error +\d+ +snapshot test ui\/form.test.js/m);
    expect(r.stdout).toContain('The demo ran as designed');
    expect(existsSync(dir as string)).toBe(false);
  });
});
