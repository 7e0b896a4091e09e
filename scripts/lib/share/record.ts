// What a machine publishes of a session: an allow-list of fields, built from the record and the tracker's
// status, never the environment file, the copy's path, the port or anything else of the machine.
import { homedir } from 'node:os';
import type { SessionRecord } from '../store/schemas.ts';
import type { SessionView } from '../monitor/monitor.ts';
import type { Machine } from './machine.ts';

/** The published fields, and nothing else (a test holds every published ref to this list). */
export const PUBLISHED_FIELDS = ['version', 'name', 'workspace', 'component', 'branch', 'state', 'progress', 'message', 'agent', 'machine', 'machine_id', 'created', 'last_heartbeat', 'published_at'] as const;

export interface PublishedSession {
  version: 1;
  name: string;
  workspace: string;
  component: string;
  branch: string;
  /** The monitor's state of the session (running, waiting_input, idle, completed, ...), or ended. */
  state: string;
  progress: number | null;
  message: string;
  agent: string | null;
  /** The machine's name as people read it, and its id. */
  machine: string;
  machine_id: string;
  created: string;
  last_heartbeat: string | null;
  /** Set when it is pushed; not part of what decides whether something changed. */
  published_at: string;
}

export const MESSAGE_MAX = 200;

/** Text that may leave the machine: no control characters, none of its paths, at most MESSAGE_MAX characters. */
export function scrub(text: string, paths: readonly string[]): string {
  let t = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
  for (const p of [...paths, homedir()].filter((p) => p && p.length > 1).sort((a, b) => b.length - a.length)) t = t.split(p).join('…');
  return t.length > MESSAGE_MAX ? `${t.slice(0, MESSAGE_MAX - 1)}…` : t;
}

/** The document of one session, without published_at (see digest). */
export function publishedOf(r: SessionRecord, view: SessionView, machine: Machine, paths: readonly string[]): Omit<PublishedSession, 'published_at'> {
  const hide = [...paths, r.path ?? '', r.env_file];
  return {
    version: 1,
    name: r.name,
    workspace: r.workspace,
    component: r.component,
    branch: r.branch,
    state: r.state === 'ended' ? 'ended' : view.state,
    progress: view.progress_pct,
    message: scrub(view.message, hide),
    agent: r.agent ?? null,
    machine: machine.name,
    machine_id: machine.id,
    created: r.created,
    last_heartbeat: view.last_heartbeat,
  };
}

/** What decides whether a session changed since it was last pushed. */
export const digest = (doc: Omit<PublishedSession, 'published_at'>): string => JSON.stringify(doc);

/** A published document as read from a ref, or null when it is not one (a reader goes on without it). */
export function readPublished(v: unknown): PublishedSession | null {
  if (!v || typeof v !== 'object') return null;
  const d = v as Record<string, unknown>;
  const str = (k: string) => typeof d[k] === 'string';
  if (d.version !== 1 || !['name', 'workspace', 'component', 'branch', 'state', 'machine', 'machine_id', 'created', 'published_at'].every(str)) return null;
  return {
    version: 1,
    name: d.name as string,
    workspace: d.workspace as string,
    component: d.component as string,
    branch: d.branch as string,
    state: d.state as string,
    progress: typeof d.progress === 'number' ? d.progress : null,
    message: typeof d.message === 'string' ? d.message : '',
    agent: typeof d.agent === 'string' ? d.agent : null,
    machine: d.machine as string,
    machine_id: d.machine_id as string,
    created: d.created as string,
    last_heartbeat: typeof d.last_heartbeat === 'string' ? d.last_heartbeat : null,
    published_at: d.published_at as string,
  };
}
