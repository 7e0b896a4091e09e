// Real listening servers for port tests: in this process, or in a separate `node -e` process.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterAll } from 'vitest';
import { DEFAULT_CONFIG, makeRepo, withPorts, type RepoOptions } from './repo.ts';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** A server in this process on `port` (0: any free one), bound like a dev server unless `host` is given. */
export function listenHere(port = 0, host?: string): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host }, () => {
      const addr = server.address();
      const p = typeof addr === 'object' && addr ? addr.port : port;
      resolve({ server, port: p, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** Whether a server could listen on `port` now, tried as the kit tries it (any address, then loopback). */
async function canListen(port: number): Promise<boolean> {
  for (const host of [undefined, '127.0.0.1']) {
    try {
      await (await listenHere(port, host)).close();
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Below the ports the system hands out on its own (to `listen(0)` and to outgoing connections), so a
 * stretch found free stays free unless someone asks for those very ports.
 */
function belowEphemeral(): number {
  try {
    return Math.min(32768, Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768);
  } catch {
    return 32768;
  }
}

/**
 * The first of `span + 1` ports in a row that were all free a moment ago, at a random place between 20000
 * and the system's own ports, so that test files running at once do not meet on one stretch.
 */
export async function freePortRange(span = 0): Promise<number> {
  const high = Math.max(belowEphemeral(), 21000) - span - 1;
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * (high - 20000));
    let ok = true;
    for (let p = base; p <= base + span && ok; p++) ok = await canListen(p);
    if (ok) return base;
  }
  throw new Error('no free port range found');
}

/** A repository whose port range is `count` ports that were free a moment ago, and the first of them. */
export async function repoWithFreePorts(count: number, opts: RepoOptions = {}): Promise<{ repo: string; low: number }> {
  const low = await freePortRange(count - 1);
  return { repo: makeRepo({ ...opts, config: withPorts(opts.config ?? DEFAULT_CONFIG, low, low + count - 1) }), low };
}

const SERVER_JS = `const s = require('node:net').createServer();
s.on('error', (e) => { console.error(e.message); process.exit(3); });
s.listen(Number(process.argv[1]), () => console.log('ready'));
setTimeout(() => process.exit(0), 300000);`;

/** A separate `node -e` process listening on `port` in `cwd`; resolves once it listens. */
export function spawnServer(port: number, cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ pid: number; stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', SERVER_JS, String(port)], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const stop = () =>
        new Promise<void>((r) => {
          if (child.exitCode !== null || child.signalCode !== null) return r();
          child.once('exit', () => r());
          child.kill('SIGKILL');
        });
      if (d.includes('ready')) resolve({ pid: child.pid as number, stop });
    });
    child.on('exit', (code) => reject(new Error(`server on ${port} exited with ${code}: ${err}`)));
  });
}
