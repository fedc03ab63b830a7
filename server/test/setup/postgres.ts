// Global setup of the server suites on the PostgreSQL named by TEST_DATABASE_URL (CI: the
// machine's PostgreSQL 15, the oldest version supported): a template for this run, dropped after.
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { createTemplate, dropDatabases } from './template.js';

export default async function setup(project: TestProject) {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('The server:postgres suites need TEST_DATABASE_URL');
  const run = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const template = `fablab_template_${run}`;
  await createTemplate(adminUrl, template);
  project.provide('dbAdminUrl', adminUrl);
  project.provide('dbTemplate', template);
  return async () => {
    await dropDatabases(adminUrl, `fablab_test_${run}%`);
    await dropDatabases(adminUrl, template);
  };
}
