// Two machines claim one component at the same moment, 20 times: exactly one wins each time (the remote
// takes the claim's push under its lease), and the loser is refused naming the winner and left as it was.
// In one process for speed: two real checkouts, their own state folders and machine ids, real pushes.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContext } from '../../scripts/lib/config/context.ts';
import { createSession } from '../../scripts/lib/session/create.ts';
import { readShareState } from '../../scripts/lib/share/state.ts';
import { gitIn } from '../helpers/repo.ts';
import { laptops, RACE_COMPONENTS, remoteBlob, remoteRefs, type Laptops } from './machines.ts';

let m: Laptops;
beforeAll(() => {
  m = laptops();
});

const context = (repo: string) => loadContext(repo, { cwd: repo, env: process.env });

describe('a claim race between two machines', () => {
  it('20 rounds: one winner each, the loser refused naming it and left clean', async () => {
    const [a, b] = [await context(m.a), await context(m.b)];
    for (const [round, component] of RACE_COMPONENTS.entries()) {
      const names = [`r${round}-a`, `r${round}-b`];
      const results = await Promise.allSettled([createSession(a, { name: names[0] as string, component }), createSession(b, { name: names[1] as string, component })]);
      const won = results.map((r) => r.status === 'fulfilled');
      expect(won.filter(Boolean), `round ${round}: ${results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'won')).join(' | ')}`).toHaveLength(1);
      const w = won[0] ? 0 : 1;
      const l = 1 - w;
      const [winner, loser] = [names[w] as string, names[l] as string];
      const [winCtx, loseCtx] = w === 0 ? [a, b] : [b, a];
      const reason = ((results[l] as PromiseRejectedResult).reason as Error).message;
      expect(reason).toMatch(new RegExp(`component '${component}' (is|was just) claimed (by|on origin by) session '${winner}' on machine 'laptop-${w === 0 ? 'a' : 'b'}'`));
      expect(reason.split("\n")).toHaveLength(1);
      const claim = remoteBlob(m.bare, `refs/parallel/claims/sessions/${component}`, 'claim.json');
      expect(claim.session).toBe(winner);
      // The loser: no session, no branch, no copy, no claim of its own, nothing to publish.
      expect(existsSync(join(loseCtx.root, 'sessions', loser))).toBe(false);
      expect(gitIn(loseCtx.main, 'branch', '--list', `feature/${loser}`)).toBe('');
      expect(existsSync(join(loseCtx.config.worktreeRoot, loser))).toBe(false);
      expect(gitIn(loseCtx.main, 'worktree', 'list')).not.toContain(loser);
      expect(Object.keys(readShareState(loseCtx.root).published).filter((r) => r.endsWith(`/${loser}`))).toEqual([]);
      expect(existsSync(join(winCtx.root, 'sessions', winner, 'share.json'))).toBe(true);
    }
    // Every component has exactly one claim on the remote, and no loser was ever published.
    const refs = Object.keys(remoteRefs(m.bare));
    expect(refs.filter((r) => r.startsWith('refs/parallel/claims/sessions/c'))).toHaveLength(RACE_COMPONENTS.length);
    expect(refs.filter((r) => r.startsWith('refs/parallel/sessions/'))).toHaveLength(RACE_COMPONENTS.length);
  }, 600_000);
});
