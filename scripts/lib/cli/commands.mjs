// The kit's commands, once: the Makefile's targets and `make help` (generated into dist/commands.mk), the
// bundles scripts/build.mjs builds, what bin/kit accepts and the options each command script takes come
// from this list. Plain data in plain JavaScript, because make and the build read it on plain Node before
// anything is installed or built.

/**
 * What an option's value must look like; the command script gets it parsed (cli/options.ts).
 * flag: 1 or 0 (also true/false, yes/no; empty is 0) -> boolean. int: a whole number -> number.
 * number: a decimal number -> number. enum: one of `values`. string: any text, checked by the library
 * where it has a meaning (names, components, branches). path: a file or folder as the user typed it ->
 * an absolute path: a leading `~` or `~/` is the HOME of the command's environment, a relative path is
 * from the folder the command was run in (refused under `make -C`, which left that folder).
 * @typedef {'flag' | 'int' | 'number' | 'enum' | 'string' | 'path'} OptionKind
 */

/**
 * @typedef {object} OptionSpec
 * @property {string} name
 * @property {OptionKind} kind
 * @property {string} help one line, lower case, no final full stop
 * @property {boolean} [required]
 * @property {readonly string[]} [values] the choices of an enum
 * @property {number} [min] for int and number
 * @property {number} [max] for int and number
 * @property {string} [meta] the value in usage lines, `repo=PATH` (default: the name in upper case when required, nothing when not)
 */

/**
 * @typedef {object} CommandSpec
 * @property {string} name the make target and bin/kit command
 * @property {string} script scripts/<script>.ts, bundled into dist/cmd/<script>.mjs
 * @property {boolean} [alone] bundled on its own into dist/<script>.mjs with Node built-ins only, the tracker's hot path
 * @property {readonly string[]} [args] fixed key=value arguments the command passes to its script
 * @property {string} help one line for `make help`
 * @property {string} example the options of a typical call, for error messages and `bin/kit help COMMAND`
 * @property {readonly OptionSpec[]} options
 */

const JSON_OUT = /** @type {const} */ ({ name: 'json', kind: 'flag', help: 'print JSON instead of a table' });
const REPO = /** @type {const} */ ({ name: 'repo', kind: 'path', meta: 'PATH', help: 'the repository (default: the one make runs in)' });
const DIR = /** @type {const} */ ({ name: 'dir', kind: 'path', meta: 'PATH', help: 'the state folder (default: PARALLEL_DIR, or <main checkout>/.parallel)' });
const REMOTE = /** @type {const} */ ({ name: 'remote', kind: 'flag', help: "fetch the config's remote once and show its branches that match remote_sessions: (web sessions) too" });
const WORKSPACE = /** @type {const} */ ({ name: 'workspace', kind: 'string', help: "the workspace (default: the config's workspace:); a plan's sessions are in the plan's" });
const SESSION_NAME = /** @type {const} */ ({ name: 'name', kind: 'string', required: true, help: 'the session (make list-sessions shows them)' });
const SHARE = /** @type {const} */ ({ name: 'share', kind: 'flag', help: "share on the config's remote (else origin) even without share: in the config" });
const TAKEOVER = /** @type {const} */ ({ name: 'takeover', kind: 'flag', help: "with sharing: take over the component's claim of a machine silent for share_stale" });
const OFFLINE = /** @type {const} */ ({ name: 'offline', kind: 'flag', help: 'with sharing: claim on this machine only when the remote cannot be reached (pushed once it can)' });
const SYNC_OPTIONS = /** @type {const} */ ([
  { name: 'strategy', kind: 'string', help: 'rebase (default) or merge: merge the base in instead of rebasing' },
  { name: 'autostash', kind: 'flag', help: 'stash uncommitted changes and put them back afterwards' },
  JSON_OUT,
  REPO,
  WORKSPACE,
]);

