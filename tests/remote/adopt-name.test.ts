// make adopt's default session name: the branch's last part, made into a name the kit takes.
import { describe, expect, it } from 'vitest';
import { nameFromBranch } from '../../scripts/lib/web/adopt.ts';
import { describeName } from '../../scripts/lib/store/names.ts';

describe('nameFromBranch', () => {
  it('takes the last part and turns what a name cannot hold into -', () => {
    expect(nameFromBranch('claude/fix-x')).toBe('fix-x');
    expect(nameFromBranch('codex/team/login page')).toBe('login-page');
    expect(nameFromBranch('claude/.hidden..x.lock')).toBe('hidden.x');
    expect(nameFromBranch('claude/ünïcode')).toBe('n-code');
    expect(nameFromBranch(`claude/${'a'.repeat(80)}`)).toHaveLength(64);
    for (const b of ['claude/fix-x', 'codex/team/login page', 'claude/.hidden..x.lock', 'claude/ünïcode']) expect(describeName(nameFromBranch(b)), b).toBeNull();
  });
});
