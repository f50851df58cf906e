/**
 * The sink every log line goes through (src/shared/outside-text.ts): whatever text from outside
 * holds, no line of the result is a workflow command, and no control character survives.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { annotationText, logLines, quote, quoteIfNeeded, terminalText } from '../../src/shared/outside-text.js';

/** What the runner would act on: `::` after leading blanks, or `##[` anywhere in a line. */
function commandLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).filter((line) => /^\s*::/.test(line) || line.includes('##['));
}

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('quote', () => {
  it.each([
    ['plain', '"plain"'],
    ['a\n::stop-commands::X', '"a\\n::stop-commands::X"'],
    ['\u001b[31mred', '"\\u001b[31mred"'],
    ['csi\u009b2J', '"csi\\u009b2J"'],
    ['line\u2028separator', '"line\\u2028separator"'],
    ['##[add-mask]x', '"#\\u0023[add-mask]x"'],
    ['right-to-left \u202e', '"right-to-left \\u202e"'],
  ])('%j → %s', (value, shown) => {
    expect(quote(value)).toBe(shown);
  });

  it('is one line without control characters for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const shown = quote(value);
        expect(shown).not.toMatch(/[\r\n]/);
        expect(shown).not.toMatch(CONTROL);
        expect(commandLines(`x ${shown}`)).toEqual([]);
      }),
    );
  });
});

describe('quoteIfNeeded', () => {
  it.each([
    ['template.yaml', 'template.yaml'],
    ['DeployRole', 'DeployRole'],
    ["Couldn't retrieve verification key", "Couldn't retrieve verification key"],
    ['repo:octo-org/octo-repo:ref:refs/heads/main', 'repo:octo-org/octo-repo:ref:refs/heads/main'],
    ['roles/a\n::stop-commands::X.yaml', '"roles/a\\n::stop-commands::X.yaml"'],
    ['::warning::x', '"::warning::x"'],
    [' leading blank', '" leading blank"'],
    ['Role\u001b[2J', '"Role\\u001b[2J"'],
    ['"quoted"', '"\\"quoted\\""'],
    ['', '""'],
  ])('%j → %s', (value, shown) => {
    expect(quoteIfNeeded(value)).toBe(shown);
  });
});

describe('logLines', () => {
  it.each([
    ['Assumed role as session "x"', 'Assumed role as session "x"'],
    ['a\n::stop-commands::X', 'a\n\\u003a:stop-commands::X'],
    ['a\r\n  ::add-mask::x', 'a\n  \\u003a:add-mask::x'],
    ['carriage\rreturn ::x', 'carriage\\u000dreturn ::x'],
    ['legacy ##[set-output name=a]b', 'legacy #\\u0023[set-output name=a]b'],
  ])('%j → %j', (message, line) => {
    expect(logLines(message)).toBe(line);
  });

  it('leaves no command line and no control character but line feeds, for any text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('\n', '\r', '::', '##[', ' ', '\u2028')), { maxLength: 20 }), (parts) => {
        const lines = logLines(parts.join(''));
        expect(commandLines(lines)).toEqual([]);
        expect(lines.replace(/\n/g, '')).not.toMatch(CONTROL);
        expect(lines).not.toContain('\r');
      }),
    );
  });
});

describe('annotationText and terminalText', () => {
  it('escape terminal escapes and keep line feeds (@actions/core escapes those in annotations)', () => {
    expect(annotationText('a\u001b[31m\nb\r')).toBe('a\\u001b[31m\nb\r');
    expect(terminalText('table\tcell\n\u001b]0;title\u0007')).toBe('table\tcell\n\\u001b]0;title\\u0007');
  });
});
