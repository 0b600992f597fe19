import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/** Prefixes of public ids, one per entity. */
export type IdPrefix =
  | 'ws'
  | 'usr'
  | 'key'
  | 'aud'
  | 'cus'
  | 'mrg'
  | 'hh'
  | 'cns'
  | 'dsr'
  | 'pl'
  | 'prd'
  | 'pln'
  | 'hld'
  | 'txn'
  | 'evt';

function encodeTime(ms: number, length: number): string {
  let out = '';
  let rest = ms;
  for (let i = 0; i < length; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/**
 * A readable, prefixed, time-ordered id: `cus_01hx3k…`. The time part keeps inserts
 * near each other in indexes; 80 random bits keep ids unguessable and collision-free.
 */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  const random = randomBytes(10);
  let tail = '';
  for (let i = 0; i < 16; i++) {
    // 16 five-bit groups from 80 bits
    const bit = i * 5;
    const byte = bit >> 3;
    const offset = bit & 7;
    const word = ((random[byte] ?? 0) << 8) | (random[byte + 1] ?? 0);
    tail += ALPHABET[(word >> (11 - offset)) & 31];
  }
  return `${prefix}_${encodeTime(now, 10)}${tail}`;
}
