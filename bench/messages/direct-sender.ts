// The baseline for the messages bench: nodemailer sending the same emails straight to the
// SMTP sink, pooled, with no database. argv: smtpUrl from to (customer numbers, inclusive).
import nodemailer from 'nodemailer';
import { benchEmail } from './shared.js';

const [smtpUrl, fromArg, toArg] = process.argv.slice(2) as [string, string, string];
const transporter = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: 8 });
const from = Number(fromArg);
const to = Number(toArg);
let next = from;
const IN_FLIGHT = 400;
async function lane(): Promise<void> {
  while (next <= to) {
    const n = next++;
    const mail = benchEmail(n);
    await transporter.sendMail({
      from: 'Bench <bench@rapport.example>',
      to: mail.recipient,
      subject: mail.subject,
      text: mail.body,
      messageId: `<direct-${n}@rapport.example>`,
    });
  }
}
await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
transporter.close();
process.send?.({ type: 'done' });
