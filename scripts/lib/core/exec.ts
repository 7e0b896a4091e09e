// Running a program: an argument array (never a shell), its exit code and output as an answer, not a throw.
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Stream the child's output to ours (stdout of the child goes to our stderr). */
  inherit?: boolean;
  /** Its own process group: a Ctrl-C at the terminal does not reach it (git, so no operation stops half-way). */
  ownGroup?: boolean;
  /** Ends the program (its group with ownGroup: SIGTERM, SIGKILL a second later) after this long; the result says so, code 124. */
  timeoutMs?: number;
}

/** Runs a program with an argument array (never a shell) and resolves with its exit code and output. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env, // default: the child inherits this process's environment
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', opts.inherit ? 2 : 'pipe', opts.inherit ? 2 : 'pipe'],
      detached: opts.ownGroup ?? false,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let timedOut = false;
    const kill = (sig: NodeJS.Signals) => {
      try {
        if (opts.ownGroup && child.pid) process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        /* already gone */
      }
    };
    const timers = opts.timeoutMs === undefined ? [] : [setTimeout(() => ((timedOut = true), kill('SIGTERM')), opts.timeoutMs), setTimeout(() => kill('SIGKILL'), opts.timeoutMs + 1000)];
    for (const t of timers) t.unref();
    child.on('error', (err) => (timers.forEach(clearTimeout), reject(err)));
    child.on('close', (code, signal) => {
      timers.forEach(clearTimeout);
      if (timedOut) resolve({ code: 124, stdout, stderr: `${stderr}${stderr && !stderr.endsWith('\n') ? '\n' : ''}error: timed out after ${Math.round((opts.timeoutMs ?? 0) / 100) / 10} s\n` });
      else resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/**
 * What a failed program said, in one line: its first `fatal:`/`error:` line, else its last line that is
 * not a hint, else its exit code; the `fatal: ` or `error: ` prefix is dropped.
 */
export function lastLine(r: RunResult): string {
  const lines = `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('hint:'));
  const said = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[lines.length - 1] ?? `exit code ${r.code}`;
  return said.replace(/^(fatal|error): /, '');
}
