// zod schemas of every file the kit keeps under .parallel/ (docs/schemas/ holds their JSON Schema).
import { z } from 'zod';

const iso = z.iso.datetime({ offset: true });

export const KINDS = ['feature', 'bugfix', 'debug', 'refactor'] as const;
export type Kind = (typeof KINDS)[number];

export const TRACKER_STATES = ['created', 'running', 'completed', 'failed'] as const;
export type TrackerState = (typeof TRACKER_STATES)[number];

/** status.json: the live status of one session, rewritten whole (temp file + rename) on every update. */
export const statusSchema = z.object({
  session_id: z.string().min(1),
  workspace: z.string().min(1),
  state: z.enum(TRACKER_STATES),
  task_description: z.string(),
  progress_pct: z.number().min(0).max(100),
  message: z.string(),
  errors: z.array(z.object({ at: iso, message: z.string() })),
  started_at: iso.nullable(),
  last_heartbeat: iso.nullable(),
  completed_at: iso.nullable(),
  output_files: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()),
  pid: z.number().int().positive().nullable(),
  host: z.string().nullable(),
});
export type Status = z.infer<typeof statusSchema>;

export const LOG_EVENTS = ['created', 'start', 'heartbeat', 'error', 'complete', 'fail', 'ended', 'sync', 'finish'] as const;

/** One line of log.jsonl: an event, appended with a single write. */
export const logEventSchema = z
  .object({
    at: iso,
    event: z.enum(LOG_EVENTS),
    session_id: z.string().min(1),
    pid: z.number().int().positive().nullable().optional(),
    progress_pct: z.number().min(0).max(100).optional(),
    message: z.string().optional(),
  })
  .loose();
export type LogEvent = z.infer<typeof logEventSchema>;

export const SESSION_STATES = ['creating', 'active', 'ended'] as const;
export const MODES = ['worktree', 'clone', 'branch'] as const;

/** session.json: what a git session was made with; new-session writes it, end-session and sync update it. */
export const sessionRecordSchema = z.object({
  version: z.literal(1),
  name: z.string().min(1),
  uid: z.string().min(1),
  workspace: z.string().min(1),
  kind: z.enum(KINDS),
  component: z.string().min(1),
  shared: z.boolean(),
  branch: z.string().min(1),
  base: z.string().min(1),
  mode: z.enum(MODES),
  /** The working copy; null in branch mode. */
  path: z.string().nullable(),
  port: z.number().int().min(1).max(65535),
  profile: z.string().nullable(),
  created: iso,
  state: z.enum(SESSION_STATES),
  /** Untracked files copied into the copy from the main checkout (relative paths). */
  copied: z.array(z.string()),
  env_file: z.string(),
  ended_at: iso.nullable().optional(),
  outcome: z.enum(['COMPLETED', 'ABANDONED']).nullable().optional(),
  /** The process that is creating the session (state 'creating'), so that an interrupted creation can be told apart. */
  creator: z.object({ pid: z.number().int().positive(), host: z.string() }).nullable().optional(),
  last_sync: z
    .object({ at: iso, result: z.string(), onto: z.string().optional() })
    .nullable()
    .optional(),
});
export type SessionRecord = z.infer<typeof sessionRecordSchema>;
