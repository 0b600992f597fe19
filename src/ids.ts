import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

const pool = Buffer.alloc(16 * 4096);
let poolOffset = pool.length;

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
  | 'evt'
  // service
  | 'tm'
  | 'job'
  | 'sla'
  | 'cas'
  | 'cev'
  | 'int'
  | 'gw'
  // messages
  | 'msg'
  | 'tpl'
  | 'mev'
  // feedback
  | 'srv'
  | 'inv'
  | 'rsp'
  // loyalty
  | 'lpe'
  | 'ler'
  | 'tier'
  | 'rwd'
  | 'rdm'
  // giving
  | 'grl'
  | 'gft'
  | 'grun';

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
  // One byte per character, 5 bits each: 80 random bits, drawn from a pooled buffer
  // because a randomBytes call per id dominated bulk inserts.
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let tail = '';
  for (let i = 0; i < 16; i++) tail += ALPHABET[(pool[poolOffset + i] as number) & 31];
  poolOffset += 16;
  return `${prefix}_${encodeTime(now, 10)}${tail}`;
}
