import type { ActorKind, Role } from '../workspaces/tables.js';
import type { ApiKeyKind } from './tables.js';

/** Who is making a request, always bound to one workspace. */
export type Actor =
  | { kind: 'user'; workspaceId: string; userId: string; role: Role; name: string; email: string }
  | { kind: 'api_key'; workspaceId: string; keyId: string; keyKind: ApiKeyKind }
  | { kind: 'system'; workspaceId: string; label: string };

/** The columns that record an actor on audit and history rows. */
export function actorColumns(actor: Actor): { actor_kind: ActorKind; actor_id: string | null } {
  switch (actor.kind) {
    case 'user':
      return { actor_kind: 'user', actor_id: actor.userId };
    case 'api_key':
      return { actor_kind: 'api_key', actor_id: actor.keyId };
    case 'system':
      return { actor_kind: 'system', actor_id: actor.label };
  }
}

/** An actor for work Rapport does itself (seeding, imports, jobs). */
export function systemActor(workspaceId: string, label = 'rapport'): Actor {
  return { kind: 'system', workspaceId, label };
}
