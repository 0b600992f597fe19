import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { createTransports } from './channels/index.js';

describe('message channel configuration', () => {
  it('enables no channel by default: nothing is sent, and SMS never goes to a default provider', () => {
    const config = loadConfig({});
    expect(config.messages).toMatchObject({
      smtpUrl: undefined,
      smsUrl: undefined,
      webhookUrl: undefined,
      lettersDir: undefined,
      workerInProcess: true,
    });
    expect(Object.keys(createTransports(config.messages))).toEqual([]);
  });

  it('enables each channel by its setting', () => {
    const config = loadConfig({
      RAPPORT_SMTP_URL: 'smtp://127.0.0.1:2525',
      RAPPORT_SMS_URL: 'https://sms.example/send',
      RAPPORT_SMS_IDEMPOTENT: 'true',
      RAPPORT_WEBHOOK_URL: 'https://hooks.example/rapport',
      RAPPORT_WEBHOOK_SECRET: `whsec_${Buffer.from('a-test-secret-of-32-bytes-length!').toString('base64')}`,
      RAPPORT_LETTERS_DIR: '/tmp/print-house',
    });
    const transports = createTransports(config.messages, { pool: false });
    expect(Object.keys(transports).sort()).toEqual(['email', 'letter', 'sms', 'webhook']);
    expect(transports.sms?.idempotent).toBe(true);
    expect(transports.email?.idempotent).toBe(false);
    // As many emails in flight as SMTP connections: what a crash can leave outcome_unknown.
    expect(transports.email?.concurrency).toBe(5);
    expect(
      createTransports(loadConfig({ RAPPORT_SMTP_URL: 'smtp://127.0.0.1:2525', RAPPORT_SMTP_CONNECTIONS: '1' }).messages).email
        ?.concurrency,
    ).toBe(1);
  });

  it('says what is wrong with a bad setting', () => {
    expect(() => loadConfig({ RAPPORT_SMTP_URL: 'http://mail.example' })).toThrow(
      new ConfigError('RAPPORT_SMTP_URL must start with smtp:// or smtps://'),
    );
    expect(() => loadConfig({ RAPPORT_WEBHOOK_URL: 'https://hooks.example' })).toThrow(/needs RAPPORT_WEBHOOK_SECRET/);
    expect(() => loadConfig({ RAPPORT_WEBHOOK_SECRET: 'not-a-secret' })).toThrow(/whsec_/);
    expect(() => loadConfig({ RAPPORT_MESSAGE_MAX_ATTEMPTS: '0' })).toThrow(
      /RAPPORT_MESSAGE_MAX_ATTEMPTS must be an integer between 1 and 50/,
    );
  });
});
