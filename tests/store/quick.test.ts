import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { ISO_RE, quickSession, quickStatus, readSessionsQuick, readStatusQuick, SESSION_FIELDS, SESSION_OPTIONAL, STATUS_FIELDS, STATUS_OPTIONAL } from '../../scripts/lib/store/quick.ts';
import { sessionRecordSchema, statusSchema } from '../../scripts/lib/store/schemas.ts';
import { readRecord } from '../../scripts/lib/store/paths.ts';
import { readSessions } from '../../scripts/lib/store/sessions.ts';
import { tempDir } from '../helpers/repo.ts';

const SESSION = {
  version: 1, name: 's', uid: 'u', workspace: 'sessions', kind: 'feature', component: 'server', shared: false, branch: 'feature/s', base: 'main', mode: 'worktree',
  path: '/x/s', port: 8001, profile: null, created: '2026-01-01T00:00:00.000+01:00', state: 'active', copied: ['.env'], env_file: '/x/s/.env',
  agent: 'claude', agent_command: null, adopted_from: null, agent_argv: ['claude'], ended_at: null, outcome: null, creator: { pid: 12, host: 'h' }, last_sync: { at: '2026-01-01T00:00:00Z', result: 'ok', onto: 'abc' },
};
const STATUS = {
  session_id: 's', workspace: 'sessions', state: 'running', task_description: 't', progress_pct: 40, message: 'm', errors: [{ at: '2026-01-01T00:00:00.5-03:30', message: 'e' }],
  started_at: '2026-01-01T00:00:00+00:00', last_heartbeat: null, completed_at: null, output_files: [], metadata: { agent_hook: { agent: 'claude' } }, pid: 5, host: 'h', agent_event_at: 0, state_since: '2028-02-29T23:59:59Z',
};

/** Values that break or bend each kind of field: wrong types, empty, out of range, nearly dates, nested junk. */
const ODD: unknown[] = [
  undefined, null, '', 'x', 0, -1, 1, 1.5, 65535, 65536, 100, 100.5, Number.MAX_SAFE_INTEGER + 2, true, false, [], ['a'], [1], {}, { pid: 1, host: 'h' }, { pid: 0, host: 'h' },
  { pid: 1, host: 'h', extra: 1 }, { at: '2026-01-01T00:00:00Z', result: 'r' }, { at: '2026-01-01', result: 'r' }, [{ at: '2026-01-01T00:00:00Z', message: 'm' }], [{ at: 'x', message: 'm' }],
  '2026-01-01T00:00:00Z', '2026-01-01T00:00:00', '2025-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:00:00+24:00', '2026-01-01 00:00:00Z',
  'feature', 'bugfix', 'clone', 'sparse', 'ended', 'creating', 'blocked', 'waiting_input', 'COMPLETED', 'ABANDONED', JSON.parse('{"__proto__": 1}'),
];

/** Every record one odd value away from `base`, each field dropped, and an unknown key added. */
function variants(base: Record<string, unknown>): unknown[] {
  const out: unknown[] = [base, null, [], 'x', { ...base, unknown_key: 1 }];
  for (const k of Object.keys(base)) {
    const { [k]: _, ...without } = base;
    out.push(without);
    for (const v of ODD) out.push({ ...base, [k]: v });
  }
  return out;
}

describe.each([
  ['session.json', sessionRecordSchema, quickSession, SESSION, SESSION_FIELDS, SESSION_OPTIONAL],
  ['status.json', statusSchema, quickStatus, STATUS, STATUS_FIELDS, STATUS_OPTIONAL],
] as const)('the quick check of %s', (_file, schema, quick, base, fields, optional) => {
  it('knows exactly the fields of the zod schema, and which may be absent', () => {
    const shape = (schema as z.ZodObject).shape as Record<string, z.ZodType>;
    expect(Object.keys(fields).sort()).toEqual(Object.keys(shape).sort());
    expect([...optional].sort()).toEqual(Object.keys(shape).filter((k) => shape[k]?.safeParse(undefined).success).sort());
  });

  it('accepts only what zod accepts, as zod gives it back, and every plain valid record', () => {
    let accepted = 0;
    for (const v of variants(base as Record<string, unknown>)) {
      const q = quick(v);
      const r = (schema as z.ZodType).safeParse(v);
      if (q !== null) {
        accepted++;
        expect(r.success, JSON.stringify(v)).toBe(true);
        expect(q).toStrictEqual(r.data);
      } else if (r.success) {
        // zod may accept more (it strips unknown keys, takes a __proto__ key, an optional key set to undefined,
        // which no JSON holds): those go to zod, never wrongly.
        const bent = Object.values(v as object).includes(undefined) || /unknown_key|extra|__proto__/.test(JSON.stringify(v));
        expect(bent, JSON.stringify(v)).toBe(true);
      }
    }
    expect(accepted).toBeGreaterThan(20);
  });

  it('uses the pattern zod uses for timestamps', () => {
    expect(ISO_RE.source).toBe((z.iso.datetime({ offset: true }) as unknown as { _zod: { def: { pattern: RegExp } } })._zod.def.pattern.source);
  });
});

describe('reading records without zod', () => {
  it('gives what the zod readers give: records, corrupt ones with the same words, statuses', async () => {
    const root = tempDir();
    const put = (name: string, text: string) => {
      mkdirSync(join(root, 'sessions', name), { recursive: true });
      writeFileSync(join(root, 'sessions', name, 'session.json'), text);
    };
    put('a', JSON.stringify({ ...SESSION, name: 'a' }));
    put('b', JSON.stringify({ ...SESSION, name: 'b', unknown_key: 'stripped by zod' }));
    put('c', '{ half');
    put('d', JSON.stringify({ ...SESSION, name: 'd', port: 0 }));
    mkdirSync(join(root, 'sessions', 'e'));
    expect(await readSessionsQuick(root, 'sessions')).toEqual(readSessions(root, 'sessions'));
    expect((await readSessionsQuick(root, 'sessions')).corrupt.map((c) => c.name)).toEqual(['c', 'd']);

    const status = join(root, 'sessions', 'a', 'status.json');
    for (const text of [JSON.stringify(STATUS), JSON.stringify({ ...STATUS, progress_pct: 101 }), 'not json']) {
      writeFileSync(status, text);
      expect(await readStatusQuick(status)).toEqual(readRecord(status, statusSchema));
    }
    expect(await readStatusQuick(join(root, 'none.json'))).toEqual(readRecord(join(root, 'none.json'), statusSchema));
  });
});
