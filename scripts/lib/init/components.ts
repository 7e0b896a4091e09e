// The components `make init` guesses, as a person reading the tree would: one per top-level folder, except
// that the folder holding most of the code (a package, `src/<pkg>/`, a folder of packages) is split into
// its subfolders; tests and docs are named for what they hold. Pure over the list of tracked files.
import { basename } from 'node:path';
import { gitRaw } from '../git/repo.ts';

export interface GuessedComponent {
  name: string;
  paths: string[];
  description: string;
}

/** Build output and other people's code: never a component. */
const SKIP = new Set(['node_modules', 'vendor', 'dist', 'build', 'target', 'out', 'coverage', '__pycache__']);
const TEST_NAMES = new Set(['test', 'tests', 'spec', 'specs', '__tests__', 'testing']);
const DOC_NAMES = new Set(['docs', 'doc', 'documentation']);
const PROSE = /\.(md|mdx|markdown|rst|adoc)$/i;
const DOC_DATA = /\.(ya?ml|json|toml)$/i;
/** Neither prose nor code: a docs site's pictures and styles, plain text (requirements, fixtures). */
const NEUTRAL = /\.(png|jpe?g|gif|svg|webp|ico|woff2?|ttf|eot|css|scss|txt)$/i;
/** A folder whose subfolders hold these at their top is a folder of packages (packages/, apps/, crates/). */
const MANIFESTS = new Set(['package.json', 'pyproject.toml', 'setup.py', 'Cargo.toml', 'go.mod', 'pom.xml', 'build.gradle', 'build.gradle.kts', 'composer.json', 'Gemfile', 'mix.exs']);
/** A split folder's own files are listed one by one up to this many, else the folder itself is given. */
const MAX_LOOSE = 20;

interface Folder {
  name: string;
  /** From the repository root, with a trailing `/` ('' for the root). */
  path: string;
  files: string[];
  folders: Map<string, Folder>;
  /** Files at any depth below. */
  count: number;
}

function treeOf(paths: readonly string[]): Folder {
  const root: Folder = { name: '', path: '', files: [], folders: new Map(), count: 0 };
  for (const p of paths) {
    const parts = p.split('/').filter(Boolean);
    const file = parts.pop();
    if (!file) continue;
    let at = root;
    at.count++;
    for (const part of parts) {
      let next = at.folders.get(part);
      if (!next) at.folders.set(part, (next = { name: part, path: `${at.path}${part}/`, files: [], folders: new Map(), count: 0 }));
      next.count++;
      at = next;
    }
    at.files.push(file);
  }
  return root;
}

function* filesUnder(f: Folder): Generator<string> {
  yield* f.files;
  for (const sub of f.folders.values()) yield* filesUnder(sub);
}

/** The subfolders that could be components: no dot folders, build output, or folders holding only dot files (a tracked .gitignore or .gitkeep). */
function subfolders(f: Folder): Folder[] {
  return [...f.folders.values()]
    .filter((s) => !s.name.startsWith('.') && !SKIP.has(s.name) && [...filesUnder(s)].some((n) => !n.startsWith('.')))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Docs by content: mostly prose (.md, .mdx, .rst) and the data files of a docs site (.yml, .json), pictures aside. */
function holdsDocs(f: Folder): boolean {
  let prose = 0;
  let data = 0;
  let counted = 0;
  for (const n of filesUnder(f)) {
    if (NEUTRAL.test(n)) continue;
    counted++;
    if (PROSE.test(n)) prose++;
    else if (DOC_DATA.test(n)) data++;
  }
  return counted > 0 && prose >= 0.3 * counted && prose + data >= 0.7 * counted;
}

function roleOf(f: Folder): 'tests' | 'docs' | null {
  const lower = f.name.toLowerCase();
  if (TEST_NAMES.has(lower)) return 'tests';
  if (DOC_NAMES.has(lower) || holdsDocs(f)) return 'docs';
  return null;
}

/** `src/` holding one package (and at most a couple of files beside it) stands for that package: `src/<pkg>/`. */
function inward(f: Folder): Folder {
  let at = f;
  for (let subs = subfolders(at); subs.length === 1 && at.files.filter((n) => !n.startsWith('.')).length <= 2; subs = subfolders(at)) at = subs[0] as Folder;
  return at;
}

const simple = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A folder of packages: at least two of its subfolders, and at least half, have a manifest at their top. */
function holdsPackages(f: Folder): boolean {
  const subs = subfolders(f);
  const packages = subs.filter((s) => s.files.some((n) => MANIFESTS.has(n))).length;
  return packages >= 2 && packages * 2 >= subs.length;
}

interface Draft {
  folder: string;
  base: string;
  parent: string | null;
  role: 'tests' | 'docs' | null;
  paths: string[];
  description: string;
}

function draftOf(f: Folder, parent: Folder | null): Draft {
  const role = roleOf(f);
  const description = role === 'tests' ? 'tests' : role === 'docs' ? 'documentation' : f.path.slice(0, -1);
  return { folder: f.path, base: f.name, parent: parent?.name ?? null, role, paths: [f.path], description };
}

/** A valid component name (1-64 letters, digits, '-', '_', '.'; no leading '-' or '.', no '..', no trailing '.' or '.lock'). */
function cleanName(s: string): string {
  const n = s
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/\.\.+/g, '.')
    .replace(/^[-.]+/, '')
    .slice(0, 60)
    .replace(/\.lock$/i, '-lock')
    .replace(/\.+$/, '');
  return n || 'part';
}

