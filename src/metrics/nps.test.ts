import { describe, expect, it } from 'vitest';
import { csatClass } from './csat-ces.js';
import { isDetractor, isPromoter, npsClass, npsOf } from './nps.js';

describe('the NPS module', () => {
  it('sorts answers into detractors (0–6), passives (7–8) and promoters (9–10) at the boundaries', () => {
    expect([0, 6, 7, 8, 9, 10].map(npsClass)).toEqual(['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']);
    expect([6, 7, 8, 9].map((s) => [isDetractor(s), isPromoter(s)])).toEqual([
      [true, false],
      [false, false],
      [false, false],
      [false, true],
    ]);
  });

  it('gives NPS as %promoters − %detractors with its 95% margin of error', () => {
    // p₊ = .5, p₋ = .25: variance .75 − .0625 = .6875, 1.96 · √(.6875 / 400) · 100 = 8.1
    expect(npsOf(400, 200, 100)).toEqual({ score: 25, marginOfError: 8.1 });
    expect(npsOf(3, 0, 3)).toEqual({ score: -100, marginOfError: 0 });
    expect(npsOf(0, 0, 0)).toEqual({ score: null, marginOfError: null });
  });

  it('sorts CSAT answers into dissatisfied (1–2), neutral (3) and satisfied (4–5)', () => {
    expect([1, 2, 3, 4, 5].map(csatClass)).toEqual(['dissatisfied', 'dissatisfied', 'neutral', 'satisfied', 'satisfied']);
  });
});
