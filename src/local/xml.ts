// The one place that builds XML for the local STS, so every value goes through escaping.

/** An element: its name, then either text or child elements; `undefined` children are left out. */
export interface XmlElement {
  readonly name: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly content: string | readonly (XmlElement | undefined)[];
}

export function xmlElement(
  name: string,
  content: string | readonly (XmlElement | undefined)[],
  attributes?: Record<string, string>,
): XmlElement {
  return attributes === undefined ? { name, content } : { name, content, attributes };
}

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Renders with two-space indentation and a trailing newline, the layout real STS answers use. */
export function renderXml(root: XmlElement): string {
  return `${renderElement(root, '')}\n`;
}

function renderElement(element: XmlElement, indent: string): string {
  assertXmlName(element.name);
  const attributes = Object.entries(element.attributes ?? {})
    .map(([key, value]) => {
      assertXmlName(key);
      return ` ${key}="${escapeXml(value)}"`;
    })
    .join('');
  const open = `${indent}<${element.name}${attributes}>`;
  const close = `</${element.name}>`;
  if (typeof element.content === 'string') return `${open}${escapeXml(element.content)}${close}`;
  const children = element.content.filter((child): child is XmlElement => child !== undefined);
  if (children.length === 0) return `${open}${close}`;
  const inner = children.map((child) => renderElement(child, `${indent}  `)).join('\n');
  return `${open}\n${inner}\n${indent}${close}`;
}

function assertXmlName(name: string): void {
  // Names come from our own code, never from requests; this guards against a slip.
  if (!/^[A-Za-z_][\w.:-]*$/.test(name)) throw new Error(`not an XML name: ${name}`);
}
