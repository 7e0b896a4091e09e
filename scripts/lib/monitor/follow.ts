// Following sessions over time: re-read on every file change and on a timer; stop when all have ended (wait).
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { allEnded, type SessionMonitor, type Snapshot } from './monitor.ts';
import { listDirs } from '../store/paths.ts';

export interface FollowOptions {
  /** Stop once every session has ended (and there is at least one). */
  wait: boolean;
  /** With wait: give up after this many seconds. */
  timeoutS?: number;
  /** Re-read at least this often, in seconds (a change on disk re-reads at once). */
  pollS: number;
  /** Called with every snapshot taken, `final` for the last one. */
  onSnapshot: (snap: Snapshot, why: 'start' | 'change' | 'poll' | 'final') => void;
  signal?: AbortSignal;
}

export interface FollowResult {
  /** 0 all completed, 1 any failed/crashed/stale/timed out/corrupt, 124 timeout, 130 interrupted. */
  code: number;
  snapshot: Snapshot;
  timedOut: boolean;
}

/** The exit code for a set of ended sessions. */
export function outcomeCode(snap: Snapshot): 0 | 1 {
  return snap.sessions.every((s) => s.state === 'completed') ? 0 : 1;
}

/** Watches the state folder, each workspace folder and each session folder (fs.watch is not recursive on Linux). */
class DirWatcher {
  private watchers = new Map<string, FSWatcher>();
  constructor(private readonly onChange: () => void) {}

  sync(root: string, workspaces: string[]): void {
    const want = new Set<string>([root]);
    for (const w of workspaces) {
      want.add(join(root, w));
      for (const s of listDirs(join(root, w))) want.add(join(root, w, s));
    }
    for (const [dir, w] of this.watchers) if (!want.has(dir)) (w.close(), this.watchers.delete(dir));
    for (const dir of want) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, () => this.onChange());
        w.on('error', () => (w.close(), this.watchers.delete(dir)));
        this.watchers.set(dir, w);
      } catch {
        /* not there (yet): the timer still polls */
      }
    }
  }

  close(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}

export async function follow(monitor: SessionMonitor, opts: FollowOptions): Promise<FollowResult> {
  const started = Date.now();
  // A crash, a timeout or a state folder that did not exist yet shows no file change: look every second
  // (reading a few small files), and redraw when a state changed or the poll is due.
  const tickMs = Math.max(50, Math.min(opts.pollS * 1000, 1000));
  let lastPoll = 0;
  let changed = false;
  let lastSig = '';
  let wake: (() => void) | null = null;
  const watcher = new DirWatcher(() => {
    changed = true;
    wake?.();
  });
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      let settle: NodeJS.Timeout | undefined;
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        clearTimeout(settle);
        wake = null;
        opts.signal?.removeEventListener('abort', done);
        resolve();
      }
      wake = () => (settle ??= setTimeout(done, 100)); // let a burst of writes settle
      opts.signal?.addEventListener('abort', done);
    });

  try {
    for (let first = true; ; first = false) {
      const sawChange = changed;
      changed = false;
      const snap = monitor.snapshot();
      watcher.sync(monitor.root, monitor.workspaces());
      const ended = snap.sessions.length > 0 && allEnded(snap.sessions);
      if (opts.wait && ended) {
        opts.onSnapshot(snap, 'final');
        return { code: outcomeCode(snap), snapshot: snap, timedOut: false };
      }
      if (opts.signal?.aborted) {
        opts.onSnapshot(snap, 'final');
        return { code: 130, snapshot: snap, timedOut: false };
      }
      if (opts.wait && opts.timeoutS !== undefined && Date.now() - started >= opts.timeoutS * 1000) {
        opts.onSnapshot(snap, 'final');
        return { code: 124, snapshot: snap, timedOut: true };
      }
      const pollDue = Date.now() - lastPoll >= opts.pollS * 1000;
      const sig = snap.sessions.map((s) => `${s.workspace}/${s.session_id}:${s.state}`).join(' ');
      const why = first ? 'start' : sawChange || sig !== lastSig ? 'change' : pollDue ? 'poll' : null;
      lastSig = sig;
      if (why) {
        opts.onSnapshot(snap, why);
        if (why !== 'change') lastPoll = Date.now();
      }
      let ms = changed ? 100 : tickMs; // a change while we were reading: look again soon
      if (opts.wait && opts.timeoutS !== undefined) ms = Math.min(ms, Math.max(0, started + opts.timeoutS * 1000 - Date.now()));
      await sleep(ms);
    }
  } finally {
    watcher.close();
  }
}
