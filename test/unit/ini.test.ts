import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  configSection,
  credentialsSection,
  hasSection,
  iniLine,
  parseIni,
  serializeIni,
  unsafeIniValue,
  withoutSections,
  withSection,
} from '../../src/job/ini.js';

describe('ini documents', () => {
  const text = '# header\n\n[profile a]\nregion = us-east-1\n\n[profile b]\nregion = eu-west-1\n';

  it('round-trips what Keyless writes', () => {
    expect(serializeIni(parseIni(text))).toBe(text);
  });

  it('replaces a section in place and appends a new one', () => {
    const replaced = withSection(parseIni(text), 'profile a', [['region', 'ap-south-1']]);
    expect(serializeIni(replaced)).toBe('# header\n\n[profile a]\nregion = ap-south-1\n\n[profile b]\nregion = eu-west-1\n');
    const added = withSection(parseIni(text), 'profile c', [['region', 'us-west-2']]);
    expect(added.sections.map((s) => s.name)).toEqual(['profile a', 'profile b', 'profile c']);
  });

  it('removes every copy of a section and says which were there', () => {
    const doubled = parseIni(`${text}[profile a]\nregion = x\n`);
    const { document, removed } = withoutSections(doubled, ['profile a', 'profile zzz']);
    expect(removed).toEqual(['profile a']);
    expect(document.sections.map((s) => s.name)).toEqual(['profile b']);
  });

  it('compares section names as the CLI reads them', () => {
    expect(hasSection(parseIni('[ profile   a ]\n'), 'profile a')).toBe(true);
  });

  it('names profile sections as config and credentials files expect', () => {
    expect(configSection('default')).toBe('default');
    expect(configSection('deploy')).toBe('profile deploy');
    expect(credentialsSection('deploy')).toBe('deploy');
  });
});

describe('values that could inject lines or sections are refused', () => {
  it.each([
    ['a newline', 'abc\n[default]\naws_access_key_id = evil'],
    ['a carriage return', 'abc\r[default]'],
    ['a Unicode line separator', 'abc\u2028def'],
    ['a NUL', 'abc\u0000'],
    ['an inline comment (#)', '/tmp/my dir #1/x'],
    ['an inline comment (;)', 'value ;comment'],
    ['a leading [', '[default]'],
    ['leading whitespace', ' value'],
    ['nothing', ''],
  ])('%s', (_name, value) => {
    expect(unsafeIniValue(value)).toBeDefined();
    expect(() => iniLine('region', value)).toThrow(/refusing to write region/);
  });

  it.each([
    'us-east-1',
    'ASIAABCDEFGHIJKLMNOP',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+/=',
    "'/usr/bin/node' '/home/runner/work/_actions/x/dist/credential-process/index.js' --config '/tmp/a b/c.json'",
    'a#b;c',
  ])('accepts %j', (value) => {
    expect(iniLine('key', value)).toBe(`key = ${value}`);
  });

  it('refuses keys that are not plain names', () => {
    expect(() => iniLine('a = b\n[x]', 'v')).toThrow(/refusing to write ini key/);
  });

  it('property: whatever the value, it is refused or read back as exactly one entry of one section', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (value) => {
        let line: string;
        try {
          line = iniLine('aws_session_token', value);
        } catch {
          return true;
        }
        const written = serializeIni(withSection(parseIni('[default]\nregion = x\n'), 'profile p', [['aws_session_token', value]]));
        const read = parseIni(written);
        expect(read.sections.map((s) => s.name)).toEqual(['default', 'profile p']);
        expect(read.sections[1]!.lines.filter((l) => l.trim() !== '')).toEqual([line]);
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});
