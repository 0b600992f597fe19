import type { Money } from '../api-types';

const LOCALE = undefined; // the browser's own

/** Integer minor units in the currency's own decimals: 1299 GBP → £12.99. */
export function formatMoney(money: Money): string {
  const format = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: money.currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(money.amountMinor / 10 ** digits);
}

export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(iso));
}

/** A calendar month as the API names it ('2026-03') as people read it: Mar 2026. */
export function formatMonth(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number);
  if (!year || !monthNumber) return month;
  return new Intl.DateTimeFormat(LOCALE, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(year, monthNumber - 1, 1));
}

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(
    new Date(iso),
  );
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 }).format(value);
}

/** Megabytes as people read them: 850 MB, 12.4 GB. */
export function formatDataMb(mb: number): string {
  return mb >= 1024 ? `${formatNumber(mb / 1024)} GB` : `${formatNumber(mb)} MB`;
}

/** 27 → "2 yr 3 mo". */
export function formatTenure(months: number): string {
  if (months < 1) return 'New this month';
  const years = Math.floor(months / 12);
  const rest = months % 12;
  return [years ? `${years} yr` : '', rest ? `${rest} mo` : ''].filter(Boolean).join(' ');
}

/** Words that are not spelled the way their codes are. */
const SPELLED: Record<string, string> = { sms: 'SMS', in_app: 'In-app', whatsapp: 'WhatsApp', low_csat: 'Low CSAT' };

/** snake_case or kebab-case words for people: "in_app" → "In-app", "late_fee" → "Late fee". */
export function humanize(value: string): string {
  const spelled = SPELLED[value];
  if (spelled) return spelled;
  const words = value.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The same words inside a sentence: "in_app" → "in-app", "sms" → "SMS". */
export function phrase(value: string): string {
  return value === 'in_app' ? 'in-app' : (SPELLED[value] ?? humanize(value).toLowerCase());
}

const PERIOD_SUFFIX: Record<string, string> = { month: '/mo', quarter: '/qtr', year: '/yr', one_off: ' once' };

export function formatPrice(price: Money, billingPeriod: string | undefined): string {
  return `${formatMoney(price)}${billingPeriod ? (PERIOD_SUFFIX[billingPeriod] ?? '') : ''}`;
}

/** A customer as people read them: their name, never their id (an erased or unnamed customer says so). */
export function customerLabel(name: string | null | undefined): string {
  return name ?? 'Unnamed customer';
}
