// WORK_LOG.md entry templates: templates/<kind>.md.hbs = gray-matter front matter + a Handlebars body.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import Handlebars from 'handlebars';
import { OperationError } from '../core/errors.mjs';
import { describeName } from '../store/names.ts';
import { KINDS, type Kind } from '../store/schemas.ts';
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

const isStringRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function compile(text: string, file: string): HandlebarsTemplateDelegate {
  try {
    const fn = Handlebars.compile(text, { noEscape: true, strict: false });
    fn({}); // compiling is lazy: parse now, so a broken template is reported here
    return fn;
  } catch (err) {
    throw new OperationError(`${file}: not a valid Handlebars template: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Reads <kit>/templates/<kind>.md.hbs; a missing or broken template is an OperationError naming the file. */
export function loadTemplate(kind: Kind, dir = TEMPLATES_DIR): Template {
  if (!KINDS.includes(kind)) throw new OperationError(`no template for kind '${kind}'; expected one of ${KINDS.join(', ')}`);
  const file = templatePath(kind, dir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new OperationError(`cannot read the template ${file}: ${(err as Error).message}`);
  }
  let parsed: matter.GrayMatterFile<string>;
  try {
    // an empty options object keeps gray-matter from caching by content across calls
    parsed = matter(text, {});
  } catch (err) {
    throw new OperationError(`${file}: the front matter is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const d = parsed.data as Record<string, unknown>;
  const bad = (what: string) => new OperationError(`${file}: front matter ${what}`);
  if (d.kind !== kind) throw bad(`kind: expected '${kind}', found ${JSON.stringify(d.kind ?? null)}`);
  if (typeof d.branch !== 'string' || !d.branch.includes('{{name}}')) throw bad(`branch: expected a pattern containing {{name}}, e.g. "${kind}/{{name}}"`);
  const files = d.files ?? [];
  if (!Array.isArray(files) || !files.every((f) => typeof f === 'string')) throw bad('files: expected a list of strings');
  const fields = d.fields ?? {};
  if (!isStringRecord(fields) || !Object.values(fields).every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
    throw bad('fields: expected a mapping of field names to default values');
  }
  compile(parsed.content, file);
  compile(d.branch, file);
  for (const f of files) compile(f, file);
  return {
    meta: { kind, branch: d.branch, files, fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)])) },
    body: parsed.content,
  };
}

export function branchFor(kind: Kind, name: string): string {
  const { meta } = loadTemplate(kind);
  return Handlebars.compile(meta.branch, { noEscape: true })({ name, kind });
}

/** The checklist items: an item containing {{component_paths}} is repeated once per component path. */
export function expandFiles(items: readonly string[], data: Record<string, unknown>, paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const item of items) {
    const fn = Handlebars.compile(item, { noEscape: true });
    if (/\{\{\s*component_paths\s*\}\}/.test(item)) for (const p of paths) out.push(fn({ ...data, component_paths: p }));
    else out.push(fn({ ...data, component_paths: paths.join(', ') }));
  }
  return [...new Set(out.filter((f) => f.trim() !== ''))];
}

export function beginMarker(uid: string, name: string): string {
  return `<!-- parallel-session:begin uid=${uid} name=${name} -->`;
}

export function endMarker(uid: string): string {
  return `<!-- parallel-session:end uid=${uid} -->`;
}

/** One whole entry, markers included, ending with a newline. */
export function renderEntry(data: EntryData): string {
  if (!/^[A-Za-z0-9._-]+$/.test(data.uid)) throw new OperationError(`invalid entry uid ${JSON.stringify(data.uid)}`);
  if (describeName(data.name)) throw new OperationError(`invalid session name ${JSON.stringify(data.name)} for a WORK_LOG entry`);
  const tpl = loadTemplate(data.kind);
  const base = { ...data, status: data.status ?? STATUS_IN_PROGRESS, component_paths: data.componentPaths.join(', ') };
  const fields = Object.fromEntries(Object.entries(tpl.meta.fields).map(([k, v]) => [k, Handlebars.compile(v, { noEscape: true })(base)]));
  const files = expandFiles(tpl.meta.files, base, data.componentPaths);
  const body = Handlebars.compile(tpl.body, { noEscape: true })({ ...base, fields, files }).replace(/^\n+/, '').replace(/\n*$/, '\n\n');
  return `${beginMarker(data.uid, data.name)}\n${body}${endMarker(data.uid)}\n`;
}
