import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

// Routes of the maintenance module (see ../shared/API.md); filled in by the maintenance slice.
const maintenanceRoutes: FastifyPluginAsyncTypebox = async () => {};

export default maintenanceRoutes;
