// Real listening servers for port tests: in this process, or in a separate `node -e` process.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll } from 'vitest';

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

/** A port that was free a moment ago, with `span` free ports after it (best effort). */
export async function freePortRange(span = 0): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const probe = await listenHere();
    await probe.close();
    const base = probe.port;
    if (base + span > 65535) continue;
    let ok = true;
    for (let p = base + 1; p <= base + span && ok; p++) {
      try {
        const s = await listenHere(p);
        await s.close();
      } catch {
        ok = false;
      }
    }
    if (ok) return base;
  }
  throw new Error('no free port range found');
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
