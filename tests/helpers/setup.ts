import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// Every test runs git with a fixed identity and without the machine's own git configuration.
process.env.GIT_AUTHOR_NAME = 'Kit Test';
process.env.GIT_AUTHOR_EMAIL = 'kit@example.test';
process.env.GIT_COMMITTER_NAME = 'Kit Test';
process.env.GIT_COMMITTER_EMAIL = 'kit@example.test';
process.env.GIT_CONFIG_GLOBAL = '/dev/null';
process.env.GIT_CONFIG_NOSYSTEM = '1';
process.env.NO_COLOR = '1';
delete process.env.PARALLEL_DIR;
delete process.env.PARALLEL_SESSION;
delete process.env.PARALLEL_WORKSPACE;
delete process.env.MAKEFLAGS;
delete process.env.MFLAGS;
delete process.env.MAKELEVEL;
// Sessions of test repositories are remembered in a registry of this run's own, not the user's.
const registry = mkdtempSync(join(tmpdir(), 'kit-registry-'));
process.env.PARALLEL_PORT_REGISTRY = join(registry, 'roots');
afterAll(() => rmSync(registry, { recursive: true, force: true }));
