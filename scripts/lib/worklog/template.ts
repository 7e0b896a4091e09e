// WORK_LOG.md entry templates: templates/<kind>.md.hbs = YAML front matter + a Handlebars body.
// A template is read, checked and compiled once per process (again only when its file changes), in
// strict mode: a field the entry does not have is an error naming the file and the field, never an
// empty string in someone's WORK_LOG.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import Handlebars from 'handlebars';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
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

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];

// The front matter is read by the same YAML library as parallel.config.yaml; gray-matter's other
// engines are refused (its `---js` engine would eval the front matter).
const notYaml = () => {
  throw new Error('the front matter must be YAML (---)');
};
const MATTER_OPTIONS = { engines: { yaml: (text: string) => parseYaml(text) as object, javascript: notYaml, json: notYaml } };

const FRONT_MATTER_KEYS = ['kind', 'branch', 'files', 'fields'];

function frontMatterSchema(kind: Kind) {
  const branchHint = `expected a pattern containing {{name}}, e.g. "${kind}/{{name}}"`;
  return z
    .object(
      {
        kind: z.literal(kind, { error: (issue) => `expected '${kind}', found ${JSON.stringify(issue.input ?? null)}` }),
        branch: z.string({ error: branchHint }).refine((b) => b.includes('{{name}}'), { error: branchHint }),
        files: z
          .array(z.string({ error: 'expected a string' }), { error: 'expected a list of strings' })
          .nullish()
          .transform((f) => f ?? []),
        fields: z
          .record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' }), {
            error: 'expected a mapping of field names to default values',
          })
          .nullish()
          .transform((f) => Object.fromEntries(Object.entries(f ?? {}).map(([k, v]) => [k, String(v)]))),
      },
      { error: `expected a mapping of ${FRONT_MATTER_KEYS.join(', ')}` },
    )
    .strict();
}

function describeIssue(file: string, issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `${file}: front matter: unknown key ${issue.keys.map((k) => `'${k}'`).join(', ')}; expected ${FRONT_MATTER_KEYS.join(', ')}`;
  return `${file}: front matter${issue.path.length ? ` ${issue.path.join('.')}` : ''}: ${issue.message}`;
}

type Render = (data: object) => string;

interface PathUse {
  original: string;
  parts: string[];
  line: number;
  column: number;
  /** A helper's argument read in the template's own context: strict mode does not check these. */
  checked: boolean;
}

/** Every path a template reads, with where it stands. */
function pathsOf(program: hbs.AST.Program): PathUse[] {
  const out: PathUse[] = [];
  const expression = (node: hbs.AST.Expression, top: boolean, argument: boolean) => {
    if (node.type === 'PathExpression') {
      const p = node as hbs.AST.PathExpression;
      out.push({ original: p.original, parts: p.parts, line: p.loc.start.line, column: p.loc.start.column, checked: argument && top && !p.data && p.depth === 0 && p.parts.length > 0 });
    } else if (node.type === 'SubExpression') call(node as hbs.AST.SubExpression, top);
  };
  const call = (node: hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression, top: boolean) => {
    expression(node.path as hbs.AST.Expression, top, false);
    for (const p of node.params) expression(p, top, true);
    for (const pair of node.hash?.pairs ?? []) expression(pair.value, top, true);
  };
  const walk = (program: hbs.AST.Program | undefined, top: boolean) => {
    for (const s of program?.body ?? []) {
      if (s.type === 'MustacheStatement') call(s as hbs.AST.MustacheStatement, top);
      else if (s.type === 'BlockStatement') {
        const block = s as hbs.AST.BlockStatement;
        call(block, top);
        // #if and #unless keep the context; #each and #with move into another one
        const same = ['if', 'unless'].includes((block.path as hbs.AST.PathExpression).original);
        walk(block.program, top && same);
        walk(block.inverse, top && same);
      }
    }
  };
  walk(program, true);
  return out;
}

function has(data: object, parts: readonly string[]): boolean {
  let at: unknown = data;
  for (const part of parts) {
    if (typeof at !== 'object' || at === null || !(part in at)) return false;
    at = (at as Record<string, unknown>)[part];
  }
  return true;
}

/** Compiles one piece of a template; `where(line)` says where it sits in the file, for errors. */
function compilePart(source: string, file: string, where: (line?: number) => string): Render {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
  } catch (err) {
    throw new OperationError(`${file}: ${where()}not a valid Handlebars template: ${firstLine(err)}`);
  }
  const paths = pathsOf(ast);
  const fn = Handlebars.compile(ast, { noEscape: true, strict: true });
  const unknown = (name: string, line?: number) => new OperationError(`${file}: ${where(line)}unknown field '${name}'`);
  return (data) => {
    const missing = paths.find((p) => p.checked && !has(data, p.parts));
    if (missing) throw unknown(missing.original, missing.line);
    try {
      return fn(data);
    } catch (err) {
      const e = err as { message?: string; lineNumber?: number; column?: number };
      // strict mode's own error, or the TypeError it gives when the context is a string (in #each)
      const name = /^"(.+)" not defined in /.exec(e.message ?? '')?.[1] ?? /^Cannot use 'in' operator to search for '(.+)' in /.exec(e.message ?? '')?.[1];
      if (name) {
        const use = paths.find((p) => p.line === e.lineNumber && p.column === e.column) ?? paths.find((p) => p.parts.at(-1) === name);
        throw unknown(use?.original ?? name, use?.line ?? e.lineNumber);
      }
      throw new OperationError(`${file}: ${where(e.lineNumber)}${firstLine(err)}`);
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

function compileTemplate(kind: Kind, file: string, text: string): Compiled {
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(text, MATTER_OPTIONS);
  } catch (err) {
    throw new OperationError(`${file}: the front matter is not valid YAML: ${firstLine(err)}`);
  }
  const checked = frontMatterSchema(kind).safeParse(parsed.data);
  if (!checked.success) throw new OperationError(describeIssue(file, checked.error.issues[0] as z.core.$ZodIssue));
  const { branch, files, fields } = checked.data;
  // the body's line numbers count from the first line after the front matter
  const offset = text.endsWith(parsed.content) ? text.slice(0, text.length - parsed.content.length).split('\n').length - 1 : 0;
  const inFrontMatter = (key: string) => () => `front matter ${key}: `;
  const meta: TemplateMeta = Object.freeze({ kind, branch, files: Object.freeze([...files]) as string[], fields: Object.freeze(fields) });
  return {
    text,
    template: Object.freeze({ meta, body: parsed.content }),
    body: compilePart(parsed.content, file, (line) => (line ? `line ${offset + line}: ` : '')),
    branch: compilePart(branch, file, inFrontMatter('branch')),
    files: files.map((f, i) => compilePart(f, file, inFrontMatter(`files.${i}`))),
    fields: Object.entries(fields).map(([k, v]) => [k, compilePart(v, file, inFrontMatter(`fields.${k}`))]),
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
