// Every machine's sessions as the last fetch of the shared remote saw them, beside this machine's own:
// for list-sessions remote=1 and monitor remote=1. A machine silent for share_stale is marked stale.
import type { Context } from '../config/context.ts';
import { isoWithOffset } from '../core/time.ts';
import type { Machine } from './machine.ts';
import { lastSeen, ownedBy, readClaims, type Holder } from './claims.ts';
import { readPublished, type PublishedSession } from './record.ts';
import { byText } from '../core/order.ts';
import { trackedRefs } from './refs.ts';
import type { Sharing } from './settings.ts';

/** The stable keys of a published session in `json=1` (the published fields, and what this machine makes of them). */
export interface SharedSessionRow extends PublishedSession {
  /** Its machine has published nothing for share_stale. */
  stale: boolean;
  /** Whether it holds its component's claim on the remote. */
  claims: boolean;
}

export interface MachineRow {
  machine: string;
  machine_id: string;
  last_published: string | null;
  stale: boolean;
  sessions: number;
}

export interface SharedView {
  remote: string;
  /** False when the remote could not be fetched: what the last fetch saw. */
  fetched: boolean;
  machines: MachineRow[];
  sessions: SharedSessionRow[];
  /** Claims of other machines in this workspace, with their holders. */
  claims: { component: string; holder: Holder; stale: boolean }[];
}

/** The other machines' sessions in this workspace (this machine's own are the local rows). */
export async function sharedView(ctx: Context, sharing: Pick<Sharing, 'remote' | 'staleS'>, machine: Machine, fetched: boolean, now = Date.now()): Promise<SharedView> {
  const seen = await lastSeen(ctx, sharing.remote);
  const isOwn = ownedBy(machine);
  const stale = (id: string) => now - (seen.get(id) ?? 0) >= sharing.staleS * 1000;
  const claims = await readClaims(ctx, sharing.remote, ctx.config.workspace);
  const held = new Set(claims.map((c) => `${c.holder.machine_id} ${c.holder.session}`));
  const sessions: SharedSessionRow[] = [];
  for (const e of (await trackedRefs(ctx, sharing.remote)).sessions) {
    const doc = readPublished(e.value);
    if (!doc || isOwn(doc.machine_id) || doc.workspace !== ctx.config.workspace) continue;
    sessions.push({ ...doc, stale: stale(doc.machine_id), claims: held.has(`${doc.machine_id} ${doc.name}`) });
  }
  sessions.sort((a, b) => byText(a.machine, b.machine) || byText(a.name, b.name));
  const machines = new Map<string, MachineRow>();
  for (const s of sessions) {
    const m = machines.get(s.machine_id) ?? { machine: s.machine, machine_id: s.machine_id, last_published: null, stale: s.stale, sessions: 0 };
    m.sessions++;
    machines.set(s.machine_id, m);
  }
  for (const c of claims) if (!isOwn(c.holder.machine_id) && !machines.has(c.holder.machine_id)) machines.set(c.holder.machine_id, { machine: c.holder.machine, machine_id: c.holder.machine_id, last_published: null, stale: stale(c.holder.machine_id), sessions: 0 });
  for (const m of machines.values()) {
    const ms = seen.get(m.machine_id);
    m.last_published = ms ? isoWithOffset(new Date(ms)) : null;
  }
  return {
    remote: sharing.remote,
    fetched,
    machines: [...machines.values()].sort((a, b) => byText(a.machine, b.machine)),
    sessions,
    claims: claims.filter((c) => !isOwn(c.holder.machine_id)).map((c) => ({ component: c.component, holder: c.holder, stale: stale(c.holder.machine_id) })),
  };
}
