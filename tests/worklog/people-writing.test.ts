// A person (or an agent) appending to WORK_LOG.md while sessions start: not one of their lines is lost.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeAsync } from '../helpers/make.ts';
import { makeRepo } from '../helpers/repo.ts';

describe('WORK_LOG.md written by people at the same time', () => {
  it('keeps every line appended while four new-session commands add their entries', async () => {
    const repo = makeRepo();
    const log = join(repo, 'WORK_LOG.md');
    writeFileSync(log, '# Work log\n');
    const stop = join(repo, '..', 'stop');
    const script = `i=0; while [ ! -e '${stop}' ]; do i=$((i+1)); echo "human line $i" >> '${log}'; done; echo $i`;
    const person = spawn('/bin/sh', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let written = '';
    person.stdout.setEncoding('utf8').on('data', (d: string) => (written += d));
    const done = new Promise<void>((resolve) => person.on('close', () => resolve()));
    const results = await Promise.all(['p1', 'p2', 'p3', 'p4'].map((name) => makeAsync(repo, 'new-session', { name, component: 'ui', shared: 1 })));
    writeFileSync(stop, '');
    await done;
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(log, 'utf8').split('\n');
    const human = lines.filter((l) => l.startsWith('human line ')).map((l) => Number(l.slice(11)));
    const count = Number(written.trim());
    expect(count).toBeGreaterThan(100);
    expect(human).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(lines.filter((l) => l.startsWith('<!-- parallel-session:begin '))).toHaveLength(4);
  });
});
