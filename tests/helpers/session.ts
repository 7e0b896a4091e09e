// Sessions made through the real make target, and what their WORK_LOG entry says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { SessionRecord } from '../../scripts/lib/store/schemas.ts';
import { makeJson } from './make.ts';

/** What `make new-session json=1` prints: the session's record and its environment. */
export type Created = SessionRecord & { env: Record<string, string> };

/** `make new-session name=NAME json=1`, on component server shared unless `vars` say otherwise; fails the test when it fails. */
export function newSession(repo: string, name: string, vars: Record<string, string | number> = {}): Created {
  const r = makeJson<Created>(repo, 'new-session', { name, component: 'server', shared: 1, ...vars });
  expect(r.code, r.stderr).toBe(0);
  return r.data;
}

/** The `- **Field:** value` line of a session's WORK_LOG entry. */
export function worklogField(repo: string, uid: string, field: string): string | undefined {
  const text = readFileSync(join(repo, 'WORK_LOG.md'), 'utf8');
  const start = text.indexOf(`parallel-session:begin uid=${uid}`);
  const end = text.indexOf(`parallel-session:end uid=${uid}`);
  const entry = text.slice(start, end);
  return new RegExp(`^- \\*\\*${field}:\\*\\* (.*)$`, 'm').exec(entry)?.[1];
}
