// Global setup of the server suites on the embedded PostgreSQL: one server for the whole run,
// started from the shipped binaries exactly as `npm start` starts it, in a throwaway DATA_DIR.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbedded } from '../../src/db/embedded.js';
import { claimDataDir } from '../../src/lib/data-dir.js';
import { createTemplate } from './template.js';

export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'fablab-test-pg-'));
  const lock = claimDataDir(dataDir, 'server');
  // A throwaway cluster: the suites test behaviour, not durability (server/test/ops does, on servers
  // started with the real settings), so commits need not wait for the disk while 2 cores share
  // every suite.
  const server = await startEmbedded({
    dataDir,
    settings: { max_connections: '400', fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
  });
  const template = 'fablab_template';
  await createTemplate(server.url('postgres'), template);
  project.provide('dbAdminUrl', server.url('postgres'));
  project.provide('dbTemplate', template);
  return async () => {
    await server.stop();
    lock.release();
    await rm(dataDir, { recursive: true, force: true });
  };
}
