import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

// Routes of the usage module (see ../shared/API.md); filled in by the usage slice.
const usageRoutes: FastifyPluginAsyncTypebox = async () => {};

export default usageRoutes;
