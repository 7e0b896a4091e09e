// zod schemas of every file the kit keeps under .parallel/ (docs/schemas/ holds their JSON Schema).
import * as z from 'zod';
import { KINDS, LOG_EVENTS, MODES, SESSION_STATES, TRACKER_STATES } from './constants.ts';

const iso = z.iso.datetime({ offset: true });

export type Kind = (typeof KINDS)[number];

export { TRACKER_STATES, LOG_EVENTS, KINDS, SESSION_STATES, MODES };
export type { TrackerState } from './constants.ts';

const errorEntry = z.object({ at: iso, message: z.string() });

/** status.json: the live status of one session, rewritten whole (temp file + rename) on every update. */
export const statusSchema = z
  .object({
    session_id: z.string().min(1).describe('The session id, unique within its workspace (the folder name)'),
    workspace: z.string().min(1).describe('The workspace (the parent folder name)'),
    state: z.enum(TRACKER_STATES).describe('What the tracker last recorded; the monitor derives crashed, stale and timed_out from it'),
    task_description: z.string().describe('What the session works on'),
    progress_pct: z.number().min(0).max(100).describe('0 to 100'),
    message: z.string().describe('The last message a worker reported'),
    errors: z.array(errorEntry).describe('Non-fatal errors and the failure, oldest first'),
    started_at: iso.nullable().describe('When the last start happened (null while created)'),
    last_heartbeat: iso.nullable().describe('When a worker last reported anything'),
    completed_at: iso.nullable().describe('When the session completed or failed'),
    output_files: z.array(z.string()).describe('Files the session produced, as reported'),
    metadata: z.record(z.string(), z.unknown()).describe('Free-form data given at creation and start'),
    pid: z.number().int().positive().nullable().describe('The worker process the tracker reports for'),
    host: z.string().nullable().describe('The host of that process: a pid is only checked on its own host'),
    agent_event_at: z.number().nonnegative().optional().describe("When the agent hook that last wrote the state started (ms since the epoch); an earlier hook changes nothing"),
    state_since: iso.optional().describe('When the session entered its current state (absent in files written before the kit recorded it)'),
  })
  .describe('status.json: the live status of one tracked session');
export type Status = z.infer<typeof statusSchema>;

/** One line of log.jsonl: an event, appended with a single write. */
export const logEventSchema = z
  .object({
    at: iso.describe('When the event happened'),
    event: z.enum(LOG_EVENTS),
    session_id: z.string().min(1),
    workspace: z.string().min(1).optional(),
    pid: z.number().int().positive().nullable().optional().describe('The worker process'),
    host: z.string().nullable().optional(),
    progress_pct: z.number().min(0).max(100).optional(),
    message: z.string().optional(),
    output_files: z.array(z.string()).optional(),
  })
  .loose()
  .describe('One line of log.jsonl: an event of one tracked session (other commands may add fields)');
export type LogEvent = z.infer<typeof logEventSchema>;

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
  /** The agent new-session set up (agent=, or the config's agent:): a kind or a name under agents:; null or absent (older records) for none. */
  agent: z.string().nullable().optional(),
  /** The command line, for a POSIX shell in the copy, that starts the agent with the kit's hooks. */
  agent_command: z.string().nullable().optional(),
  /** make adopt: the remote branch (<remote>/<branch>) the session's branch was made from and tracks. */
  adopted_from: z.string().nullable().optional(),
  /** The same command as words (make launch runs them; records older than make launch have only agent_command). */
  agent_argv: z.array(z.string()).nullable().optional(),
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

/** launch.json: how make launch started the session's agent (scripts/lib/launch/), rewritten whole. */
export const launchRecordSchema = z
  .object({
    version: z.literal(1),
    session: z.string().min(1),
    workspace: z.string().min(1),
    /** A random id in the agent's environment (PARALLEL_LAUNCH_ID): make stop finds every process that kept it. */
    launch_id: z.string().min(1),
    agent: z.string().min(1).describe("The agent's name: a kind or a name under the config's agents:"),
    kind: z.string().min(1),
    argv: z.array(z.string()).describe('The words the window runs (without the environment)'),
    cwd: z.string(),
    prompt: z.boolean().describe('Whether a prompt was given'),
    tmux: z.object({ socket: z.string().min(1), session: z.string().min(1), window_id: z.string().min(1), pane_id: z.string().min(1) }),
    pid: z.number().int().positive().describe("The window's first process (the agent, or the shell running a custom command)"),
    host: z.string(),
    started_at: iso,
    stopped_at: iso.nullable(),
    stop: z.enum(['exited', 'graceful', 'terminated', 'killed']).nullable().describe('How make stop ended it: exited (already gone), graceful (its own exit), terminated (SIGTERM), killed (SIGKILL)'),
    pending: z.boolean().optional().describe('Written before the agent is started in the window (pid: the placeholder): a launch cut short here is settled by the next one'),
  })
  .describe('launch.json: the tmux window and processes of a launched agent');
export type LaunchRecord = z.infer<typeof launchRecordSchema>;
