import { api, segment } from '../api';
import type { Message, MessageDetail, MessagePreview, MessageTemplate, Page } from '../api-types';

export const MESSAGE_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'failed', 'suppressed'] as const;
export const MESSAGE_PURPOSES = ['service', 'survey', 'marketing', 'gift'] as const;

export function listTemplates(signal: AbortSignal): Promise<MessageTemplate[]> {
  return api.get<{ data: MessageTemplate[] }>('/message-templates', { signal }).then((body) => body.data);
}

export interface TemplateDraft {
  key: string;
  purpose: string;
  language: string;
  subject: string;
  body: string;
  /** What the preview reads as data.*, saved with the template. */
  sampleData: Record<string, unknown>;
}

/** A new template, or new text and sample data for a stored one. */
export function saveTemplate(id: string | null, draft: TemplateDraft): Promise<MessageTemplate> {
  return id
    ? api.patch<MessageTemplate>(`/message-templates/${segment(id)}`, {
        subject: draft.subject,
        body: draft.body,
        sampleData: draft.sampleData,
      })
    : api.post<MessageTemplate>('/message-templates', draft);
}

export function previewDraft(
  input: { customerId: string; subject: string; body: string; language: string; data: Record<string, unknown> },
  signal: AbortSignal,
): Promise<MessagePreview> {
  return api.post<MessagePreview>('/message-templates/preview', input, { signal });
}

export function listMessages(query: { status?: string; before?: string | null }, signal?: AbortSignal): Promise<Page<Message>> {
  return api.get<Page<Message>>('/messages', { query: { status: query.status, before: query.before, limit: 50 }, signal });
}

export function countMessages(signal: AbortSignal): Promise<Record<string, number>> {
  return api.get<Record<string, number>>('/messages/counts', { signal });
}

export function getMessage(id: string, signal: AbortSignal): Promise<MessageDetail> {
  return api.get<MessageDetail>(`/messages/${segment(id)}`, { signal });
}

/** Queues a message that failed with outcome_unknown again (admins; it may arrive twice). */
export function requeueMessage(id: string): Promise<Message> {
  return api.post<Message>(`/messages/${segment(id)}/requeue`, {});
}
