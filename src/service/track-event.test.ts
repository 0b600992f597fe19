import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { createTenant, useTestApp } from '../test/app.js';
import { recordInteraction } from './interactions.js';
import { createCustomer } from './service.test-helpers.js';
import { interactionFromTrackEvent } from './track-event.js';

const ctx = useTestApp();

describe('the Interaction Completed track event', () => {
  it('maps properties to an interaction, dating it from the timestamp and duration', () => {
    const input = interactionFromTrackEvent(
      { channel: 'Chat', job: 'replace-lost-sim', productLine: 'mobile', durationSeconds: 240, outcome: 'resolved', agentId: 'usr_1' },
      { customerId: 'cus_1', timestamp: '2026-03-02T10:04:00Z', messageId: 'msg-1' },
    );
    expect(input).toEqual({
      customerId: 'cus_1',
      channel: 'chat',
      direction: 'inbound',
      startedAt: '2026-03-02T10:00:00.000Z',
      endedAt: '2026-03-02T10:04:00.000Z',
      agentId: 'usr_1',
      teamId: null,
      jobId: 'replace-lost-sim',
      productLineId: 'mobile',
      caseId: null,
      outcome: 'resolved',
      note: null,
      source: 'track',
      externalId: 'msg-1',
    });
  });

  it('names every bad property at once', () => {
    try {
      interactionFromTrackEvent(
        { channel: 'pigeon', direction: 'sideways', startedAt: '2026-03-02T11:00:00Z', endedAt: '2026-03-02T10:00:00Z' },
        { customerId: 'cus_1', timestamp: '2026-03-02T10:04:00Z' },
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).details.issues?.map((i) => i.path)).toEqual([
        '/properties/channel',
        '/properties/direction',
        '/properties/endedAt',
      ]);
    }
  });

  it('records the interaction once even when the event is delivered twice', async () => {
    const tenant = await createTenant(ctx.app);
    const customer = await createCustomer(tenant, 'Tia Track');
    const event = interactionFromTrackEvent(
      { channel: 'app' },
      { customerId: customer, timestamp: '2026-03-02T10:04:00Z', messageId: 'm-42' },
    );
    const first = await recordInteraction(ctx.database.db, tenant.workspace.id, event);
    const again = await recordInteraction(ctx.database.db, tenant.workspace.id, event);
    expect(first.created).toBe(true);
    expect(again).toEqual({ interaction: first.interaction, created: false });
  });
});
