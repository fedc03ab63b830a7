import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

// Routes of the certifications module (see ../shared/API.md); filled in by the certifications slice.
const certificationsRoutes: FastifyPluginAsyncTypebox = async () => {};

export default certificationsRoutes;
