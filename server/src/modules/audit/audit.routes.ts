import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

// Routes of the audit module (see ../shared/API.md); filled in by the audit slice.
const auditRoutes: FastifyPluginAsyncTypebox = async () => {};

export default auditRoutes;
