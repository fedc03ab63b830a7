import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

// Routes of the notifications module (see ../shared/API.md); filled in by the notifications slice.
const notificationsRoutes: FastifyPluginAsyncTypebox = async () => {};

export default notificationsRoutes;
