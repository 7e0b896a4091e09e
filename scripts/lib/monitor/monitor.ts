// SessionMonitor: reads every session's status and classifies it. Read-only: it never writes a session's files.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logEventSchema, statusSchema, type LogEvent } from '../store/schemas.ts';
import { listDirs, readRecord } from '../store/paths.ts';
import { isoWithOffset } from '../core/time.ts';
import { LOG_FILE, RESERVED_WORKSPACES, STATUS_FILE } from '../store/constants.ts';
import { locate } from '../tracker/locate.ts';
import { ENDED_STATES, MONITOR_STATES, missingView, viewOfFolder, type ClassifyOptions, type MonitorState, type SessionView, type WindowLookup } from './inspect.ts';

export { MONITOR_STATES, ENDED_STATES, classify, inspectSessionQuick, type MonitorState, type ClassifyOptions, type SessionView, type WindowRef, type WindowLookup } from './inspect.ts';

/** One session, classified; `null` for a folder that holds no session (neither status, record nor log). */
function inspectFolder(root: string, workspace: string, sessionId: string, opts: ClassifyOptions): SessionView | null {
  return viewOfFolder(root, workspace, sessionId, readRecord(join(root, workspace, sessionId, STATUS_FILE), statusSchema), opts);
}

/** One session by name (for list-sessions): a git session with no status yet is `created`; no files at all is `corrupt`. */
export function inspectSession(root: string, workspace: string, sessionId: string, opts: ClassifyOptions = {}): SessionView {
  return inspectFolder(root, workspace, sessionId, opts) ?? missingView(root, workspace, sessionId);
}

export type Totals = Record<'total' | MonitorState, number>;

export function totalsOf(views: readonly SessionView[]): Totals {
  const t = Object.fromEntries([['total', views.length], ...MONITOR_STATES.map((s) => [s, 0])]) as Totals;
  for (const v of views) t[v.state]++;
  return t;
}

export function allEnded(views: readonly SessionView[]): boolean {
  return views.every((v) => ENDED_STATES.includes(v.state));
}

export interface Snapshot {
  polled_at: string;
  root: string;
  workspace: string | null;
  totals: Totals;
  sessions: SessionView[];
}

export interface MonitorOptions extends ClassifyOptions {
  /** The state folder; by default PARALLEL_DIR, the session environment file, or <main checkout>/.parallel. */
  root?: string;
  /** Only this workspace (default: every workspace). */
  workspace?: string;
  /** Only this session id. */
  session?: string;
  /** Fills each session's `window` (make monitor passes launch/'s lookup; without it, none). */
  windows?: WindowLookup;
}

export class SessionMonitor {
  readonly root: string;
  readonly workspace: string | null;
  readonly session: string | null;
  private readonly opts: ClassifyOptions;
  private readonly windows: WindowLookup | null;

  constructor(opts: MonitorOptions = {}) {
    // The public API's default: the state folder the calling process belongs to.
    this.root = opts.root ?? locate({}, process.cwd(), process.env).root;
    this.workspace = opts.workspace ?? null;
    this.session = opts.session ?? null;
    this.opts = { heartbeatTimeoutS: opts.heartbeatTimeoutS, sessionTimeoutS: opts.sessionTimeoutS, now: opts.now };
    this.windows = opts.windows ?? null;
  }

  workspaces(): string[] {
    if (this.workspace) return [this.workspace];
    return listDirs(this.root).filter((w) => !(RESERVED_WORKSPACES as readonly string[]).includes(w));
  }

  /** Every session of the watched workspaces, sorted by workspace then id. */
  sessions(): SessionView[] {
    const out: SessionView[] = [];
    for (const w of this.workspaces()) {
      for (const id of listDirs(join(this.root, w))) {
        if (this.session && id !== this.session) continue;
        const v = inspectFolder(this.root, w, id, this.opts);
        if (v) out.push(v);
      }
    }
    if (this.windows && out.length) {
      const found = this.windows(out.map((v) => ({ workspace: v.workspace, session: v.session_id })));
      for (const v of out) v.window = found.get(`${v.workspace}/${v.session_id}`) ?? null;
    }
    return out;
  }

  inspect(workspace: string, sessionId: string): SessionView {
    return inspectSession(this.root, workspace, sessionId, this.opts);
  }

  /** The workspaces that hold a session of this id. */
  findSession(sessionId: string): string[] {
    return this.workspaces().filter((w) => existsSync(join(this.root, w, sessionId)));
  }

  snapshot(): Snapshot {
    const sessions = this.sessions();
    return { polled_at: isoWithOffset(new Date((this.opts.now ?? Date.now)())), root: this.root, workspace: this.workspace, totals: totalsOf(sessions), sessions };
  }

  /** The session's event log; lines that do not parse are counted, not thrown. */
  /** The session's events; `error` says why the log could not be read (a missing log is just empty). */
  log(workspace: string, sessionId: string): { events: LogEvent[]; bad_lines: number; error: string | null } {
    let text = '';
    try {
      text = readFileSync(join(this.root, workspace, sessionId, LOG_FILE), 'utf8');
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      return { events: [], bad_lines: 0, error: missing ? null : `cannot read the log of ${workspace}/${sessionId}: ${(err as Error).message}` };
    }
    const events: LogEvent[] = [];
    let bad = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = logEventSchema.safeParse(JSON.parse(line));
        if (parsed.success) events.push(parsed.data);
        else bad++;
      } catch {
        bad++;
      }
    }
    return { events, bad_lines: bad, error: null };
  }
}
