import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/db/client.js';
import { seedDemo } from '../../src/db/seed/demo.js';
import { backupEmbedded, restoreEmbedded } from '../../src/lib/backup.js';

describe.runIf(process.env.TEST_DB !== 'postgres')('embedded backup and restore', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('restores a backup that holds every booking', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'fablab-backup-'));
    dirs.push(root);
    const dataDir = path.join(root, 'pglite');
    const db1 = await connect({ dataDir });
    await db1.migrate();
    await seedDemo(db1.db, { password: 'fablab-demo', now: new Date('2026-11-27T03:00:00Z') });
    const before = await db1.query<{ id: string; status: string; start_at: Date }>('select id, status, start_at from bookings order by id');
    expect(before.length).toBeGreaterThan(0);
    await db1.close();

    const file = path.join(root, 'backup.tar.gz');
    const { bytes } = await backupEmbedded(dataDir, file);
    expect(bytes).toBeGreaterThan(1000);

    // Lose a booking after the backup, then restore: the backup's bookings are all back.
    const db2 = await connect({ dataDir });
    await db2.query('delete from usage_sessions');
    await db2.query('delete from bookings');
    await db2.close();

    const restoredDir = path.join(root, 'restored');
    await restoreEmbedded(file, restoredDir);
    const db3 = await connect({ dataDir: restoredDir });
    const after = await db3.query<{ id: string; status: string; start_at: Date }>('select id, status, start_at from bookings order by id');
    await db3.close();
    expect(after).toEqual(before);

    // Restoring over an existing database keeps the old one aside.
    const { keptAside } = await restoreEmbedded(file, dataDir);
    expect(keptAside).toBeDefined();
    const db4 = await connect({ dataDir });
    expect((await db4.query('select count(*)::int as n from bookings'))[0]).toEqual({ n: before.length });
    await db4.close();
  });
});
