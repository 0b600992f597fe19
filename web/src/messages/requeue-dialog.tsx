import { useEffect, useRef, useState } from 'react';
import type { Message } from '../api-types';
import { humanize } from '../components/format';
import { ErrorState } from '../components/states';
import { requeueMessage } from './api';

/** Whether a message may be sent again by a person: only one whose delivery outcome is unknown. */
export function isOutcomeUnknown(message: Pick<Message, 'status' | 'reason'>): boolean {
  return message.status === 'failed' && message.reason === 'outcome_unknown';
}

/**
 * Asks before a message whose outcome is unknown is queued again: it may already be in the
 * customer's inbox, so the person is told what to check first. A modal dialog, so it fits
 * every width and keeps focus until it is answered.
 */
export function RequeueDialog({ message, onClose, onRequeued }: { message: Message; onClose(): void; onRequeued(message: Message): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [state, setState] = useState<{ busy: boolean; error?: unknown }>({ busy: false });
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  async function confirm() {
    setState({ busy: true });
    try {
      onRequeued(await requeueMessage(message.id));
    } catch (error) {
      setState({ busy: false, error });
    }
  }

  const channel = message.channel ? humanize(message.channel).toLowerCase() : 'message';
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="requeue-title" onClose={onClose}>
      <h2 id="requeue-title" className="dialog__title">
        Send this {channel} again?
      </h2>
      <p>
        Rapport cannot tell whether “{message.subject ?? 'this message'}” reached {message.recipient ?? 'the customer'}: the connection or
        the worker sending it was lost before the relay answered.
      </p>
      <p>
        Check the mail relay’s log for Message-ID <code className="dialog__code">{`<${message.idempotencyKey}@…>`}</code> first. If it was
        delivered, sending it again means the customer gets it twice.
      </p>
      {state.error !== undefined && <ErrorState error={state.error} title="It was not queued" />}
      <div className="dialog__actions">
        <button type="button" className="button button--secondary" onClick={() => dialog.current?.close()} disabled={state.busy}>
          Cancel
        </button>
        <button type="button" className="button button--primary" onClick={() => void confirm()} disabled={state.busy}>
          {state.busy ? 'Queueing…' : 'Send again'}
        </button>
      </div>
    </dialog>
  );
}
