import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

describe('public ids', () => {
  it('are prefixed, readable, time-ordered and unique', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => newId('cus', 1_700_000_000_000 + i));
    for (const id of ids.slice(0, 10)) expect(id).toMatch(/^cus_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});
