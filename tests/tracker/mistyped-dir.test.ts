// A mistyped dir= is an error, not a new state folder somewhere on the disk.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kit } from '../helpers/make.ts';
import { tempDir } from '../helpers/repo.ts';

describe('dir= that does not exist', () => {
  it('track refuses a state folder whose parent is missing, and monitor one that is missing', () => {
    const base = tempDir();
    const wrong = join(base, 'no-such-place', 'state');
    const t = kit(base, 'track', { dir: wrong, workspace: 'w', session: 's', event: 'start' });
    expect(t.exit).toBe(2);
    expect(t.stderr).toMatch(/dir=.*does not exist/);
    expect(existsSync(join(base, 'no-such-place'))).toBe(false);
    const m = kit(base, 'monitor', { dir: join(base, 'missing') });
    expect(m.exit).toBe(2);
    expect(m.stderr).toMatch(/no such folder/);
    expect(kit(base, 'track', { dir: join(base, 'state'), workspace: 'w', session: 's', event: 'start' }).exit).toBe(0); // a new one beside existing folders is fine
  });
});
