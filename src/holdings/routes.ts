import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const holdingRoutes: FastifyPluginAsyncTypebox = async () => {};
