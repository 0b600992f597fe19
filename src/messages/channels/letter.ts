import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { OutgoingMessage, Transport } from './types.js';

export interface LetterOptions {
  /** The print house's folder. */
  dir: string;
  now?: () => Date;
}

/** Renders one letter as an A4 PDF: address block, date, subject, body. */
export function renderLetterPdf(message: OutgoingMessage, date: Date): Promise<Buffer> {
  return new Promise((resolvePdf, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 72, info: { Title: message.subject, Subject: message.id } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolvePdf(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.font('Helvetica').fontSize(11);
    // The address block sits where a DL window envelope shows it.
    doc.text(message.recipient, { lineGap: 2 });
    doc.moveDown(2);
    doc.text(date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }));
    doc.moveDown();
    doc.font('Helvetica-Bold').text(message.subject);
    doc.moveDown();
    doc.font('Helvetica').text(message.body, { lineGap: 3 });
    if (message.unsubscribeUrl) {
      doc.moveDown(2).fontSize(8).text(`To stop these letters: ${message.unsubscribeUrl}`);
    }
    doc.end();
  });
}

/**
 * Paper letters: one PDF per message in the print house's folder, named by the message's
 * idempotency key. The file is written beside and renamed into place, so a repeat replaces
 * the same file instead of printing twice: this channel is idempotent.
 */
export function createLetterTransport(options: LetterOptions): Transport {
  const now = options.now ?? (() => new Date());
  return {
    channel: 'letter',
    idempotent: true,
    async send(message) {
      await mkdir(options.dir, { recursive: true });
      const pdf = await renderLetterPdf(message, now());
      const name = `${message.idempotencyKey.replace(/[^A-Za-z0-9_.-]/g, '_')}.pdf`;
      const partial = join(options.dir, `.${name}.partial`);
      await writeFile(partial, pdf);
      await rename(partial, join(options.dir, name));
      return { providerId: name };
    },
  };
}
