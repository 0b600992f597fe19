import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { resolveSession, SESSION_COOKIE } from '../auth/service.js';
import { Type } from 'typebox';
import type { JsonObject } from '../db/columns.js';
import { enteredAnswers, moodOf, parseForm } from './answers.js';
import { questionsOnPage, usedPageCount } from './definition.js';
import { answerSurveyPage } from './followups.js';
import { renderLinkProblem, renderSurveyPage, renderThankYou } from './page-render.js';
import { markOpened, openSurveyLink, SurveyLinkError, type SurveySession } from './responses.js';

const TokenParams = Type.Object({ token: Type.String({ maxLength: 200 }) });
const PageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
  done: Type.Optional(Type.String({ maxLength: 1 })),
});

const STATUS = { invalid: 404, expired: 410, closed: 410, staff: 403 } as const;

/**
 * The public survey page (no sign-in: the signed link is the credential). GET shows a page,
 * POST saves it and moves on with a 303, so the browser's back and reload never post twice.
 */
export const surveyPageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
    done(null, parseForm(String(body)));
  });
  const html = (reply: FastifyReply, status: number, body: string) =>
    reply
      .status(status)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .type('text/html; charset=utf-8')
      .send(body);

  async function open(request: FastifyRequest, token: string, reply: FastifyReply): Promise<SurveySession | undefined> {
    // Answers come from customers: a browser signed in to Rapport is staff's, and is turned
    // away before the link is even read (src/feedback/credit.ts has the rest of the rule).
    const session = request.cookies[SESSION_COOKIE];
    if (session && (await resolveSession(app.database.db, session))) {
      await html(reply, STATUS.staff, renderLinkProblem('staff'));
      return undefined;
    }
    try {
      return await openSurveyLink(app.database.db, app.config.feedback.surveySecret, token);
    } catch (error) {
      if (!(error instanceof SurveyLinkError)) throw error;
      await html(reply, STATUS[error.problem], renderLinkProblem(error.problem));
      return undefined;
    }
  }

  app.get('/s/:token', { schema: { hide: true, params: TokenParams, querystring: PageQuery } }, async (request, reply) => {
    const session = await open(request, request.params.token, reply);
    if (!session) return reply;
    const { definition, language, response, companyName } = session;
    const href = `/s/${encodeURIComponent(request.params.token)}`;
    if (request.query.done && response) {
      return html(reply, 200, renderThankYou(definition, language, companyName, moodOf(response, response.sentiment_label), href));
    }
    await markOpened(app.database.db, session.invitation);
    const page = Math.min(request.query.page ?? 1, usedPageCount(definition));
    return html(
      reply,
      200,
      renderSurveyPage({
        definition,
        language,
        companyName,
        page,
        answers: (response?.answers as JsonObject) ?? {},
        action: `${href}?page=${page}`,
      }),
    );
  });

  app.post(
    '/s/:token',
    {
      schema: {
        hide: true,
        params: TokenParams,
        querystring: PageQuery,
        body: Type.Record(Type.String(), Type.Array(Type.String({ maxLength: 6000 }), { maxItems: 20 })),
      },
    },
    async (request, reply) => {
      const session = await open(request, request.params.token, reply);
      if (!session) return reply;
      const { definition, language, companyName } = session;
      const total = usedPageCount(definition);
      const posted = Number(request.body.page?.[0] ?? request.query.page ?? 1);
      const page = Number.isInteger(posted) && posted >= 1 ? Math.min(posted, total) : 1;
      const href = `/s/${encodeURIComponent(request.params.token)}`;
      const result = await app.database.db
        .transaction()
        .execute((trx) => answerSurveyPage(trx, app.config.feedback, session, page, request.body));
      if (Object.keys(result.errors).length) {
        // What was typed stays on the page, beside the errors, so nothing has to be entered twice.
        // A 200, like any page a person is meant to read and correct (GOV.UK's pattern).
        const before = (session.response?.answers as JsonObject | undefined) ?? {};
        const typed = enteredAnswers(questionsOnPage(definition, page), request.body, language, definition, before);
        return html(
          reply,
          200,
          renderSurveyPage({
            definition,
            language,
            companyName,
            page,
            answers: typed,
            errors: result.errors,
            action: `${href}?page=${page}`,
          }),
        );
      }
      return reply.redirect(page < total ? `${href}?page=${page + 1}` : `${href}?done=1`, 303);
    },
  );
};
