// The cold path of a WORK_LOG.md template: its front matter read and checked, each piece parsed and
// precompiled by Handlebars' compiler into a plain, serializable form (template.ts keeps it on disk, so a
// later process renders with Handlebars' small runtime only). The compiler and gray-matter are loaded
// here, on first use, never by a process that finds the template already built; so are the YAML parser
// and zod (required from node_modules, not imported: a command's bundle then carries neither).
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type * as Z from 'zod';
import type GrayMatter from 'gray-matter';
import type HandlebarsNs from 'handlebars';
import { OperationError } from '../core/errors.mjs';
import type { Kind } from '../store/schemas.ts';

const requireHere = createRequire(import.meta.url);
const handlebars = () => requireHere('handlebars') as typeof HandlebarsNs;
const matter = () => requireHere('gray-matter') as typeof GrayMatter;
const parseYaml = (text: string) => (requireHere('yaml') as typeof Yaml).parse(text) as unknown;

export const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];

// The front matter is read by the same YAML library as parallel.config.yaml; gray-matter's other
// engines are refused (its `---js` engine would eval the front matter).
const notYaml = () => {
  throw new Error('the front matter must be YAML (---)');
};
const MATTER_OPTIONS = { engines: { yaml: (text: string) => parseYaml(text) as object, javascript: notYaml, json: notYaml } };

const FRONT_MATTER_KEYS = ['kind', 'branch', 'files', 'fields'];

function frontMatterSchema(kind: Kind) {
  const z = requireHere('zod') as typeof Z;
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

function describeIssue(file: string, issue: Z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `${file}: front matter: unknown key ${issue.keys.map((k) => `'${k}'`).join(', ')}; expected ${FRONT_MATTER_KEYS.join(', ')}`;
  return `${file}: front matter${issue.path.length ? ` ${issue.path.join('.')}` : ''}: ${issue.message}`;
}

export interface PathUse {
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

/** One piece (the body, the branch pattern, a checklist item, a field), precompiled. */
export interface BuiltPart {
  /** Handlebars' precompiled template spec (JavaScript source of an object), or null when the compiler failed. */
  spec: string | null;
  paths: PathUse[];
  /** What the compiler threw, raised again when the piece is rendered (as Handlebars' own lazy compile does). */
  error: { message: string; lineNumber?: number; column?: number } | null;
}

export interface BuiltTemplate {
  version: 1;
  kind: Kind;
  meta: { branch: string; files: string[]; fields: Record<string, string> };
  /** The body as written (after the front matter), and the file line it starts after. */
  content: string;
  offset: number;
  body: BuiltPart;
  branch: BuiltPart;
  files: BuiltPart[];
  fields: [string, BuiltPart][];
}

export const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;

function buildPart(source: string, file: string, where: () => string): BuiltPart {
  const hb = handlebars();
  let ast: hbs.AST.Program;
  try {
    ast = hb.parse(source);
  } catch (err) {
    throw new OperationError(`${file}: ${where()}not a valid Handlebars template: ${firstLine(err)}`);
  }
  const paths = pathsOf(ast);
  try {
    return { spec: String(hb.precompile(ast, COMPILE_OPTIONS)), paths, error: null };
  } catch (err) {
    const e = err as { message?: string; lineNumber?: number; column?: number };
    return { spec: null, paths, error: { message: e.message ?? String(err), lineNumber: e.lineNumber, column: e.column } };
  }
}

/** Reads and checks the front matter, and precompiles every piece; throws an OperationError naming the file. */
export function buildTemplate(kind: Kind, file: string, text: string): BuiltTemplate {
  let parsed: GrayMatter.GrayMatterFile<string>;
  try {
    parsed = matter()(text, MATTER_OPTIONS);
  } catch (err) {
    throw new OperationError(`${file}: the front matter is not valid YAML: ${firstLine(err)}`);
  }
  const checked = frontMatterSchema(kind).safeParse(parsed.data);
  if (!checked.success) throw new OperationError(describeIssue(file, checked.error.issues[0] as Z.core.$ZodIssue));
  const { branch, files, fields } = checked.data;
  // the body's line numbers count from the first line after the front matter
  const offset = text.endsWith(parsed.content) ? text.slice(0, text.length - parsed.content.length).split('\n').length - 1 : 0;
  const inFrontMatter = (key: string) => () => `front matter ${key}: `;
  return {
    version: 1,
    kind,
    meta: { branch, files: [...files], fields },
    content: parsed.content,
    offset,
    body: buildPart(parsed.content, file, () => ''),
    branch: buildPart(branch, file, inFrontMatter('branch')),
    files: files.map((f, i) => buildPart(f, file, inFrontMatter(`files.${i}`))),
    fields: Object.entries(fields).map(([k, v]) => [k, buildPart(v, file, inFrontMatter(`fields.${k}`))]),
  };
}
