/**
 * A small XML reader for AWS Query answers (STS): elements, text, the five predefined entities and
 * character references, CDATA, comments and the declaration. Nothing else: a DOCTYPE (and so any
 * entity of its own) is refused, attributes are skipped, namespaces are dropped to local names.
 * One pass over the text, depth bounded, so a hostile answer costs at most its length. Pure.
 */
import { quoteCut } from './outside-text.js';

export interface XmlNode {
  /** The local name (`sts:Code` → `Code`). */
  readonly name: string;
  readonly children: XmlNode[];
  /** The element's own text, entities decoded, not trimmed (AWS sends values without padding). */
  text: string;
}

export class XmlReadError extends Error {
  override readonly name = 'XmlReadError';
}

/** Deeper than any AWS answer (STS nests four levels) by far; past it, the text is refused. */
const MAX_DEPTH = 64;

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const NAME = /^[A-Za-z_][\w.:-]*/;

function decodeEntities(text: string, at: number): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(?:([^;&<\s]{1,10});)?/g, (whole: string, body: string | undefined, offset: number) => {
    if (body === undefined) throw new XmlReadError(`a bare "&" near offset ${at + offset}`);
    const predefined = ENTITIES[body];
    if (predefined !== undefined) return predefined;
    const code = /^#x[0-9a-fA-F]{1,6}$/.test(body) ? parseInt(body.slice(2), 16) : /^#[0-9]{1,7}$/.test(body) ? Number(body.slice(1)) : NaN;
    if (Number.isNaN(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      throw new XmlReadError(`unknown entity ${named(whole)} near offset ${at + offset}`);
    }
    return String.fromCodePoint(code);
  });
}

const localName = (name: string) => name.slice(name.lastIndexOf(':') + 1);

/** A name from the text, for a message: quoted, and cut at 60 characters (a hostile answer can send a megabyte). */
const named = (name: string) => quoteCut(name, 60);

/** The root element of `text`; throws XmlReadError on anything this reader does not accept. */
export function readXml(text: string): XmlNode {
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  let at = 0;
  const addText = (raw: string, start: number) => {
    const top = stack[stack.length - 1];
    if (top) top.text += raw;
    else if (raw.trim() !== '') throw new XmlReadError(`text outside the root element near offset ${start}`);
  };
  while (at < text.length) {
    const open = text.indexOf('<', at);
    if (open === -1) {
      addText(decodeEntities(text.slice(at), at), at);
      break;
    }
    if (open > at) addText(decodeEntities(text.slice(at, open), at), at);
    const end = (marker: string, from: number, what: string) => {
      const found = text.indexOf(marker, from);
      if (found === -1) throw new XmlReadError(`${what} at offset ${open} is not closed`);
      return found;
    };
    if (text.startsWith('<?', open)) {
      at = end('?>', open + 2, 'a declaration') + 2;
    } else if (text.startsWith('<!--', open)) {
      at = end('-->', open + 4, 'a comment') + 3;
    } else if (text.startsWith('<![CDATA[', open)) {
      const close = end(']]>', open + 9, 'a CDATA section');
      addText(text.slice(open + 9, close), open);
      at = close + 3;
    } else if (text.startsWith('<!', open)) {
      throw new XmlReadError(`a document type or other declaration at offset ${open}: not accepted`);
    } else if (text.startsWith('</', open)) {
      const close = end('>', open + 2, 'a closing tag');
      const name = localName(text.slice(open + 2, close).trim());
      const top = stack.pop();
      if (!top || top.name !== name) throw new XmlReadError(`closing tag ${named(name)} at offset ${open} does not match ${top ? named(top.name) : 'any open element'}`);
      at = close + 1;
    } else {
      const close = end('>', open + 1, 'a tag');
      const inside = text.slice(open + 1, close);
      const name = NAME.exec(inside)?.[0];
      if (!name) throw new XmlReadError(`a tag without a name at offset ${open}`);
      if (root && stack.length === 0) throw new XmlReadError(`a second root element at offset ${open}`);
      if (stack.length >= MAX_DEPTH) throw new XmlReadError(`elements nested deeper than ${MAX_DEPTH} at offset ${open}`);
      const node: XmlNode = { name: localName(name), children: [], text: '' };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(node);
      else root = node;
      if (!inside.endsWith('/')) stack.push(node);
      at = close + 1;
    }
  }
  if (stack.length > 0) throw new XmlReadError(`element ${named(stack[stack.length - 1]!.name)} is not closed`);
  if (!root) throw new XmlReadError('no element');
  return root;
}

/** The first child named `name`, or undefined. */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return node?.children.find((c) => c.name === name);
}

/** The text of the element at `path` below `node`, or undefined when any step is missing. */
export function textAt(node: XmlNode | undefined, ...path: string[]): string | undefined {
  let current = node;
  for (const name of path) current = child(current, name);
  return current?.text;
}
