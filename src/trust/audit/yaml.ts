/**
 * YAML documents as located trees, CloudFormation's short-form intrinsic tags (`!Sub`, `!Ref`,
 * `!GetAtt`, …) kept on the nodes. The `yaml` package is loaded only when a YAML file is read.
 */
import type { Alias, Document, LineCounter as LineCounterType, Node as YamlNode } from 'yaml';
import { checkYamlDocument } from '../../shared/bounded-parse.js';
import { SourceSyntaxError, type LNode, type MapEntry } from './located.js';

/** CloudFormation's short-form tags; each may tag a scalar, a sequence or a mapping. */
export const CFN_TAGS = [
  'And', 'Base64', 'Cidr', 'Condition', 'Equals', 'FindInMap', 'GetAtt', 'GetAZs', 'If', 'ImportValue', 'Join', 'Not',
  'Or', 'Ref', 'Select', 'Split', 'Sub', 'Transform', 'Length', 'ToJsonString',
] as const;

type YamlModule = typeof import('yaml');

let loaded: Promise<YamlModule> | undefined;
function yamlModule(): Promise<YamlModule> {
  loaded ??= import('yaml');
  return loaded;
}

/** Where each alias points, from checkYamlDocument: the walk follows aliases within its budget. */
type Aliases = ReadonlyMap<Alias, YamlNode>;

function convert(Y: YamlModule, node: unknown, aliases: Aliases, lines: LineCounterType, fallbackLine: number): LNode {
  const lineAt = (n: YamlNode | null | undefined): number => (n?.range ? lines.linePos(n.range[0]).line : fallbackLine);
  if (Y.isAlias(node)) return convert(Y, aliases.get(node), aliases, lines, fallbackLine);
  const tag = (node as { tag?: string } | null)?.tag;
  const tagged = tag !== undefined && tag.startsWith('!') && !tag.startsWith('!!') ? { tag } : {};
  if (Y.isMap(node)) {
    const entries: MapEntry[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      const key = Y.isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const keyLine = lineAt(keyNode);
      // `<<` merge keys: the merged mapping's entries, as YAML 1.1 tools read them.
      if (key === '<<' && Y.isAlias(pair.value)) {
        const merged = convert(Y, pair.value, aliases, lines, keyLine);
        if (merged.kind === 'map') entries.push(...merged.entries);
        continue;
      }
      entries.push({ key, keyLine, value: convert(Y, pair.value, aliases, lines, keyLine) });
    }
    return { kind: 'map', line: lineAt(node), entries, ...tagged };
  }
  if (Y.isSeq(node)) {
    return { kind: 'seq', line: lineAt(node), items: node.items.map((item) => convert(Y, item, aliases, lines, lineAt(node))), ...tagged };
  }
  if (Y.isScalar(node)) {
    const v = node.value;
    const value = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : String(v);
    return { kind: 'scalar', line: lineAt(node), value, ...tagged };
  }
  return { kind: 'scalar', line: fallbackLine, value: null, ...tagged };
}

/**
 * Parses every document of a YAML stream. Throws {@link SourceSyntaxError} for invalid YAML, and
 * BoundedParseError (naming `name`) for nesting or aliases beyond the shared parse limits.
 */
export async function parseYamlLocated(text: string, name = 'the YAML document'): Promise<LNode[]> {
  const Y = await yamlModule();
  const customTags = CFN_TAGS.flatMap((name) => [
    { tag: `!${name}`, resolve: (value: string) => value },
    { tag: `!${name}`, collection: 'seq' as const, resolve: (value: unknown) => value },
    { tag: `!${name}`, collection: 'map' as const, resolve: (value: unknown) => value },
  ]);
  const lines = new Y.LineCounter();
  const docs = Y.parseAllDocuments(text, { lineCounter: lines, customTags, uniqueKeys: false, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  if (!Array.isArray(docs)) return [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) {
      const pos = lines.linePos(error.pos[0]);
      throw new SourceSyntaxError(error.message.split('\n')[0]!, pos.line, pos.col);
    }
  }
  return list.map((doc) => convert(Y, doc.contents, checkYamlDocument(Y, doc as Document, { name }, lines), lines, 1));
}
