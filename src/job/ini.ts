/**
 * The AWS CLI / SDK config and credentials file format, as far as Keyless writes it: sections of
 * `key = value` lines. Pure. Every value is checked before it is written, so nothing a profile
 * name, a path or a credential contains can end a line, start a section or be cut off as a comment.
 */

export interface IniSection {
  readonly name: string;
  /** The lines after the header, as they were. */
  readonly lines: readonly string[];
}

export interface IniDocument {
  /** Lines before the first section (comments). */
  readonly head: readonly string[];
  readonly sections: readonly IniSection[];
}

const HEADER = /^\s*\[([^\]]*)\]\s*$/;

/** Section names compare as the CLI reads them: trimmed, inner runs of spaces as one. */
function canonical(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

export function parseIni(text: string): IniDocument {
  const head: string[] = [];
  const sections: { name: string; lines: string[] }[] = [];
  for (const line of text.split(/\r?\n/)) {
    const header = HEADER.exec(line);
    if (header) sections.push({ name: canonical(header[1]!), lines: [] });
    else if (sections.length > 0) sections[sections.length - 1]!.lines.push(line);
    else head.push(line);
  }
  return { head, sections };
}

export function serializeIni(document: IniDocument): string {
  const blocks: string[] = [];
  const head = trimBlank(document.head);
  if (head.length > 0) blocks.push(head.join('\n'));
  for (const section of document.sections) blocks.push([`[${section.name}]`, ...trimBlank(section.lines)].join('\n'));
  return blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`;
}

function trimBlank(lines: readonly string[]): string[] {
  const out = [...lines];
  while (out.length > 0 && out[out.length - 1]!.trim() === '') out.pop();
  while (out.length > 0 && out[0]!.trim() === '') out.shift();
  return out;
}

export function hasSection(document: IniDocument, name: string): boolean {
  return document.sections.some((section) => section.name === canonical(name));
}

/** The document with the named section replaced (in place) or appended. */
export function withSection(document: IniDocument, name: string, entries: readonly (readonly [string, string])[]): IniDocument {
  const section: IniSection = { name: canonical(name), lines: entries.map(([key, value]) => iniLine(key, value)) };
  const index = document.sections.findIndex((s) => s.name === section.name);
  const sections = [...document.sections];
  if (index >= 0) sections[index] = section;
  else sections.push(section);
  return { head: document.head, sections };
}

/** The document without the named sections (every copy of each), and which of them were there. */
export function withoutSections(document: IniDocument, names: readonly string[]): { document: IniDocument; removed: string[] } {
  const wanted = new Set(names.map(canonical));
  const removed = [...new Set(document.sections.filter((s) => wanted.has(s.name)).map((s) => s.name))];
  return { document: { head: document.head, sections: document.sections.filter((s) => !wanted.has(s.name)) }, removed };
}

const KEY = /^[a-z][a-z0-9_]*$/;

/**
 * Why a value cannot be written safely, or undefined. Control characters would end the line;
 * leading or trailing spaces are trimmed by readers; the JS SDK cuts a value at a `;` or `#`
 * that follows whitespace (an inline comment), and a leading `[` could pass for a section.
 */
export function unsafeIniValue(value: string): string | undefined {
  if (value === '') return 'it is empty';
  if (/[\u0000-\u001f\u007f\u2028\u2029]/.test(value)) return 'it contains a line break or another control character';
  if (value !== value.trim()) return 'it starts or ends with whitespace';
  if (/(^|\s)[;#]/.test(value)) return 'it contains ";" or "#" after whitespace, which AWS SDKs read as a comment';
  if (value.startsWith('[')) return 'it starts with "["';
  return undefined;
}

export function iniLine(key: string, value: string): string {
  if (!KEY.test(key)) throw new Error(`refusing to write ini key ${JSON.stringify(key)}`);
  const problem = unsafeIniValue(value);
  if (problem) throw new Error(`refusing to write ${key}: ${problem}`);
  return `${key} = ${value}`;
}

/** The section that holds a profile: `[default]` or `[profile NAME]` in config, `[NAME]` in credentials. */
export function configSection(profile: string): string {
  return profile === 'default' ? 'default' : `profile ${profile}`;
}

export function credentialsSection(profile: string): string {
  return profile;
}
