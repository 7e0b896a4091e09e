// WORK_LOG.md entry templates: templates/<kind>.md.hbs = YAML front matter + a Handlebars body.
// A template is read, checked and compiled once per process (again only when its file changes), in
// strict mode: a field the entry does not have is an error naming the file and the field, never an
// empty string in someone's WORK_LOG.md. What the compiler made (template-build.ts) is kept in the kit's
// dist/.cache/templates by the text's digest, so a later process renders with Handlebars' runtime only.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Runtime from 'handlebars/runtime';
import { OperationError } from '../core/errors.mjs';
import { writeFileAtomic } from '../core/files.ts';
import { buildTemplate, firstLine, type BuiltPart, type BuiltTemplate } from './template-build.ts';
import { describeName } from '../store/describe-name.ts';
import { KINDS } from '../store/constants.ts';
import type { Kind } from '../store/schemas.ts';
import { KIT_DIR } from '../core/kit-dir.ts';

export const TEMPLATES_DIR = join(KIT_DIR, 'templates');
export const STATUS_IN_PROGRESS = 'IN PROGRESS';

export interface TemplateMeta {
  kind: Kind;
  branch: string;
  files: string[];
  fields: Record<string, string>;
}

export interface Template {
  meta: TemplateMeta;
  body: string;
}

export interface EntryData {
  name: string;
  uid: string;
  kind: Kind;
  branch: string;
  base: string;
  component: string;
  componentPaths: string[];
  port: number;
  started: string;
  mode: string;
  path: string | null;
  profile: string | null;
  status?: string;
}

export function templatePath(kind: Kind, dir = TEMPLATES_DIR): string {
  return join(dir, `${kind}.md.hbs`);
}

type Render = (data: object) => string;

function has(data: object, parts: readonly string[]): boolean {
  let at: unknown = data;
  for (const part of parts) {
    if (typeof at !== 'object' || at === null || !(part in at)) return false;
    at = (at as Record<string, unknown>)[part];
  }
  return true;
}

/** A precompiled piece made renderable by Handlebars' runtime; `where(line)` says where it sits in the file, for errors. */
function renderPart(part: BuiltPart, file: string, where: (line?: number) => string): Render {
  const fn = part.spec === null ? null : Runtime.template(new Function(`return (${part.spec});`)());
  const { paths } = part;
  const unknown = (name: string, line?: number) => new OperationError(`${file}: ${where(line)}unknown field '${name}'`);
  return (data) => {
    const missing = paths.find((p) => p.checked && !has(data, p.parts));
    if (missing) throw unknown(missing.original, missing.line);
    try {
      if (!fn) throw part.error;
      return fn(data);
    } catch (err) {
      const e = err as { message?: string; lineNumber?: number; column?: number };
      // strict mode's own error, or the TypeError it gives when the context is a string (in #each)
      const name = /^"(.+)" not defined in /.exec(e.message ?? '')?.[1] ?? /^Cannot use 'in' operator to search for '(.+)' in /.exec(e.message ?? '')?.[1];
      if (name) {
        const use = paths.find((p) => p.line === e.lineNumber && p.column === e.column) ?? paths.find((p) => p.parts.at(-1) === name);
        throw unknown(use?.original ?? name, use?.line ?? e.lineNumber);
      }
      throw new OperationError(`${file}: ${where(e.lineNumber)}${err instanceof Error ? firstLine(err) : (e.message ?? String(err)).split('\n')[0]}`);
    }
  };
}

interface Compiled {
  text: string;
  template: Template;
  body: Render;
  branch: Render;
  files: Render[];
  fields: [string, Render][];
}

const compiled = new Map<string, Compiled>();

/** Where built templates are kept, by the digest of the kind, the text and the Handlebars version. */
export const BUILT_TEMPLATES_DIR = join(KIT_DIR, 'dist', '.cache', 'templates');

/** The cache file of a template's text. */
export function builtFile(kind: Kind, text: string, dir = BUILT_TEMPLATES_DIR): string {
  const digest = createHash('sha256').update(`${kind}\0${Runtime.VERSION}\0${text}`).digest('hex');
  return join(dir, `${digest}.json`);
}

function readBuilt(path: string, kind: Kind): BuiltTemplate | null {
  try {
    const b = JSON.parse(readFileSync(path, 'utf8')) as BuiltTemplate;
    const part = (p: BuiltPart | undefined) => Boolean(p) && (typeof p?.spec === 'string' || p?.spec === null) && Array.isArray(p?.paths);
    const ok = b?.version === 1 && b.kind === kind && typeof b.content === 'string' && typeof b.offset === 'number' && typeof b.meta?.branch === 'string' && Array.isArray(b.meta.files) && typeof b.meta.fields === 'object' && part(b.body) && part(b.branch) && Array.isArray(b.files) && b.files.every(part) && Array.isArray(b.fields) && b.fields.every((f) => part(f?.[1]));
    return ok ? b : null;
  } catch {
    return null; // none yet, or unreadable: built again
  }
}

