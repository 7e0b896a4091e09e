// A web session, as Claude Code on the web or Codex cloud works: its own clone of the remote, a branch pushed.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { gitIn, tempDir, writeFiles } from '../helpers/repo.ts';

/** A clone of `bare` standing for the web; `push` commits on a branch off main and pushes it, returning the tip. */
export function webClone(bare: string, who = 'Web Agent') {
  const dir = join(tempDir('kit-web-'), 'web');
  gitIn(tempDir('kit-x-'), 'clone', '-q', bare, dir);
  const env = { ...process.env, GIT_AUTHOR_NAME: who, GIT_AUTHOR_EMAIL: 'web@example.com' };
  return {
    dir,
    push(branch: string, files: Record<string, string>, message = `work on ${branch}`): string {
      gitIn(dir, 'checkout', '-q', '-B', branch, 'origin/main');
      writeFiles(dir, files);
      gitIn(dir, 'add', '-A');
      execFileSync('git', ['commit', '-q', '-m', message], { cwd: dir, env, stdio: 'ignore' });
      const sha = gitIn(dir, 'rev-parse', 'HEAD');
      gitIn(dir, 'push', '-q', '-f', 'origin', `HEAD:refs/heads/${branch}`);
      return sha;
    },
    remove(branch: string): void {
      gitIn(dir, 'push', '-q', 'origin', '--delete', branch);
    },
  };
}

/** Every ref of a repository with its commit: compared before and after to prove nothing was pushed. */
export const allRefs = (repo: string) => gitIn(repo, 'for-each-ref', '--format=%(objectname) %(refname)');

/** A port on 127.0.0.1 that nothing listens on: bound, then closed again. */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}
