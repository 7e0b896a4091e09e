// make and bin/kit start a command's Node process with NODE_EXTRA_CA_CERTS set aside (Node reads the
// file at every start, and the kit makes no TLS connection); what the command starts gets it back, as
// the user set it, and never the variable it was set aside in.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { kit, make } from '../helpers/make.ts';
import { makeRepo, tempDir } from '../helpers/repo.ts';

const SETUP = 'components: { server: { paths: [server/] } }\nsetup: "printf \'%s|%s\' \\"${NODE_EXTRA_CA_CERTS-unset}\\" \\"${PARALLEL_KIT_CA_CERTS-unset}\\" > .seen"\n';

it('a setup command that new-session runs sees NODE_EXTRA_CA_CERTS as the user set it, through make and bin/kit', () => {
  const repo = makeRepo({ config: SETUP });
  // a file that is not there: Node warns about it when it starts, so a warning says the kit's Node read it
  const certs = join(tempDir('kit-ca-'), 'no such certs.pem');
  const viaMake = make(repo, 'new-session', { name: 'a', component: 'server', shared: 1 }, { NODE_EXTRA_CA_CERTS: certs });
  expect(viaMake.code, viaMake.stderr).toBe(0);
  expect(viaMake.stderr).not.toContain('Ignoring extra certs');
  expect(readFileSync(join(repo, '..', 'repo-sessions', 'a', '.seen'), 'utf8')).toBe(`${certs}|unset`);
  const viaKit = kit(repo, 'new-session', { name: 'b', component: 'server', shared: 1 }, { NODE_EXTRA_CA_CERTS: certs });
  expect(viaKit.code, viaKit.stderr).toBe(0);
  expect(viaKit.stderr).not.toContain('Ignoring extra certs');
  expect(readFileSync(join(repo, '..', 'repo-sessions', 'b', '.seen'), 'utf8')).toBe(`${certs}|unset`);
  const without = make(repo, 'new-session', { name: 'c', component: 'server', shared: 1 }, { NODE_EXTRA_CA_CERTS: undefined });
  expect(without.code, without.stderr).toBe(0);
  expect(readFileSync(join(repo, '..', 'repo-sessions', 'c', '.seen'), 'utf8')).toBe('unset|unset');
});
