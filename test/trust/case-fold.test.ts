/** IgnoreCase folding, one code point at a time as Java's equalsIgnoreCase (README, undecided cases): evaluate and prove share it. */
import { describe, expect, it } from 'vitest';
import { equalsIgnoreCase } from '../../src/trust/case-fold.js';

describe('equalsIgnoreCase', () => {
  it.each([
    ['prod', 'PROD', true],
    ['été', 'ÉTÉ', true],
    ['\u212aelvin', 'kelvin', true], // Kelvin sign folds to k
    ['\u017f', 's', true], // long s: upper case S
    ['straße', 'STRASSE', false], // ß → SS is not one to one
    ['straße', 'STRAßE', true],
    ['Σ', 'ς', true],
    ['𐐀', '𐐨', true], // Deseret, outside the BMP
    ['prod', 'prod ', false],
    ['i', 'j', false],
  ])('%s ~ %s: %s', (a, b, equal) => {
    expect(equalsIgnoreCase(a, b)).toBe(equal);
    expect(equalsIgnoreCase(b, a)).toBe(equal);
  });
});