/** The template built, from the kit's cache when an earlier process built the same text; a broken cache file is rebuilt. */
function built(kind: Kind, file: string, text: string, cacheDir: string): BuiltTemplate {
  const path = builtFile(kind, text, cacheDir);
  const known = readBuilt(path, kind);
  if (known) return known;
  const fresh = buildTemplate(kind, file, text);
  try {
    writeFileAtomic(path, JSON.stringify(fresh), false); // a cache: rebuilt when lost
  } catch {
    /* a read-only kit folder: built again next time */
  }
  return fresh;
}

function compileTemplate(kind: Kind, file: string, text: string): Compiled {
  const b = built(kind, file, text, BUILT_TEMPLATES_DIR);
  const inFrontMatter = (key: string) => () => `front matter ${key}: `;
  const meta: TemplateMeta = Object.freeze({ kind, branch: b.meta.branch, files: Object.freeze([...b.meta.files]) as string[], fields: Object.freeze({ ...b.meta.fields }) });
  return {
    text,
    template: Object.freeze({ meta, body: b.content }),
    body: renderPart(b.body, file, (line) => (line ? `line ${b.offset + line}: ` : '')),
    branch: renderPart(b.branch, file, inFrontMatter('branch')),
    files: b.files.map((f, i) => renderPart(f, file, inFrontMatter(`files.${i}`))),
    fields: b.fields.map(([k, v]) => [k, renderPart(v, file, inFrontMatter(`fields.${k}`))]),
  };
}

function load(kind: Kind, dir: string): Compiled {
  if (!KINDS.includes(kind)) throw new OperationError(`no template for kind '${kind}'; expected one of ${KINDS.join(', ')}`);
  const file = templatePath(kind, dir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new OperationError(`cannot read the template ${file}: ${(err as Error).message}`);
  }
  const known = compiled.get(file);
  if (known?.text === text) return known;
  const fresh = compileTemplate(kind, file, text);
  compiled.set(file, fresh);
  return fresh;
}

/** Reads <dir>/<kind>.md.hbs; a missing or broken template is an OperationError naming the file. */
export function loadTemplate(kind: Kind, dir = TEMPLATES_DIR): Template {
  return load(kind, dir).template;
}

export function branchFor(kind: Kind, name: string, dir = TEMPLATES_DIR): string {
  return load(kind, dir).branch({ name, kind });
}

/** The checklist items: an item containing {{component_paths}} is repeated once per component path. */
function expandFiles(tpl: Compiled, data: Record<string, unknown>, paths: readonly string[]): string[] {
  const out: string[] = [];
  tpl.template.meta.files.forEach((item, i) => {
    const render = tpl.files[i] as Render;
    if (/\{\{\s*component_paths\s*\}\}/.test(item)) for (const p of paths) out.push(render({ ...data, component_paths: p }));
    else out.push(render({ ...data, component_paths: paths.join(', ') }));
  });
  return [...new Set(out.filter((f) => f.trim() !== ''))];
}

export function beginMarker(uid: string, name: string): string {
  return `<!-- parallel-session:begin uid=${uid} name=${name} -->`;
}

export function endMarker(uid: string): string {
  return `<!-- parallel-session:end uid=${uid} -->`;
}

/** One whole entry, markers included, ending with a newline. */
export function renderEntry(data: EntryData, dir = TEMPLATES_DIR): string {
  if (!/^[A-Za-z0-9._-]+$/.test(data.uid)) throw new OperationError(`invalid entry uid ${JSON.stringify(data.uid)}`);
  if (describeName(data.name)) throw new OperationError(`invalid session name ${JSON.stringify(data.name)} for a WORK_LOG entry`);
  const tpl = load(data.kind, dir);
  const base = { ...data, status: data.status ?? STATUS_IN_PROGRESS, component_paths: data.componentPaths.join(', ') };
  const fields = Object.fromEntries(tpl.fields.map(([k, render]) => [k, render(base)]));
  const files = expandFiles(tpl, base, data.componentPaths);
  const body = tpl.body({ ...base, fields, files }).replace(/^\n+/, '').replace(/\n*$/, '\n\n');
  return `${beginMarker(data.uid, data.name)}\n${body}${endMarker(data.uid)}\n`;
}
