/** The position-tracking JSON parser and the YAML reader behind the audit's line numbers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineIndex, lineOf, parseJsonLocated, SourceSyntaxError, toPlain } from '../../src/trust/audit/located.js';
import { parseYamlLocated } from '../../src/trust/audit/yaml.js';

describe('parseJsonLocated', () => {
  it('reads every JSON document as JSON.parse does (property)', () => {
    fc.assert(
      fc.property(fc.json(), fc.constantFrom(0, 2, '\t'), (text, indent) => {
        const doc = JSON.stringify(JSON.parse(text), null, indent);
        expect(toPlain(parseJsonLocated(doc))).toEqual(JSON.parse(doc));
      }),
      { numRuns: 500 },
    );
  });

  it('knows the line of each value, key by key', () => {
    const text = JSON.stringify({ Statement: [{ Effect: 'Allow', Condition: { StringLike: { 'a:sub': ['x', 'y'] } } }] }, null, 2);
    const lines = lineIndex(parseJsonLocated(text));
    const lineOfText = (needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(lines.get('$.Statement[0].Effect')).toBe(lineOfText('"Effect"'));
    expect(lines.get('$.Statement[0].Condition.StringLike["a:sub"]')).toBe(lineOfText('"a:sub"'));
    expect(lines.get('$.Statement[0].Condition.StringLike["a:sub"][1]')).toBe(lineOfText('"y"'));
    // A path below a string value (a URL-encoded policy) falls back to the nearest known line.
    expect(lineOf(lines, '$.Statement[0].Effect.deeper[3]')).toBe(lineOfText('"Effect"'));
  });

  it.each([
    ['{"a": 1,}', 1, 9, 'a property name'],
    ['{\n  "a": tru\n}', 2, 8, 'a value'],
    ['[1, 2', 1, 6, '"," or "]"'],
    ['{"a": "\\x"}', 1, 7, 'bad escape'],
    ['{} {}', 1, 4, 'the end of the document'],
  ])('%j is refused at line %i, column %i', (text, line, column, what) => {
    try {
      parseJsonLocated(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SourceSyntaxError);
      expect(error).toMatchObject({ line, column });
      expect((error as Error).message).toContain(what);
    }
  });
});

describe('parseYamlLocated', () => {
  it('keeps CloudFormation tags, lines, merge keys and several documents', async () => {
    const docs = await parseYamlLocated('base: &b\n  x: 1\nthing:\n  <<: *b\n  ref: !Ref Param\n  join: !Join ["", [a, b]]\n---\nsecond: 2\n');
    expect(docs).toHaveLength(2);
    const thing = docs[0]!.kind === 'map' ? docs[0]!.entries.find((e) => e.key === 'thing')!.value : undefined;
    expect(thing?.kind).toBe('map');
    if (thing?.kind !== 'map') return;
    expect(thing.entries.map((e) => e.key)).toEqual(['x', 'ref', 'join']);
    expect(thing.entries[1]!.value).toMatchObject({ kind: 'scalar', value: 'Param', tag: '!Ref', line: 5 });
    expect(thing.entries[2]!.value).toMatchObject({ kind: 'seq', tag: '!Join', line: 6 });
    expect(toPlain(docs[1]!)).toEqual({ second: 2 });
  });

  it('refuses invalid YAML with its line', async () => {
    await expect(parseYamlLocated('a: 1\nb: [1, 2\nc: 3\n')).rejects.toBeInstanceOf(SourceSyntaxError);
  });
});