function named(drafts: Draft[]): GuessedComponent[] {
  const taken = new Set<string>();
  const names = new Map<Draft, string>();
  // Folders named for their role (tests/, docs/) get that name before look-alikes (fern/, pkg/tests/), and
  // shallow folders before deep ones, which fall back to their parent's name in front (pkg-ui).
  const canonical = (d: Draft) => d.role !== null && d.base.toLowerCase() === d.role;
  const depth = (d: Draft) => d.folder.split('/').length;
  const order = [...drafts].sort((a, b) => Number(canonical(b)) - Number(canonical(a)) || depth(a) - depth(b));
  for (const d of order) {
    const first = cleanName(d.role ?? d.base);
    const candidates = [first, cleanName(d.parent ? `${d.parent}-${first}` : d.base)];
    let name = candidates.find((c) => !taken.has(c));
    for (let i = 2; !name; i++) if (!taken.has(`${first}-${i}`)) name = `${first}-${i}`;
    taken.add(name);
    names.set(d, name);
  }
  // A folder of docs that keeps a name of its own (ui/ beside fern/, which is `docs`) says so, so that
  // two components are never both just "documentation".
  const described = (d: Draft, name: string) => (d.role === 'docs' && name === cleanName(d.base) && d.base.toLowerCase() !== 'docs' ? `${d.folder.slice(0, -1)}: mostly documentation` : d.description);
  return drafts.map((d) => ({ name: names.get(d) as string, paths: d.paths, description: described(d, names.get(d) as string) }));
}

/**
 * The components of a repository whose tracked files are `paths` (as `git ls-files` gives them), in the
 * order of their paths; one `app` component for the whole repository when there is no folder to go by.
 */
export function guessComponents(paths: readonly string[], repoName = ''): GuessedComponent[] {
  const root = treeOf(paths);
  const tops = subfolders(root);
  const total = root.files.length + tops.reduce((n, f) => n + f.count, 0);
  const code = tops.filter((f) => roleOf(f) === null).sort((a, b) => b.count - a.count);
  const [largest, second] = code;
  const drafts: Draft[] = [];
  for (const top of tops) {
    const inner = code.includes(top) ? inward(top) : top;
    const parts = code.includes(top) ? subfolders(inner) : [];
    const main = top === largest && (top.count * 2 > total || (inner.files.includes('__init__.py') && top.count >= 2 * (second?.count ?? 0)));
    const likeRepo = repoName !== '' && [top.name, inner.name].some((n) => simple(n) === simple(repoName));
    const srcLayout = top.name === 'src' && inner !== top;
    if (parts.length < 2 || !(main || likeRepo || srcLayout || holdsPackages(inner))) {
      drafts.push(draftOf(top, null));
      continue;
    }
    if (inner.files.length) {
      const own = inner.files.length > MAX_LOOSE ? [inner.path] : [...inner.files].sort().map((n) => `${inner.path}${n}`);
      drafts.push({ folder: inner.path, base: inner.name, parent: inner === top ? null : top.name, role: null, paths: own, description: `the files of ${inner.path} beside its subfolders` });
    }
    for (const sub of parts) drafts.push(draftOf(sub, inner));
  }
  if (!drafts.length) return [{ name: 'app', paths: ['./'], description: 'the whole repository' }];
  drafts.sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : a.paths.length - b.paths.length));
  return named(drafts);
}

/** The files git tracks in the checkout `main`, from one `git ls-files` (none when git cannot say). */
export async function trackedFiles(main: string): Promise<string[]> {
  const r = await gitRaw(main, ['ls-files', '-z']);
  return r.code === 0 ? r.stdout.split('\0').filter(Boolean) : [];
}

/** The components guessed for the checkout `main`. */
export async function componentsOf(main: string): Promise<GuessedComponent[]> {
  return guessComponents(await trackedFiles(main), basename(main));
}

/** A YAML key that reads back as the same string (not true, null, 12, ...). */
const yamlKey = (name: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(name) ? name : JSON.stringify(name));

/** The `components:` entries of a config file, one line each; JSON strings are valid YAML, so any path is quoted safely. */
export function componentsYaml(components: readonly GuessedComponent[]): string {
  return components.map((c) => `  ${yamlKey(c.name)}: { paths: ${JSON.stringify(c.paths)}, description: ${JSON.stringify(c.description)} }`).join('\n');
}
