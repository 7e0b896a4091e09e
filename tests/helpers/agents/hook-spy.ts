// Seeing that a real agent calls the kit's hook, whether or not dist/hook.cjs is built yet: a `node` put
// first on the agent's PATH that, for each call whose first argument is <kit>/dist/hook.cjs, appends one
// JSON line (the arguments, the stdin text and its JSON, the PARALLEL_* variables) to a log, then execs
// the real node with the same arguments and the same stdin. Every other call goes straight to the real node.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIT } from './run.ts';

/** The hook's path, as the kit's configurations name it. */
export const HOOK = join(KIT, 'dist', 'hook.cjs');

export interface HookCall {
  /** The words after `node`: argv[0] is HOOK, then <agent> [<event>] [dir=...] (Codex notify: its JSON last). */
  argv: string[];
  /** The PARALLEL_* variables the hook saw. */
  env: Record<string, string>;
  /** Stdin parsed as JSON, else its text, else null. */
  payload: any;
}

export interface HookSpy {
  /** The folder to put first on PATH. */
  bin: string;
  log: string;
  calls(): HookCall[];
  /** Forgets the calls so far. */
  clear(): void;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Makes the logging `node` in `dir` (created); `hook` is the path it watches for (default HOOK). */
export function hookSpy(dir: string, hook: string = HOOK): HookSpy {
  const bin = join(dir, 'bin');
  const log = join(dir, 'hook-calls.jsonl');
  mkdirSync(bin, { recursive: true });
  writeFileSync(log, '');
  const record =
    "const fs=require('fs');const t=fs.readFileSync(process.argv[2],'utf8');let p=null;try{p=JSON.parse(t)}catch{p=t||null}" +
    "const env={};for(const[k,v]of Object.entries(process.env))if(k.startsWith('PARALLEL_'))env[k]=v;" +
    "fs.appendFileSync(process.argv[1],JSON.stringify({argv:process.argv.slice(3),env,payload:p})+'\\n')";
  writeFileSync(
    join(bin, 'node'),
    `#!/bin/sh
if [ "$1" = ${q(hook)} ]; then
  in=$(mktemp)
  cat > "$in"
  ${q(process.execPath)} -e ${q(record)} ${q(log)} "$in" "$@"
  exec < "$in"
  rm -f "$in"
fi
exec ${q(process.execPath)} "$@"
`,
  );
  chmodSync(join(bin, 'node'), 0o755);
  return {
    bin,
    log,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as HookCall) : []),
    clear: () => writeFileSync(log, ''),
  };
}
