import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

// Routes of the feeds module (see ../shared/API.md); filled in by the feeds slice.
const feedsRoutes: FastifyPluginAsyncTypebox = async () => {};

export default feedsRoutes;
