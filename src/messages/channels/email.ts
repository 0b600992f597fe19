import nodemailer from 'nodemailer';
import { TransportError, type OutgoingMessage, type Transport } from './types.js';

export interface EmailOptions {
  /** smtp:// or smtps:// URL of the relay. */
  smtpUrl: string;
  from: string;
  /** Keep connections open and send several messages over each (workers, bench). */
  pool?: boolean;
  maxConnections?: number;
}

/** The domain of the From address, used for Message-ID. */
function fromDomain(from: string): string {
  const match = /@([^>\s]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'rapport.invalid';
}

/** The Message-ID header of a message: stable across attempts, so a receiver can see a repeat. */
export function messageIdHeader(message: Pick<OutgoingMessage, 'idempotencyKey'>, from: string): string {
  return `<${message.idempotencyKey}@${fromDomain(from)}>`;
}

interface SmtpError {
  responseCode?: number;
  code?: string;
  message: string;
}

/**
 * Email over SMTP. SMTP has no idempotency: a relay that accepted a message and lost the
 * connection before answering may deliver it, so this adapter is not idempotent and an
 * email whose outcome is unknown is never sent again (see README, Messages).
 */
export function createEmailTransport(options: EmailOptions): Transport {
  const transporter = nodemailer.createTransport(
    options.pool ? { url: options.smtpUrl, pool: true, maxConnections: options.maxConnections ?? 5 } : { url: options.smtpUrl },
  );
  return {
    channel: 'email',
    idempotent: false,
    async send(message) {
      const headers: Record<string, string> = { 'X-Rapport-Message': message.id };
      if (message.unsubscribeUrl) {
        headers['List-Unsubscribe'] = `<${message.unsubscribeUrl}>`;
        headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
      }
      try {
        const info = await transporter.sendMail({
          from: options.from,
          to: message.recipient,
          subject: message.subject,
          text: message.body,
          messageId: messageIdHeader(message, options.from),
          headers,
        });
        return { providerId: info.messageId };
      } catch (error) {
        const smtp = error as SmtpError;
        // 5xx is the relay refusing for good (unknown mailbox, policy); 4xx and lost connections may pass later.
        const permanent = typeof smtp.responseCode === 'number' && smtp.responseCode >= 500;
        throw new TransportError(`SMTP: ${smtp.message}`, permanent);
      }
    },
    async close() {
      transporter.close();
    },
  };
}
