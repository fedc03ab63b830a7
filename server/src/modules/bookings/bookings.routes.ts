import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

// Routes of the bookings module (see ../shared/API.md); filled in by the bookings slice.
const bookingsRoutes: FastifyPluginAsyncTypebox = async () => {};

export default bookingsRoutes;
