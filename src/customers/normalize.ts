import { parsePhoneNumberWithError, ParseError, type CountryCode } from 'libphonenumber-js/max';
import { invalid } from '../errors.js';

// Normalisation rules from DESIGN.md: emails lower-cased and trimmed, phones E.164,
// languages BCP 47, time zones IANA names. Each throws a validation error naming the field.

const EMAIL = /^[^\s@"(),:;<>[\]\\]+@[^\s@"(),:;<>[\]\\]+\.[^\s@"(),:;<>[\]\\]{2,}$/;

export function normalizeEmail(value: string, path: string): string {
  const email = value.trim().toLowerCase();
  if (email.length > 254) throw invalid(path, 'is not a valid email address: longer than 254 characters');
  if (!EMAIL.test(email)) throw invalid(path, `"${value}" is not a valid email address`);
  const [local = '', domain = ''] = email.split('@');
  if (local.length > 64) throw invalid(path, 'is not a valid email address: the part before @ is longer than 64 characters');
  if (domain.split('.').some((label) => label === '' || label.startsWith('-') || label.endsWith('-'))) {
    throw invalid(path, `"${value}" is not a valid email address: the domain is malformed`);
  }
  return email;
}

const PHONE_REASONS: Record<string, string> = {
  INVALID_COUNTRY: 'has no country code; write it as +<country code><number>',
  NOT_A_NUMBER: 'is not a phone number',
  TOO_SHORT: 'is too short to be a phone number',
  TOO_LONG: 'is too long to be a phone number',
  INVALID_LENGTH: 'has the wrong number of digits',
};

/**
 * Parses a phone number (national numbers read in the workspace's country) to E.164.
 * It must have a possible length for its country; numbering-plan validity is not
 * required, because department systems hold numbers newer than any metadata (and the
 * reserved fictional ranges used in tests and demos).
 */
export function normalizePhone(value: string, path: string, defaultCountry: string): string {
  try {
    const phone = parsePhoneNumberWithError(value.trim(), defaultCountry as CountryCode);
    if (!phone.isPossible())
      throw invalid(
        path,
        `"${value}" has the wrong number of digits for a phone number in ${phone.country ?? `+${phone.countryCallingCode}`}`,
      );
    return phone.number;
  } catch (error) {
    if (error instanceof ParseError) {
      throw invalid(path, `"${value}" ${PHONE_REASONS[error.message] ?? 'is not a valid phone number'}`);
    }
    throw error;
  }
}

/** Canonical BCP 47 tag (`en-gb` → `en-GB`). */
export function normalizeLanguage(value: string, path: string): string {
  try {
    const [tag] = Intl.getCanonicalLocales(value.trim());
    if (!tag) throw new RangeError('empty');
    return tag;
  } catch {
    throw invalid(path, `"${value}" is not a BCP 47 language tag such as en-GB`);
  }
}

export function normalizeTimeZone(value: string, path: string): string {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: value.trim() }).resolvedOptions().timeZone;
  } catch {
    throw invalid(path, `"${value}" is not an IANA time zone such as Europe/London`);
  }
}

/** 'HH:MM' → minutes after midnight. */
export function parseClockTime(value: string, path: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!match) throw invalid(path, `"${value}" is not a time of day as HH:MM`);
  return Number(match[1]) * 60 + Number(match[2]);
}

export function formatClockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export function normalizeCurrency(value: string, path: string): string {
  const code = value.trim().toUpperCase();
  if (!CURRENCIES.has(code)) throw invalid(path, `"${value}" is not an ISO 4217 currency code`);
  return code;
}
