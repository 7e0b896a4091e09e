// The notifier's memory (per session: its state, since when, last sent) in <state>/notify.json,
// read and rewritten under a lock, so that two watchers (the plan's orchestrator, make monitor watch=1
// notify=1) decide once between them: the one that records a notification as sent is the one that sends it.
import { join } from 'node:path';
import * as z from 'zod';
import { writeJsonAtomic } from '../core/files.ts';
import { readRecord, withStoreLock } from '../store/paths.ts';
import type { NotifyConfig } from '../config/config.ts';
import type { SessionView } from '../monitor/monitor.ts';
import { decideNotifications, type Memory, type Verdict } from './decide.ts';

const memorySchema = z.object({
  version: z.literal(1),
  sessions: z.record(z.string(), z.object({ state: z.string(), previous: z.string().nullable().default(null), since: z.number(), handled: z.boolean(), last_sent: z.number().nullable() })),
});

export const memoryFile = (root: string) => join(root, 'notify.json');

export function readMemory(root: string): Memory {
  const r = readRecord(memoryFile(root), memorySchema);
  return r.ok ? r.value.sessions : {}; // a corrupt memory starts over: at worst one notification again
}

/** Decides under the lock and records the decision; the caller sends the verdicts marked sent. */
export function observe(root: string, views: readonly SessionView[], cfg: NotifyConfig, nowMs: number, focused: (v: SessionView) => boolean): Promise<Verdict[]> {
  return withStoreLock(root, 'notify', () => {
    const before = readMemory(root);
    const { memory, verdicts } = decideNotifications(before, views, cfg, nowMs, focused);
    // Watchers poll every second or so: the file is rewritten only when the decision changed something.
    if (JSON.stringify(memory) !== JSON.stringify(before)) writeJsonAtomic(memoryFile(root), { version: 1, sessions: memory });
    return verdicts;
  });
}
