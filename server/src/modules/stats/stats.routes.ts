import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

// Routes of the stats module (see ../shared/API.md); filled in by the stats slice.
const statsRoutes: FastifyPluginAsyncTypebox = async () => {};

export default statsRoutes;
