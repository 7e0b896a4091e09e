// Names shared by the tracker (built-ins only, bundled into dist/track.mjs) and the zod schemas.

/** The tracker's states, the three an agent's hook writes (waiting_input, idle, ended: docs/agents.md), and a plan's blocked (never started: a dependency did not complete). */
export const TRACKER_STATES = ['created', 'running', 'waiting_input', 'idle', 'completed', 'failed', 'ended', 'blocked'] as const;
export type TrackerState = (typeof TRACKER_STATES)[number];

export const LOG_EVENTS = ['created', 'start', 'heartbeat', 'error', 'complete', 'fail', 'ended', 'sync', 'finish', 'agent', 'hook_error', 'launch', 'stop', 'blocked', 'answer'] as const;
export type LogEventName = (typeof LOG_EVENTS)[number];

/** session.json's kinds, states and modes (the zod-free readers of store/quick.ts check them too). */
export const KINDS = ['feature', 'bugfix', 'debug', 'refactor'] as const;
export const SESSION_STATES = ['creating', 'active', 'ended'] as const;
export const MODES = ['worktree', 'clone', 'branch', 'sparse'] as const;

/** Defaults of the monitor (and of the tracker's "is a live session running?" check), in seconds. */
export const HEARTBEAT_TIMEOUT_S = 5 * 60;
export const SESSION_TIMEOUT_S = 4 * 60 * 60;

/** Folders of the state root that are not workspaces. */
export const RESERVED_WORKSPACES = ['locks', 'archive', 'tmp', 'plans'] as const;

/** Names of sessions and workspaces: letters, digits, '-', '_', '.'; no leading '-' or '.', no '..', at most 64. */
export const NAME_RE = /^(?![-.])(?!.*\.\.)(?!.*\.lock$)(?!.*\.$)[A-Za-z0-9._-]{1,64}$/;

export const STATUS_FILE = 'status.json';
/**
 * The state of status.json as one word, beside it, for the agents' hooks to read without starting node
 * (a shell's `read` and `test -nt`, docs/agents.md "What a hook costs"). Its writer sets its mtime
 * STATE_WORD_FRESH_S ahead: while it is newer than the reader's own process, the word stands for a heartbeat.
 */
export const STATE_WORD_FILE = 'state';
export const STATE_WORD_FRESH_S = 60;
export const LOG_FILE = 'log.jsonl';
export const MARKERS = { completed: 'COMPLETED', failed: 'FAILED' } as const;
