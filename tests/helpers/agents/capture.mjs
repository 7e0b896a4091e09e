#!/usr/bin/env node
// A hook command for the tests: appends one JSON line {agent, event, argv, payload} to FILE.
// Usage: node capture.mjs FILE AGENT [EVENT] [ARGS...]   payload: stdin (JSON), or for Codex `notify` the last argument.
// Prints `{}` for Gemini (its hooks want JSON on stdout), nothing otherwise; always exits 0.
import { appendFileSync, readFileSync } from 'node:fs';
import { isatty } from 'node:tty';

const [file, agent, event, ...rest] = process.argv.slice(2);
let input = '';
if (!isatty(0)) {
  try {
    input = readFileSync(0, 'utf8');
  } catch {
    /* no stdin */
  }
}
const parse = (s) => {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
};
const payload = input.trim() ? parse(input) : rest.length ? parse(rest[rest.length - 1]) : null;
const name = (payload && typeof payload === 'object' && (payload.hook_event_name || payload.type)) || event;
if (file) appendFileSync(file, JSON.stringify({ agent, event: event || name, argv: rest, payload, at: Date.now() }) + '\n');
if (agent === 'gemini') process.stdout.write('{}');
