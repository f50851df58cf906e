import { describe, expect, it } from 'vitest';
import { escapeXml, renderXml, xmlElement } from '../../src/local/xml.js';

describe('xml', () => {
  it('escapes the five XML special characters', () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;');
  });

  it('renders nested elements with two-space indentation, skipping undefined children', () => {
    const xml = renderXml(
      xmlElement('Root', [xmlElement('Leaf', 'a<b'), undefined, xmlElement('Empty', [])], { xmlns: 'urn:x&y' }),
    );
    expect(xml).toBe('<Root xmlns="urn:x&amp;y">\n  <Leaf>a&lt;b</Leaf>\n  <Empty></Empty>\n</Root>\n');
  });

  it('refuses element names that are not XML names', () => {
    expect(() => renderXml(xmlElement('bad name', 'x'))).toThrow();
  });
});
