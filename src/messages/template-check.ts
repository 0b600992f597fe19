import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { findTemplateRuleBreak } from './render.js';
import { warmUpTemplateEngine, type TemplateFailureReason } from './template-engine.js';

/** A stored template field that breaks a sandbox rule or reaches a limit. */
export interface TemplateRuleBreak {
  workspaceId: string;
  templateId: string;
  key: string;
  language: string;
  field: '/subject' | '/body';
  reason: TemplateFailureReason;
  problem: string;
}

const PAGE = 500;

/**
 * Every stored template that breaks the template rules (one saved before them, or written
 * to the table by hand), in pages so a large installation is not read at once. A message
 * from such a template ends `failed` with the reason; this is how an operator learns of
 * them before anyone sends one. It runs at start, so it warms the engine up first.
 */
export async function findTemplateRuleBreaks(db: Kysely<DB>): Promise<TemplateRuleBreak[]> {
  warmUpTemplateEngine();
  const found: TemplateRuleBreak[] = [];
  let after: { workspaceId: string; id: string } | undefined;
  for (;;) {
    let query = db
      .selectFrom('message_templates')
      .select(['workspace_id', 'id', 'key', 'language', 'subject', 'body'])
      .orderBy('workspace_id')
      .orderBy('id')
      .limit(PAGE);
    if (after) {
      const { workspaceId, id } = after;
      query = query.where((eb) =>
        eb.or([eb('workspace_id', '>', workspaceId), eb.and([eb('workspace_id', '=', workspaceId), eb('id', '>', id)])]),
      );
    }
    const rows = await query.execute();
    for (const row of rows) {
      for (const [field, text] of [
        ['/subject', row.subject],
        ['/body', row.body],
      ] as const) {
        const broken = findTemplateRuleBreak(text);
        if (broken) {
          found.push({
            workspaceId: row.workspace_id,
            templateId: row.id,
            key: row.key,
            language: row.language,
            field,
            reason: broken.reason,
            problem: broken.message,
          });
        }
      }
    }
    const last = rows.at(-1);
    if (rows.length < PAGE || !last) return found;
    after = { workspaceId: last.workspace_id, id: last.id };
  }
}
