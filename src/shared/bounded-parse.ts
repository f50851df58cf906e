/**
 * Parsing what comes from outside with a limit: JSON no deeper than a nesting limit (JSON.parse
 * itself copes, but every recursive walker after it overflows the stack), and YAML whose aliases
 * expand within a budget, with no alias inside the node it names (a cycle). Together with
 * bounded-read.ts this is the one way Keyless reads untrusted documents.
 *
 * Usage:
 *   const value = parseJsonBounded(text, { name: file });             // JSON.parse's SyntaxError passes through
 *   checkJsonNesting(text, { name: file });                           // before a JSON parser of your own
 *   const docs = await parseYamlBounded(text, { name: file });        // plain values, one per document
 *   const aliases = checkYamlDocument(Y, doc, { name: file });        // for code that walks the yaml AST itself:
 *   const target = aliases.get(aliasNode);                            //   resolve aliases through the map, not alias.resolve()
 * Each throws BoundedParseError naming the document.
 */
import type { Alias, Document, LineCounter, Node as YamlNode } from 'yaml';

/** The parse limits, and why (the README's "Limits on what Keyless reads" quotes them). */
export const PARSE_LIMITS = {
  /** Nesting: a trust policy nests 5 deep, a Terraform plan or CloudFormation template under 40. */
  maxDepth: 256,
  /**
   * Alias references followed (those inside what an alias expands to included): real templates
   * and workflows use a handful. Also bounds the yaml package's own alias resolution in
   * parseYamlBounded, which scans every anchor for each alias.
   */
  maxAliases: 1_000,
  /** Anchors written in one document: with maxAliases, keeps that scan to about ten million steps. */
  maxAnchors: 10_000,
  /** Nodes reached through aliases, in total: a billion-laughs file reaches this within milliseconds. */
  maxAliasNodes: 100_000,
} as const;

export type ParseFailure = 'too-deep' | 'alias-budget' | 'alias-cycle' | 'too-large';

export class BoundedParseError extends Error {
  override readonly name = 'BoundedParseError';
  constructor(
    readonly file: string,
    readonly reason: ParseFailure,
    /** Without the document's name. */
    readonly problem: string,
  ) {
    super(`${JSON.stringify(file)}: ${problem}`);
  }
}

export interface ParseLimits {
  /** How the document is named in errors: a file name, "(standard input)", a URL. */
  readonly name: string;
  readonly maxDepth?: number;
  readonly maxAliases?: number;
  readonly maxAnchors?: number;
  readonly maxAliasNodes?: number;
}

const tooDeep = (name: string, maxDepth: number, where: string) =>
  new BoundedParseError(name, 'too-deep', `nests deeper than ${maxDepth} levels (${where}); expected at most ${maxDepth}`);

/** The offset where JSON text first nests deeper than `maxDepth`, or undefined. Linear, no recursion. */
export function jsonTooDeepAt(text: string, maxDepth: number = PARSE_LIMITS.maxDepth): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // Skip the string, escapes included.
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
    } else if (c === 91 || c === 123) {
      if (++depth > maxDepth) return i;
    } else if (c === 93 || c === 125) depth--;
  }
  return undefined;
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Throws BoundedParseError when JSON text nests deeper than the limit; for parsers of their own. */
export function checkJsonNesting(text: string, limits: ParseLimits): void {
  const maxDepth = limits.maxDepth ?? PARSE_LIMITS.maxDepth;
  const at = jsonTooDeepAt(text, maxDepth);
  if (at !== undefined) throw tooDeep(limits.name, maxDepth, `at line ${lineOfOffset(text, at)}`);
}

/** JSON.parse (a leading BOM allowed) after the nesting check. Syntax errors are JSON.parse's own. */
export function parseJsonBounded(text: string, limits: ParseLimits): unknown {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  checkJsonNesting(source, limits);
  return JSON.parse(source);
}

type YamlModule = typeof import('yaml');

/**
 * Checks one parsed YAML document against the limits and returns where each alias points (the
 * last anchor of its name before it, as YAML says). Walking the document through this map costs
 * at most `maxAliasNodes` more than its own size; `alias.resolve(doc)` would search the whole
 * document for every alias, and nothing stops a walker that follows aliases itself.
 */
