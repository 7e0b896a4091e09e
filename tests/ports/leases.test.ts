import { describe, expect, it } from 'vitest';
import { parseLsof, type PortHolder } from '../../scripts/lib/ports/holders.ts';
import { classifyLease, fullRangeMessage, holderIsOwn, isPortFree, pickPort, portHolders } from '../../scripts/lib/ports/leases.ts';
import { freePortRange, listenHere, spawnServer } from '../helpers/ports.ts';
import { tempDir } from '../helpers/repo.ts';

const linux = process.platform === 'linux';

describe('isPortFree and pickPort', () => {
  it('sees a port held by a dev-server-style listener as taken, and skips it', async () => {
    const held = await listenHere();
    try {
      expect(await isPortFree(held.port)).toBe(false);
      const picked = await pickPort(held.port, Math.min(held.port + 50, 65535), new Set());
      expect(picked).not.toBeNull();
      expect(picked).toBeGreaterThan(held.port);
      await expect(pickPort(held.port, held.port, new Set())).rejects.toThrow(`no free port in ${held.port} (in use by another process); stop that process or widen ports.range`);
    } finally {
      await held.close();
    }
    expect(await isPortFree(held.port)).toBe(true);
  });

  it('sees a loopback-only listener as taken', async () => {
    const held = await listenHere(0, '127.0.0.1');
    try {
      expect(await isPortFree(held.port)).toBe(false);
    } finally {
      await held.close();
    }
  });

  it('skips leased ports even when they are free, and returns the lowest one left', async () => {
    const low = await freePortRange(3);
    expect(await pickPort(low, low + 3, new Set())).toBe(low);
    expect(await pickPort(low, low + 3, new Set([low, low + 1]))).toBe(low + 2);
    await expect(pickPort(low, low + 1, new Set([low, low + 1]))).rejects.toThrow(`no free port in ${low}-${low + 1} (all 2 leased to sessions); end a session or widen ports.range`);
  });

  it('says exactly why a full range is full: all leased, all in use, or how many of each', () => {
    const msg = (leased: number, inUse: number, denied = 0, high = 8003) => fullRangeMessage(8001, high, { leased, inUse, denied });
    expect(msg(3, 0)).toBe('no free port in 8001-8003 (all 3 leased to sessions); end a session or widen ports.range');
    expect(msg(0, 3)).toBe('no free port in 8001-8003 (all 3 in use by other processes); stop those processes or widen ports.range');
    expect(msg(2, 1)).toBe('no free port in 8001-8003 (2 leased to sessions, 1 in use by another process); end a session, stop that process or widen ports.range');
    expect(msg(1, 2)).toBe('no free port in 8001-8003 (1 leased to a session, 2 in use by other processes); end a session, stop those processes or widen ports.range');
    expect(msg(1, 1, 1)).toBe('no free port in 8001-8003 (1 leased to a session, 1 in use by another process, 1 not allowed to bind here); end a session, stop that process or widen ports.range');
    expect(msg(0, 0, 3)).toBe('no free port in 8001-8003 (all 3 not allowed to bind here); widen ports.range');
    expect(msg(1, 0, 0, 8001)).toBe('no free port in 8001 (leased to a session); end a session or widen ports.range');
  });

  it('rejects a port outside 1-65535', async () => {
    await expect(isPortFree(0)).rejects.toThrow(/invalid port 0/);
    await expect(isPortFree(70000)).rejects.toThrow(/invalid port/);
  });
});

describe('portHolders', () => {
  it('finds this test process listening on a port', async () => {
    const held = await listenHere();
    try {
      const holders = await portHolders(held.port);
      const me = holders.find((h) => h.pid === process.pid);
      expect(me, JSON.stringify(holders)).toBeDefined();
      expect(me?.cwd).toBe(process.cwd());
      expect(me?.command).toMatch(/node/);
    } finally {
      await held.close();
    }
    expect(await portHolders(held.port)).toEqual([]);
  });

  it.skipIf(!linux)("finds another process, its cwd and its PARALLEL_SESSION", async () => {
    const cwd = tempDir('kit-holder-');
    const port = await freePortRange();
    const server = await spawnServer(port, cwd, { PARALLEL_SESSION: 'alpha' });
    try {
      expect(await portHolders(port)).toEqual([{ pid: server.pid, command: 'node', cwd, env_session: 'alpha' }]);
    } finally {
      await server.stop();
    }
  });

  it('parses lsof -Fpcn output', () => {
    const out = 'p123\ncnode\nf20\nn*:8001\np456\ncpython3\nf3\nn[::1]:8001\n';
    expect(parseLsof(out)).toEqual([
      { pid: 123, command: 'node' },
      { pid: 456, command: 'python3' },
    ]);
    expect(parseLsof('')).toEqual([]);
  });
});

describe('classifyLease', () => {
  const session = { name: 'alpha', path: '/work/repo-sessions/alpha' };
  const holder = (over: Partial<PortHolder>): PortHolder => ({ pid: 42, command: 'python3', cwd: '/elsewhere', env_session: null, ...over });

  it('tells own, foreign, unknown and free apart', () => {
    expect(classifyLease(session, false, []).flag).toBe('free');
    expect(classifyLease(session, true, [holder({ cwd: '/work/repo-sessions/alpha/server' })]).flag).toBe('ok');
    expect(classifyLease(session, true, [holder({ env_session: 'alpha' })]).flag).toBe('ok');
    const foreign = classifyLease(session, true, [holder({ pid: 123 })]);
    expect(foreign).toEqual({ flag: 'foreign', note: 'held by pid 123 (python3) outside the session' });
    expect(classifyLease(session, true, [holder({ cwd: '/work/repo-sessions/alpha2' })]).flag).toBe('foreign');
    expect(classifyLease(session, true, [holder({ env_session: 'beta', cwd: '/work/repo-sessions/alpha' })]).flag).toBe('ok');
    expect(classifyLease(session, true, []).flag).toBe('unknown');
    expect(classifyLease(session, true, [holder({ pid: null, command: null, cwd: null })]).flag).toBe('unknown');
    expect(classifyLease(session, true, [holder({ cwd: '/work/repo-sessions/alpha' }), holder({ pid: 7 })]).flag).toBe('foreign');
  });

  it('in branch mode (no copy) only the environment marks a holder as own', () => {
    expect(holderIsOwn(holder({ cwd: '/work/repo' }), { name: 'alpha', path: null })).toBe(false);
    expect(holderIsOwn(holder({ env_session: 'alpha' }), { name: 'alpha', path: null })).toBe(true);
  });
});
