import { describe, expect, it } from 'vitest';
import { readXml, textAt, XmlReadError, type XmlNode } from '../../src/shared/xml-read.js';

/** A tree as nested arrays, for compact expectations: [name, text, ...children]. */
type Shape = [string, string, ...Shape[]];
const shape = (node: XmlNode): Shape => [node.name, node.text, ...node.children.map(shape)];

describe('readXml: what it accepts', () => {
  it.each<[string, string, Shape]>([
    ['one element', '<A>x</A>', ['A', 'x']],
    ['declaration and namespace', '<?xml version="1.0" encoding="UTF-8"?>\n<A xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><B>1</B></A>', ['A', '', ['B', '1']]],
    ['prefixed names drop to local names', '<s:A xmlns:s="u"><s:B>v</s:B></s:A>', ['A', '', ['B', 'v']]],
    ['the five entities', '<A>&lt;&gt;&amp;&quot;&apos;</A>', ['A', '<>&"\'']],
    ['character references', '<A>&#65;&#x42;&#x1F600;</A>', ['A', 'AB😀']],
    ['CDATA kept verbatim', '<A><![CDATA[<not> &amp; a tag]]></A>', ['A', '<not> &amp; a tag']],
    ['comments skipped', '<A><!-- <B>no</B> -->y</A>', ['A', 'y']],
    ['self-closing element', '<A><B/><C x="1" /></A>', ['A', '', ['B', ''], ['C', '']]],
    ['text not trimmed', '<A>\n  v\n</A>', ['A', '\n  v\n']],
    ['attributes skipped, > inside text allowed', '<A k="v">a > b</A>', ['A', 'a > b']],
  ])('%s', (_, text, expected) => {
    expect(shape(readXml(text))).toEqual(expected);
  });

  it('nesting of exactly 64 levels is read', () => {
    let node = readXml(`${'<A>'.repeat(64)}x${'</A>'.repeat(64)}`);
    let depth = 1;
    while (node.children.length > 0) {
      node = node.children[0]!;
      depth++;
    }
    expect([depth, node.text]).toEqual([64, 'x']);
  });

  it('textAt follows a path and says undefined for a missing step', () => {
    const root = readXml('<R><A><B>b</B></A></R>');
    expect(textAt(root, 'A', 'B')).toBe('b');
    expect(textAt(root, 'A', 'C')).toBeUndefined();
    expect(textAt(undefined, 'A')).toBeUndefined();
  });
});

describe('readXml: what it refuses, with where', () => {
  it.each<[string, string, RegExp]>([
    ['a DOCTYPE (no entity of its own can expand)', '<!DOCTYPE a [<!ENTITY x "xx">]><A>&x;</A>', /document type .* at offset 0: not accepted/],
    ['an unknown entity', '<A>&x;</A>', /unknown entity "&x;"/],
    ['a bare ampersand', '<A>a & b</A>', /a bare "&" near offset 5/],
    ['a reference to NUL', '<A>&#0;</A>', /unknown entity "&#0;"/],
    ['a surrogate reference', '<A>&#xD800;</A>', /unknown entity/],
    ['a mismatched closing tag', '<A><B></A></B>', /closing tag "A" at offset 6 does not match "B"/],
    ['an element never closed', '<A><B>x</B>', /element "A" is not closed/],
    ['a tag never closed', '<A', /a tag at offset 0 is not closed/],
    ['a comment never closed', '<A><!-- x</A>', /a comment at offset 3 is not closed/],
    ['a second root', '<A/><B/>', /a second root element at offset 4/],
    ['text outside the root', 'junk<A/>', /text outside the root element/],
    ['no element at all', '  ', /no element/],
    ['a closing tag first', '</A>', /does not match any open element/],
    ['a tag without a name', '<A>< B/></A>', /a tag without a name at offset 3/],
    ['nesting past 64', `${'<A>'.repeat(65)}${'</A>'.repeat(65)}`, /nested deeper than 64/],
  ])('%s', (_, text, message) => {
    expect(() => readXml(text)).toThrow(XmlReadError);
    expect(() => readXml(text)).toThrow(message);
  });
});
