import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorBody } from '../http/schemas.js';
import { unsubscribeByToken } from './unsubscribe.js';

const TokenParams = Type.Object({ token: Type.String({ minLength: 10, maxLength: 100 }) });
const DoneQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 1 })) });

/** The page's one stylesheet, allowed by its hash in the Content-Security-Policy (src/http/security.ts). */
export const UNSUBSCRIBE_PAGE_STYLE = 'body{font-family:system-ui;max-width:32rem;margin:4rem auto;padding:0 1rem}';

const page = (
  text: string,
  form = '',
) => `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Unsubscribe</title><style>${UNSUBSCRIBE_PAGE_STYLE}</style><body><p>${text}</p>${form}</body></html>`;

/**
 * Public unsubscribe links (no sign-in: the token is the credential). POST is RFC 8058's
 * one-click request from the mail client; GET shows a button, because mail scanners follow
 * links and a GET must not unsubscribe anyone.
 */
export const unsubscribeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Mail clients post `List-Unsubscribe=One-Click` form-encoded; only this scope parses it.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.post(
    '/u/:token',
    {
      schema: {
        tags: ['messages'],
        summary: 'RFC 8058 one-click unsubscribe: withdraws consent for the purpose and channel of the message',
        security: [],
        params: TokenParams,
        response: { 200: Type.Object({ unsubscribed: Type.Boolean(), purpose: Type.String(), channel: Type.String() }), 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const result = await unsubscribeByToken(app.database.db, request.params.token);
      // A person pressing the button on the GET page gets a page back; mail clients get JSON.
      if (request.headers.accept?.includes('text/html')) {
        return reply.redirect(`/u/${encodeURIComponent(request.params.token)}?done=1`, 303);
      }
      return { unsubscribed: true, purpose: result.purpose, channel: result.channel };
    },
  );

  app.get('/u/:token', { schema: { hide: true, params: TokenParams, querystring: DoneQuery } }, async (request, reply) => {
    if (request.query.done)
      return reply.type('text/html; charset=utf-8').send(page('You are unsubscribed. We will not send you these messages again.'));
    const action = `/u/${encodeURIComponent(request.params.token)}`;
    return reply
      .type('text/html; charset=utf-8')
      .send(
        page(
          'Stop receiving these messages?',
          `<form method="post" action="${action}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button>Unsubscribe</button></form>`,
        ),
      );
  });
};
