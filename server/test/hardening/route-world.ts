// What the route-table suites share: the app built while its routes are collected, the world of
// callers and records they send requests about, the ids to fill in, and a route's concrete URL.
import { createTestContext, fixedClock, type TestContext } from '../helpers/app.js';
import { collectRoutes, type CollectedRoute } from './routes.js';
import type { IdPools } from './schema-values.js';
import { NOW, createWorld, type World } from './world.js';

export async function createRouteWorld(): Promise<{
  ctx: TestContext;
  world: World;
  routes: CollectedRoute[];
  pools: IdPools;
}> {
  const collector = collectRoutes();
  let ctx: TestContext;
  try {
    ctx = await createTestContext({ clock: fixedClock(NOW) });
  } finally {
    collector.stop();
  }
  const world = await createWorld(ctx);
  const pools: IdPools = {
    labs: [world.labHere.id],
    machines: [world.machineHere.id],
    users: [world.users.owner.id],
    other: [],
  };
  return { ctx, world, routes: collector.routes, pools };
}

/** The route's URL with the world's lab and machine, and an unknown id for anything else. */
export function routeUrl(route: CollectedRoute, world: World): string {
  return route.url
    .replace(':labId', world.labHere.id)
    .replace(':machineId', world.machineHere.id)
    .replace(':token', 'x'.repeat(43))
    .replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');
}
