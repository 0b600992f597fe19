import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { canEditCustomers, canReadCustomers } from '../auth/permissions.js';
import { actorOf, requires } from '../http/authenticate.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { createHousehold, getHousehold, removeHouseholdMember, setHouseholdMember } from './households.js';
import { HouseholdKindSchema, HouseholdRoleSchema, HouseholdSchema } from './schemas.js';

const tags = ['households'];
const MemberParams = Type.Object({ id: IdParams.properties.id, customerId: IdParams.properties.id });

export const householdRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = () => app.database.db;

  app.post(
    '/households',
    {
      preHandler: requires(canEditCustomers),
      schema: {
        tags,
        summary: 'Create a household, family plan or business account with its members',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            kind: HouseholdKindSchema,
            members: Type.Optional(
              Type.Array(Type.Object({ customerId: IdParams.properties.id, role: HouseholdRoleSchema }, { additionalProperties: false }), {
                maxItems: 100,
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: HouseholdSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const household = await db()
        .transaction()
        .execute((trx) => createHousehold(trx, actorOf(request), request.body));
      return reply.status(201).send(household);
    },
  );

  app.get(
    '/households/:id',
    {
      preHandler: requires(canReadCustomers),
      schema: { tags, summary: 'A household and its members', params: IdParams, response: { 200: HouseholdSchema, ...errorResponses } },
    },
    async (request) => getHousehold(db(), actorOf(request).workspaceId, request.params.id),
  );

  app.put(
    '/households/:id/members/:customerId',
    {
      preHandler: requires(canEditCustomers),
      schema: {
        tags,
        summary: 'Add a member or change their role (owner, payer, member)',
        params: MemberParams,
        body: Type.Object({ role: HouseholdRoleSchema }, { additionalProperties: false }),
        response: { 200: HouseholdSchema, ...errorResponses },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => setHouseholdMember(trx, actorOf(request), request.params.id, request.params.customerId, request.body.role)),
  );

  app.delete(
    '/households/:id/members/:customerId',
    {
      preHandler: requires(canEditCustomers),
      schema: { tags, summary: 'Remove a member', params: MemberParams, response: { 200: HouseholdSchema, ...errorResponses } },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => removeHouseholdMember(trx, actorOf(request), request.params.id, request.params.customerId)),
  );
};
