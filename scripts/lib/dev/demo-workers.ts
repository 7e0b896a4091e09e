// The demo's three simulated workers: fixed sh scripts that report through the real tracker command.

export interface DemoWorker {
  name: string;
  component: string;
  /** The worker's script; it runs in its session's worktree with $NODE and $TRACK (dist/track.mjs) set. */
  script: string;
  /** How it is meant to end. */
  expected: 'completed' | 'failed';
}

const HEADER = `set -e
t() { "$NODE" "$TRACK" "$@"; }
`;

export const DEMO_WORKERS: readonly DemoWorker[] = [
  {
    name: 'server',
    component: 'server',
    expected: 'completed',
    script: `${HEADER}t event=start message='Add a /health endpoint to the API'
sleep 0.8; t event=heartbeat progress=20 message='reading the routes'
sleep 0.8; t event=heartbeat progress=45 message='writing the handler'
printf 'def health():\\n    return {"ok": True}\\n' > server/health.py
sleep 0.8; t event=heartbeat progress=70 message='running the API tests'
sleep 0.8; t event=heartbeat progress=90 message='tests pass'
sleep 0.6; t event=complete message='endpoint ready' output=server/health.py
`,
  },
  {
    name: 'ui',
    component: 'ui',
    expected: 'failed',
    script: `${HEADER}t event=start message='Rework the login form'
sleep 0.7; t event=heartbeat progress=15 message='sketching the form'
sleep 0.7; t event=heartbeat progress=35 message='building the components'
sleep 0.7; t event=error message='snapshot test ui/form.test.js: 2 snapshots differ'
sleep 0.7; t event=heartbeat progress=50 message='retrying the build'
sleep 0.7; t event=fail message='the build breaks on the new form; needs a person'
`,
  },
  {
    name: 'docs',
    component: 'docs',
    expected: 'completed',
    script: `${HEADER}t event=start message='Document the new endpoint'
for p in 10 20 30 40 50 60 70 80 90; do
  sleep 0.7; t event=heartbeat progress=$p message="writing section $((p / 10)) of 9"
done
printf '# Health\\n\\nGET /health returns {"ok": true}.\\n' > docs/health.md
sleep 0.5; t event=complete message='guide written' output=docs/health.md
`,
  },
];
