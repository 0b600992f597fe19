import nodemailer from 'nodemailer';
import { neverConnected, TransportError, type OutgoingMessage, type Transport } from './types.js';

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
  originalCode?: string;
  message: string;
}

/**
 * Email over SMTP. SMTP has no idempotency: a relay that accepted a message and lost the
 * connection before answering may deliver it, so this adapter is not idempotent and an
 * email whose outcome is unknown is never sent again (see README, Messages).
 */
export function createEmailTransport(options: EmailOptions): Transport {
  const connections = options.maxConnections ?? 5;
  const transporter = nodemailer.createTransport(
    options.pool ? { url: options.smtpUrl, pool: true, maxConnections: connections } : { url: options.smtpUrl },
  );
  return {
    channel: 'email',
    idempotent: false,
    // One email per pooled connection: an email handed over is on the wire, not waiting in nodemailer's queue.
    concurrency: connections,
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
        // An answer is definite: 5xx refuses for good (unknown mailbox, policy), 4xx asks to try later.
        if (typeof smtp.responseCode === 'number') throw new TransportError(`SMTP: ${smtp.message}`, smtp.responseCode >= 500);
        // No answer: safe to retry only if no connection was ever made. A connection lost or timed
        // out later may have lost only the relay's "250 accepted", so the email may be on its way.
        const safe = neverConnected(smtp.originalCode) || smtp.code === 'EDNS';
        throw new TransportError(`SMTP: ${smtp.message}`, false, !safe);
      }
    },
    async close() {
      transporter.close();
    },
  };
}