export const COMMANDS = /** @satisfies {readonly CommandSpec[]} */ (
  /** @type {const} */ ([
    {
      name: 'init',
      script: 'init',
      help: "write parallel.config.yaml, .gitignore entries, WORK_LOG.md, CLAUDE.md's section and, with makefile=1, the project Makefile's block",
      example: 'makefile=1 commit=1',
      options: [
        { name: 'makefile', kind: 'flag', help: "add the kit's commands to the project's own Makefile (make new-session ... there)" },
        { name: 'remove', kind: 'flag', help: "take the Makefile's block out again, leaving the file as it was" },
        { name: 'force', kind: 'flag', help: 'with remove=1: take out a block someone edited' },
        { name: 'commit', kind: 'flag', help: 'commit the files init made or changed, and nothing else, on the current branch' },
        REPO,
        JSON_OUT,
      ],
    },
    {
      name: 'new-session',
      script: 'new-session',
      help: 'start a session',
      example: 'name=login-form component=ui',
      options: [
        { name: 'name', kind: 'string', required: true, help: "the new session: 1-64 letters, digits, '-', '_', '.'" },
        { name: 'component', kind: 'string', required: true, meta: 'C', help: 'a component of parallel.config.yaml, claimed by this session' },
        { name: 'kind', kind: 'string', help: 'feature (default), bugfix, debug or refactor: the template and the branch' },
        { name: 'base', kind: 'string', help: "the branch to start from (default: the config's base)" },
        { name: 'mode', kind: 'string', help: 'worktree, clone, branch or sparse (a worktree with only the component\'s paths; default: the config\'s mode)' },
        { name: 'profile', kind: 'string', help: "adds that profile's variables to the session environment" },
        { name: 'shared', kind: 'flag', help: 'share a component another session has claimed' },
        { name: 'agent', kind: 'string', help: "claude, codex, gemini, opencode, aider, a name under the config's agents:, or none (default: the config's agent:)" },
        SHARE,
        TAKEOVER,
        OFFLINE,
        { name: 'launch', kind: 'flag', help: 'then start its agent in its tmux window, as make launch does' },
        { name: 'prompt', kind: 'string', help: "with launch=1: the agent's first prompt" },
        { name: 'after', kind: 'string', meta: 'A,B', help: "sessions of the workspace this one waits for: the workspace's orchestrator starts it when they completed" },
        WORKSPACE,
        JSON_OUT,
        REPO,
      ],
    },
    {
      name: 'launch',
      script: 'launch',
      help: "start a session's agent in its copy, in a tmux window of its own, with the session's environment and the kit's hooks",
      example: "name=login-form prompt='Add the login form'",
      options: [
        SESSION_NAME,
        { name: 'agent', kind: 'string', help: "another agent than the session's own: claude, codex, gemini, opencode, aider or a name under agents:" },
        { name: 'prompt', kind: 'string', help: 'the first prompt, passed to the agent as an argument (a custom command: PARALLEL_PROMPT)' },
        JSON_OUT,
        REPO,
        WORKSPACE,
      ],
    },
    {
      name: 'attach',
      script: 'attach',
      help: "show a launched session's tmux window (switch-client inside tmux), or the workspace's tmux session",
      example: 'name=login-form',
      options: [{ name: 'name', kind: 'string', meta: 'NAME', help: 'the session (default: the tmux session of the whole workspace)' }, REPO, WORKSPACE],
    },
    {
      name: 'stop',
      script: 'stop',
      help: "end a launched session's agent: its own exit, then SIGTERM, then SIGKILL after the timeout; nothing of it left",
      example: 'name=login-form timeout=20',
      options: [SESSION_NAME, { name: 'timeout', kind: 'int', min: 1, max: 3600, help: 'seconds before SIGKILL (default 10)' }, JSON_OUT, REPO, WORKSPACE],
    },
    {
      name: 'list-sessions',
      script: 'list-sessions',
      help: 'one row per session',
      example: 'json=1',
      options: [JSON_OUT, REPO, { ...REMOTE, help: "fetch the config's remote once: its branches that match remote_sessions: (web sessions) and every machine's published sessions" }, SHARE, WORKSPACE],
    },
    {
      name: 'ports',
      script: 'ports',
      help: 'port leases and who really holds each port',
      example: 'json=1',
      options: [JSON_OUT, REPO],
    },
    {
      name: 'end-session',
      script: 'end-session',
      help: 'end a session safely, or every merged one',
      example: 'name=login-form',
      options: [
        { name: 'name', kind: 'string', meta: 'NAME', help: 'the session (make list-sessions shows them); required unless merged=1' },
        { name: 'force', kind: 'flag', help: 'throw the uncommitted and unpushed work away' },
        { name: 'merged', kind: 'flag', help: 'end every session whose work is already in its base (squash and rebase merges too)' },
        { name: 'dry', kind: 'flag', help: 'with merged=1: say what it would end and skip, change nothing' },
        JSON_OUT,
        REPO,
        WORKSPACE,
      ],
    },
    {
      name: 'track',
      script: 'track',
      alone: true,
      help: 'report for a session',
      example: "event=heartbeat progress=50 message='halfway'",
      options: [
        { name: 'event', kind: 'enum', required: true, values: ['start', 'heartbeat', 'error', 'complete', 'fail'], help: 'what happened (error is not fatal)' },
        { name: 'workspace', kind: 'string', help: 'default: PARALLEL_WORKSPACE, then the session copy' },
        { name: 'session', kind: 'string', help: 'default: PARALLEL_SESSION, then the session copy' },
        { name: 'progress', kind: 'number', min: 0, max: 100, help: 'percent done' },
        { name: 'message', kind: 'string', help: 'for start, the task; required for error and fail' },
        { name: 'output', kind: 'string', help: 'FILE,FILE with complete' },
        { name: 'pid', kind: 'int', min: 1, max: 2147483647, help: 'the worker to record (default: the process that called it)' },
        DIR,
        JSON_OUT,
      ],
    },
    {
      name: 'monitor',
      script: 'monitor',
      help: 'dashboard of tracked sessions',
      example: 'watch=1 poll=10',
      options: [
        { name: 'workspace', kind: 'string', help: 'one workspace (default: all)' },
        { name: 'session', kind: 'string', help: 'one session; with log=1, its event log' },
        { name: 'watch', kind: 'flag', help: 'redraw live' },
        { name: 'notify', kind: 'flag', help: "with watch=1 or wait=1: notify when a session needs input, failed, crashed or completed (the config's notify:)" },
        { name: 'poll', kind: 'int', min: 1, help: 'seconds between redraws (default 30)' },
        { name: 'wait', kind: 'flag', help: 'block until every session has ended; exit 0 all completed, 1 not, 124 timeout' },
        { name: 'timeout', kind: 'int', min: 1, help: 'seconds to wait with wait=1' },
        { name: 'log', kind: 'flag', help: "print session=NAME's event log" },
        JSON_OUT,
        { name: 'heartbeat_timeout', kind: 'int', min: 1, help: 'seconds without a heartbeat before stale (default 300)' },
        { name: 'session_timeout', kind: 'int', min: 1, help: 'seconds of running before timed_out (default 14400)' },
        REPO,
        DIR,
        { ...REMOTE, help: "fetch the shared remote once and show every machine's sessions below the dashboard" },
        SHARE,
      ],
    },
    {
      name: 'publish',
      script: 'publish',
      help: "push this machine's shared sessions and claims to the remote now (new-session runs it in the background)",
      example: 'json=1',
      options: [
        { name: 'loop', kind: 'flag', help: 'keep publishing every share_interval while a session is shared (what runs in the background)' },
        SHARE,
        JSON_OUT,
        REPO,
      ],
    },
    {
      name: 'up',
      script: 'up',
      help: 'run a plan: create its sessions, start each once its dependencies completed (headless agents by default), block the rest',
      example: 'plan=plan.yaml wait=1',
      options: [
        { name: 'plan', kind: 'path', meta: 'FILE', help: 'the plan (YAML: workspace, sessions with name, component, agent, prompt, after, interactive)' },
        { name: 'workspace', kind: 'string', help: "without plan=: go on with this workspace's plan state" },
        { name: 'wait', kind: 'flag', help: 'run the orchestrator in the foreground: exit 0 all completed, 1 any failed or blocked, 124 timeout' },
        { name: 'timeout', kind: 'int', min: 1, help: 'seconds to wait with wait=1' },
        JSON_OUT,
        REPO,
      ],
    },
    {
      name: 'demo',
      script: 'demo',
      help: 'three simulated sessions in a throwaway repository, watched live',
      example: 'keep=1',
      options: [{ name: 'keep', kind: 'flag', help: 'keep the throwaway repository' }],
    },
    {
      name: 'sync',
      script: 'sync',
      help: 'rebase one session on the base',
      example: 'name=login-form',
      options: [
        { name: 'name', kind: 'string', meta: 'NAME', help: 'the session; required unless all=1' },
        { name: 'all', kind: 'flag', help: 'every session (what make sync-all runs)' },
        ...SYNC_OPTIONS,
      ],
    },
    {
      name: 'sync-all',
      script: 'sync',
      args: ['all=1'],
      help: 'rebase every session on the base',
      example: 'strategy=merge autostash=1',
      options: SYNC_OPTIONS,
    },
    {
      name: 'conflicts',
      script: 'conflicts',
      help: 'clashes between sessions, and with the base, before anyone merges',
      example: 'json=1',
      options: [JSON_OUT, REPO, REMOTE, WORKSPACE],
    },
    {
      name: 'adopt',
      script: 'adopt',
      help: "turn a branch of the remote (a web session's claude/... or codex/...) into a local session that tracks it",
      example: 'branch=claude/fix-x component=server',
      options: [
        { name: 'branch', kind: 'string', required: true, help: 'the branch on the remote (make list-sessions remote=1 shows them)' },
        { name: 'name', kind: 'string', help: "the session (default: the branch's last part, e.g. fix-x)" },
        { name: 'component', kind: 'string', required: true, meta: 'C', help: 'a component of parallel.config.yaml, claimed by this session' },
        { name: 'mode', kind: 'string', help: "worktree, clone or branch (default: the config's mode)" },
        { name: 'agent', kind: 'string', help: "claude, codex, gemini, opencode, aider, a name under the config's agents:, or none (default: the config's agent:)" },
        { name: 'shared', kind: 'flag', help: 'share a component another session has claimed' },
        SHARE,
        TAKEOVER,
        OFFLINE,
        JSON_OUT,
        REPO,
      ],
    },
    {
      name: 'finish-session',
      script: 'finish-session',
      help: 'rebase, test, push, mark READY FOR REVIEW',
      example: 'name=login-form pr=1',
      options: [
        SESSION_NAME,
        { name: 'pr', kind: 'flag', help: 'open a pull request with gh (or print the command)' },
        { name: 'merge', kind: 'flag', help: 'fast-forward the base to the branch, push it, end the session' },
        JSON_OUT,
        REPO,
        WORKSPACE,
      ],
    },
    {
      name: 'agent-setup',
      script: 'agent-setup',
      help: "put the kit's hooks into an agent's own settings (codex, gemini: user level; claude: claude -w; git: the commit-time backstop), reversibly",
      example: 'agent=codex apply=1',
      options: [
        { name: 'agent', kind: 'enum', required: true, values: ['codex', 'claude', 'gemini', 'git'], help: 'whose settings' },
        { name: 'apply', kind: 'flag', help: 'write the change (without it: print it and change nothing)' },
        { name: 'remove', kind: 'flag', help: "take the kit's part out, leaving the files as they were" },
        JSON_OUT,
        REPO,
      ],
    },
    {
      name: 'doctor',
      script: 'doctor',
      help: "per session: its agent, whether the kit's hooks are where the agent reads them, its binary on PATH, and a synthetic event through the hook; live=1 runs your agent offline against a scripted local model",
      example: 'name=login-form json=1',
      options: [
        { name: 'name', kind: 'string', meta: 'NAME', help: 'one session (default: every live one)' },
        { name: 'live', kind: 'flag', help: 'run the installed agent for real, offline, in a throwaway repository: its events, states and a denied edit' },
        { name: 'agent', kind: 'enum', values: ['claude', 'codex', 'gemini', 'opencode'], help: 'with live=1: this agent only (default: each one on PATH)' },
        JSON_OUT,
        REPO,
      ],
    },
    {
      name: 'precommit-check',
      script: 'precommit-check',
      help: "the backstop's check, run by the pre-commit hook in a session's copy: refuses another live session's component",
      example: 'repo=.',
      options: [REPO],
    },
    {
      name: 'claude-worktree',
      script: 'claude-worktree',
      help: "Claude's WorktreeCreate hook (agent-setup agent=claude): claude -w COMPONENT/NAME starts a session, prints its copy",
      example: 'repo=. < claude-payload.json',
      options: [REPO],
    },
    {
      name: 'pool',
      script: 'pool',
      help: "the warm pool of ready copies (the config's pool: N): show it, or bring it to size=N now",
      example: 'size=0',
      options: [
        { name: 'size', kind: 'int', min: 0, max: 20, help: "keep this many ready copies from now on, over the config's pool: (0 removes the clean ones); default: show it" },
        { name: 'force', kind: 'flag', help: 'also remove pool copies someone wrote into, and that work' },
        { name: 'fill', kind: 'flag', help: "bring the pool to its size now: the last size=, else the config's pool: (what new-session starts in the background)" },
        JSON_OUT,
        REPO,
      ],
    },
    {
      name: 'advise',
      script: 'advise',
      help: 'measure what a session costs here in each mode (worktree, clone, sparse), projected to the sessions you plan, and recommend one',
      example: 'sessions=10 out=advice.md',
      options: [
        { name: 'sessions', kind: 'int', min: 1, max: 10_000, help: 'the sessions you plan to run at once (default 5)' },
        { name: 'out', kind: 'path', meta: 'FILE', help: 'also write the advice as a Markdown report to FILE' },
        JSON_OUT,
        REPO,
      ],
    },
    {
      name: 'bench',
      script: 'bench',
      help: 'measure commands against raw git and node baselines',
      example: 'runs=5',
      options: [
        { name: 'runs', kind: 'int', min: 3, max: 1000, help: 'runs per measurement (default 9)' },
        { name: 'files', kind: 'int', min: 10, max: 200_000, help: 'files in the sample repository (default 5000)' },
        { name: 'only', kind: 'string', meta: 'NAME[,NAME]', help: 'run only these measures of scripts/lib/bench/measures.ts, comma-separated: sessions, radar-50, listing, ...' },
        JSON_OUT,
      ],
    },
  ])
);

/** @typedef {(typeof COMMANDS)[number]} Command */
/** @typedef {Command['name']} CommandName */

/**
 * The bundle a command runs, relative to the kit folder.
 * @param {CommandSpec} command
 * @returns {string}
 */
export function bundleOf(command) {
  return command.alone ? `dist/${command.script}.mjs` : `dist/cmd/${command.script}.mjs`;
}

/**
 * The command people type, or undefined.
 * @param {string} name
 * @returns {Command | undefined}
 */
export function findCommand(name) {
  return COMMANDS.find((c) => c.name === name);
}
