import type { Channel, Direction } from './tables.js';
import type { JsonValue } from '../db/columns.js';
import { throwIssues, type FieldIssue } from '../errors.js';
import { CHANNELS } from './tables.js';
import type { InteractionInput } from './schemas.js';

/** The track event name that records an interaction. */
export const INTERACTION_EVENT = 'Interaction Completed';

export interface TrackContext {
  /** The customer the event was resolved to. */
  customerId: string;
  /** The event's timestamp: when the interaction ended, unless the properties say. */
  timestamp: string;
  /** The event's messageId: makes a redelivered event a no-op. */
  messageId?: string | null | undefined;
}

const text = (value: JsonValue | undefined): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' ? String(value) : undefined;

const isTime = (value: string) => !Number.isNaN(Date.parse(value));

/**
 * Maps the properties of an `Interaction Completed` track event to an interaction:
 *
 * - `channel` (required): phone, email, chat, web, social, store, paper, video, sms or app
 * - `direction`: inbound (default) or outbound
 * - `startedAt`, `endedAt`: ISO times; otherwise it ended at the event's timestamp and
 *   started `durationSeconds` before
 * - `agentId` (usr_…), `teamId`, `job` or `jobId` (job code or id), `productLine` or
 *   `productLineId` (code or id), `caseId`, `outcome`, `note`
 * - `externalId`: defaults to the event's messageId, with source `track`
 *
 * Bad properties are all named at once, as `/properties/<name>`.
 */
export function interactionFromTrackEvent(properties: Record<string, JsonValue>, context: TrackContext): InteractionInput {
  const issues: FieldIssue[] = [];
  const channel = text(properties.channel)?.toLowerCase();
  if (!channel || !(CHANNELS as readonly string[]).includes(channel)) {
    issues.push({ path: '/properties/channel', message: `must be one of ${CHANNELS.join(', ')}` });
  }
  const direction = text(properties.direction)?.toLowerCase() ?? 'inbound';
  if (direction !== 'inbound' && direction !== 'outbound')
    issues.push({ path: '/properties/direction', message: 'must be inbound or outbound' });

  const endedAt = text(properties.endedAt) ?? context.timestamp;
  if (!isTime(endedAt)) issues.push({ path: '/properties/endedAt', message: 'must be an ISO 8601 time' });
  const duration = properties.durationSeconds;
  if (duration !== undefined && (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0)) {
    issues.push({ path: '/properties/durationSeconds', message: 'must be a number of seconds, 0 or more' });
  }
  let startedAt = text(properties.startedAt);
  if (startedAt !== undefined && !isTime(startedAt)) issues.push({ path: '/properties/startedAt', message: 'must be an ISO 8601 time' });
  if (startedAt === undefined && isTime(endedAt)) {
    const seconds = typeof duration === 'number' && duration >= 0 ? duration : 0;
    startedAt = new Date(Date.parse(endedAt) - seconds * 1000).toISOString();
  }
  if (startedAt && isTime(startedAt) && isTime(endedAt) && Date.parse(endedAt) < Date.parse(startedAt)) {
    issues.push({ path: '/properties/endedAt', message: `must not be before startedAt (${startedAt})` });
  }
  throwIssues(issues);

  const externalId = text(properties.externalId) ?? context.messageId ?? null;
  return {
    customerId: context.customerId,
    channel: channel as Channel,
    direction: direction as Direction,
    startedAt: new Date(startedAt as string).toISOString(),
    endedAt: new Date(endedAt).toISOString(),
    agentId: text(properties.agentId) ?? null,
    teamId: text(properties.teamId) ?? null,
    jobId: text(properties.job) ?? text(properties.jobId) ?? null,
    productLineId: text(properties.productLine) ?? text(properties.productLineId) ?? null,
    caseId: text(properties.caseId) ?? null,
    outcome: text(properties.outcome) ?? null,
    note: text(properties.note) ?? null,
    source: externalId ? (text(properties.source) ?? 'track') : null,
    externalId,
  };
}
