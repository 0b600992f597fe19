import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.js';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../db/columns.js';
import { recordInteraction } from '../service/interactions.js';
import { INTERACTION_EVENT, interactionFromTrackEvent } from '../service/track-event.js';

/** A track event after it landed on the customer's timeline. */
export interface TrackedEvent {
  messageId: string;
  name: string;
  properties: JsonObject;
  context: JsonObject;
  occurredAt: Date;
  receivedAt: Date;
  /** The protocol it came through (segment, posthog, jitsu). */
  source: string;
}

/**
 * Does what a named track event means beyond the timeline (an `Interaction Completed`
 * records an interaction…). It runs in the processor's transaction, after the event is on
 * the timeline, and must be idempotent: a message is applied once, but a batch that lost a
 * race is applied again from the start. A thrown validation error marks the event failed
 * with that reason and undoes what the handler did.
 */
export type TrackHandler = (db: Kysely<DB>, actor: Actor, customerId: string, event: TrackedEvent) => Promise<void>;

/** `Interaction Completed` records a service interaction; its messageId makes a redelivery a no-op. */
const recordInteractionEvent: TrackHandler = async (db, actor, customerId, event) => {
  const input = interactionFromTrackEvent(event.properties, {
    customerId,
    timestamp: event.occurredAt.toISOString(),
    messageId: event.messageId,
  });
  await recordInteraction(db, actor.workspaceId, input, actor);
};

const handlers = new Map<string, TrackHandler[]>([[INTERACTION_EVENT, [recordInteractionEvent]]]);

/** Registers a handler for track events of one name (exact, case-sensitive as clients send it). */
export function registerTrackHandler(eventName: string, handler: TrackHandler): void {
  handlers.set(eventName, [...(handlers.get(eventName) ?? []), handler]);
}

export function trackHandlersFor(eventName: string): readonly TrackHandler[] {
  return handlers.get(eventName) ?? [];
}