export function checkYamlDocument(Y: YamlModule, doc: Document, limits: ParseLimits, lines?: LineCounter): Map<Alias, YamlNode> {
  const maxDepth = limits.maxDepth ?? PARSE_LIMITS.maxDepth;
  const maxAliases = limits.maxAliases ?? PARSE_LIMITS.maxAliases;
  const maxAliasNodes = limits.maxAliasNodes ?? PARSE_LIMITS.maxAliasNodes;
  const maxAnchors = limits.maxAnchors ?? PARSE_LIMITS.maxAnchors;
  const where = (node: YamlNode): string => (node.range && lines ? `at line ${lines.linePos(node.range[0]).line}` : 'in the document');
  const anchors = new Map<string, YamlNode>();
  const targets = new Map<Alias, YamlNode>();
  const open = new Set<YamlNode>();
  let aliasesFollowed = 0;
  let aliasNodes = 0;
  let anchorCount = 0;

  // Document order: an anchor counts from where it is written; a walk through an alias adds none.
  const walk = (node: unknown, depth: number, viaAlias: boolean): void => {
    if (node === null || typeof node !== 'object') return;
    if (Y.isAlias(node)) {
      if (++aliasesFollowed > maxAliases) {
        throw new BoundedParseError(limits.name, 'alias-budget', `follows more than ${maxAliases} aliases (${where(node)}); expected at most ${maxAliases}, a YAML alias bomb stops here`);
      }
      const target = viaAlias ? targets.get(node) : anchors.get(node.source);
      if (!target) return;
      targets.set(node, target);
      if (open.has(target)) {
        throw new BoundedParseError(limits.name, 'alias-cycle', `alias *${node.source} (${where(node)}) is inside the node it names; expected aliases that do not contain themselves`);
      }
      walk(target, depth, true);
      return;
    }
    if (!Y.isNode(node) && !Y.isPair(node)) return;
    if (depth > maxDepth) throw tooDeep(limits.name, maxDepth, Y.isNode(node) ? where(node) : 'in a key');
    if (viaAlias && ++aliasNodes > maxAliasNodes) {
      throw new BoundedParseError(limits.name, 'alias-budget', `aliases expand to more than ${maxAliasNodes} nodes; expected at most ${maxAliasNodes}, a YAML alias bomb stops here`);
    }
    if (Y.isPair(node)) {
      walk(node.key, depth, viaAlias);
      walk(node.value, depth, viaAlias);
      return;
    }
    if (!viaAlias && node.anchor) {
      if (++anchorCount > maxAnchors) throw new BoundedParseError(limits.name, 'alias-budget', `has more than ${maxAnchors} anchors (${where(node)}); expected at most ${maxAnchors}`);
      anchors.set(node.anchor, node);
    }
    if (Y.isMap(node) || Y.isSeq(node)) {
      open.add(node);
      for (const item of node.items) walk(item, depth + 1, viaAlias);
      open.delete(node);
    }
  };
  walk(doc.contents, 1, false);
  return targets;
}

/** The yaml package's options a caller may set (merge keys, custom tags, …). */
export type YamlOptions = import('yaml').ParseOptions & import('yaml').DocumentOptions & import('yaml').SchemaOptions;

/**
 * Parses every document of a YAML stream into plain values, within the limits. Syntax errors are
 * thrown as the yaml package's YAMLParseError (with line and column); limits as BoundedParseError.
 */
export async function parseYamlBounded(text: string, limits: ParseLimits, options: YamlOptions = {}): Promise<unknown[]> {
  const Y = await import('yaml');
  const lines = new Y.LineCounter();
  const docs = Y.parseAllDocuments(text, { ...options, lineCounter: lines, prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    if (doc.errors[0]) throw doc.errors[0];
    checkYamlDocument(Y, doc as Document, limits, lines);
  }
  // Within the checked budget, the package's own alias counting can stay off.
  return list.map((doc) => doc.toJS({ maxAliasCount: -1 }));
}
