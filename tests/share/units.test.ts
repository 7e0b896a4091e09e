// The pure parts of sharing: the config's keys, the argv of a lease-checked push, what a message may carry
// off the machine, the machine's ref segment; and that a published document is read back field by field.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../scripts/lib/config/config.ts';
import { UsageError } from '../../scripts/lib/core/errors.mjs';
import { pushArgs } from '../../scripts/lib/share/push.ts';
import { MESSAGE_MAX, readPublished, scrub } from '../../scripts/lib/share/record.ts';
import { refSafe } from '../../scripts/lib/share/machine.ts';
import { kit } from '../helpers/make.ts';
import { makeRepo } from '../helpers/repo.ts';
import { ensureBuilt } from '../helpers/tracker.ts';

describe('sharing in the config', () => {
  it('is off by default, with a 30 s interval and 30 min before a machine is stale', () => {
    expect(parseConfigText('', 'c')).toMatchObject({ share: null, share_interval: 30, share_stale: 1800 });
  });
  it('takes a remote and durations in seconds, s, m or h', () => {
    expect(parseConfigText('share: origin\nshare_interval: 10s\nshare_stale: 2h\n', 'c')).toMatchObject({ share: 'origin', share_interval: 10, share_stale: 7200 });
    expect(parseConfigText('share: false\nshare_stale: 45m\n', 'c')).toMatchObject({ share: null, share_stale: 2700 });
  });
  it.each([
    ['share: "origin; rm -rf /"\n', /share: expected the name of a git remote/],
    ['share_interval: soon\n', /share_interval/],
    ['share_stale: 0\n', /share_stale: expected at least 1 second/],
  ])('refuses %j in one line', (text, msg) => {
    expect(() => parseConfigText(text, 'parallel.config.yaml')).toThrow(UsageError);
    expect(() => parseConfigText(text, 'parallel.config.yaml')).toThrow(msg);
  });
});

describe('a lease-checked push', () => {
  it('expects absent, a commit, or nothing (a forced update of our own ref)', () => {
    expect(pushArgs('origin', [
      { ref: 'refs/parallel/claims/w/ui', commit: 'c1', lease: '' },
      { ref: 'refs/parallel/claims/w/db', commit: null, lease: 'c0' },
      { ref: 'refs/parallel/sessions/m/w/s', commit: 'c2' },
    ])).toEqual(['push', '--porcelain', '--no-verify', '--force-with-lease=refs/parallel/claims/w/ui:', '--force-with-lease=refs/parallel/claims/w/db:c0', 'origin', 'c1:refs/parallel/claims/w/ui', ':refs/parallel/claims/w/db', '+c2:refs/parallel/sessions/m/w/s']);
  });
});

describe('what leaves the machine', () => {
  it("a message loses control characters and the machine's paths, and is cut short", () => {
    expect(scrub('done in /home/me/repo-sessions/x/a.ts\x1b[2J', ['/home/me/repo-sessions/x'])).toBe('done in …/a.ts [2J');
    expect(scrub('y'.repeat(500), [])).toHaveLength(MESSAGE_MAX);
  });
  it('a machine name becomes a ref segment', () => {
    expect(refSafe('Alice’s MacBook Pro.local')).toBe('Alice-s-MacBook-Pro.local');
    expect(refSafe('box.lock')).toBe('box');
    expect(refSafe('...')).toBe('machine');
  });
  it('a published document is read back with its listed fields only', () => {
    const doc = { version: 1, name: 's', workspace: 'w', component: 'ui', branch: 'b', state: 'running', progress: 5, message: 'm', agent: null, machine: 'm', machine_id: '0123abcd', created: 'x', last_heartbeat: null, published_at: 'y', port: 8001, path: '/tmp/x' };
    expect(Object.keys(readPublished(doc) ?? {})).not.toContain('port');
    expect(readPublished({ ...doc, version: 2 })).toBeNull();
    expect(readPublished('not json')).toBeNull();
  });
});

describe('sharing options without sharing', () => {
  beforeAll(() => ensureBuilt());
  it.each(['offline', 'takeover'])('%s=1 is bad usage when sharing is off (exit 2, one line)', (flag) => {
    const repo = makeRepo();
    const r = kit(repo, 'new-session', { name: 'x', component: 'ui', [flag]: 1 });
    expect(r.exit).toBe(2);
    expect(r.stderr.trim()).toBe(`new-session: ${flag}=1 goes with sharing (share: in the config, or share=1); without it every claim is on this machine only`);
  });
});
