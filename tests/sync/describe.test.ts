import { describe, expect, it } from 'vitest';
import { describeSync } from '../../scripts/lib/sync/sync.ts';
import { emptySync } from '../../scripts/lib/sync/session.ts';

describe('describeSync', () => {
  it('writes the Last sync line', () => {
    const s = { ...emptySync({ name: 'a', mode: 'worktree', branch: 'feature/a' }, { base: 'main', ref: 'main', sha: 'abcdef1234567890' }), result: 'conflict' as const, conflicts: ['x.py', 'y.py'] };
    expect(describeSync(s, '2026-11-21T23:40:12.000+01:00')).toBe('2026-11-21 23:40 conflict onto abcdef1 in x.py, y.py (left as it was)');
    expect(describeSync({ ...s, result: 'rebased' }, '2026-11-21T23:40:12.000+01:00')).toBe('2026-11-21 23:40 rebased onto abcdef1');
  });
});
