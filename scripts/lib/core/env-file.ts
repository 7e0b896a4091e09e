// Environment files (`export KEY='value'` lines): the kit writes them for sessions and reads them back.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './files.ts';
import { singleQuote } from './shell.ts';

/** `export KEY='value'` lines: loadable with `. ./file` in sh/bash/zsh and by dotenv readers that accept export. */
export function renderEnvFile(env: Record<string, string>, header: string): string {
  const lines = Object.entries(env).map(([k, v]) => `export ${k}=${singleQuote(v)}`);
  return `# ${header}\n${lines.join('\n')}\n`;
}

export function writeEnvFile(path: string, env: Record<string, string>, header: string): void {
  // Not fsynced, as the session record it is made from (store/sessions.ts): new-session writes it in the new copy.
  writeFileAtomic(path, renderEnvFile(env, header), false);
}

/** Reads KEY=VALUE lines (optionally `export KEY='value'`); a missing or unreadable file gives {}. */
export function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = (m[2] ?? '').trim();
    if (v.startsWith("'") && v.endsWith("'") && v.length >= 2) v = v.slice(1, -1).replace(/'\\''/g, "'");
    else if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    out[m[1] as string] = v;
  }
  return out;
}
