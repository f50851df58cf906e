/**
 * CloudFormation intrinsic functions in a trust policy, resolved as far as the template allows:
 * pseudo parameters, parameters with a Default (reported as a note), OIDC providers declared in
 * the same template, Fn::Sub/Join/Select/Split/FindInMap, and Fn::If for a given choice of
 * conditions. What cannot be resolved (a parameter without Default, Fn::ImportValue, another
 * resource's attribute) becomes a `${…}` placeholder that lint reports, plus a finding here.
 */
import { index, member } from '../path.js';
import { get, setOwn, type LNode } from './located.js';
import type { AuditFinding } from './types.js';

export const NO_VALUE = Symbol('AWS::NoValue');
type Value = unknown;

export interface Template {
  readonly parameters: LNode | undefined;
  readonly resources: LNode | undefined;
  readonly mappings: LNode | undefined;
  readonly conditions: LNode | undefined;
}

const PSEUDO: Record<string, string> = {
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::URLSuffix': 'amazonaws.com',
};

/** The intrinsic function a node is (`!Sub …` or `{"Fn::Sub": …}`), with its argument. */
export function intrinsicOf(node: LNode): { fn: string; arg: LNode } | undefined {
  if (node.tag !== undefined) {
    const name = node.tag.slice(1);
    const { tag: _tag, ...untagged } = node;
    return { fn: name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`, arg: untagged as LNode };
  }
  if (node.kind === 'map' && node.entries.length === 1) {
    const [entry] = node.entries;
    if (entry!.key === 'Ref' || entry!.key.startsWith('Fn::')) return { fn: entry!.key, arg: entry!.value };
  }
  return undefined;
}

/** Condition names of every Fn::If under a node. */
export function ifConditions(node: LNode, out = new Set<string>()): Set<string> {
  const fn = intrinsicOf(node);
  if (fn?.fn === 'Fn::If' && fn.arg.kind === 'seq' && fn.arg.items[0]?.kind === 'scalar') out.add(String(fn.arg.items[0].value));
  if (node.kind === 'map') for (const e of node.entries) ifConditions(e.value, out);
  if (node.kind === 'seq') for (const item of node.items) ifConditions(item, out);
  return out;
}

/** Parameters a condition depends on (through Ref and nested Condition). */
export function conditionParameters(template: Template, name: string, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(name)) return out;
  seen.add(name);
  const visit = (node: LNode): void => {
    const fn = intrinsicOf(node);
    if (fn?.fn === 'Ref' && fn.arg.kind === 'scalar') out.add(String(fn.arg.value));
    else if (fn?.fn === 'Condition' && fn.arg.kind === 'scalar') for (const p of conditionParameters(template, String(fn.arg.value), seen)) out.add(p);
    if (node.kind === 'map') for (const e of node.entries) visit(e.value);
    if (node.kind === 'seq') for (const item of node.items) visit(item);
  };
  const definition = get(template.conditions, name);
  if (definition) visit(definition);
  return out;
}

/** A condition's value with every parameter at its Default, when that can be worked out. */
export function conditionWithDefaults(template: Template, name: string, depth = 0): boolean | undefined {
  const definition = get(template.conditions, name);
  if (!definition || depth > 20) return undefined;
  const evaluate = (node: LNode): boolean | undefined => {
    const fn = intrinsicOf(node);
    const args = fn?.arg.kind === 'seq' ? fn.arg.items : [];
    switch (fn?.fn) {
      case 'Fn::Equals': {
        const [a, b] = args.map((arg) => new Resolver(template, new Map()).resolve(arg, '$'));
        const known = (v: unknown): boolean => typeof v !== 'string' || !v.includes('${');
        return args.length === 2 && known(a) && known(b) ? String(a) === String(b) : undefined;
      }
      case 'Fn::Not': {
        const v = args[0] ? evaluate(args[0]) : undefined;
        return v === undefined ? undefined : !v;
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const values = args.map(evaluate);
        if (values.includes(undefined)) return undefined;
        return fn.fn === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
      }
      case 'Condition':
        return fn.arg.kind === 'scalar' ? conditionWithDefaults(template, String(fn.arg.value), depth + 1) : undefined;
      default:
        return undefined;
    }
  };
  return evaluate(definition);
}

export class Resolver {
  readonly notes: AuditFinding[] = [];
  readonly lines = new Map<string, number>();
  private readonly noted = new Set<string>();

  constructor(
    private readonly template: Template,
    private readonly choice: ReadonlyMap<string, boolean>,
    /** Parameters whose Default cannot hold in this variant (a condition on them chosen the other way). */
    private readonly unknownParameters: ReadonlySet<string> = new Set(),
  ) {}

  private note(rule: 'unresolved-value' | 'parameter-default', path: string, message: string): void {
    if (this.noted.has(path + message)) return;
    this.noted.add(path + message);
    this.notes.push({ rule, severity: rule === 'parameter-default' ? 'note' : 'warning', message, path });
  }

  /** The plain value of a node, intrinsics resolved; NO_VALUE for AWS::NoValue. */
  resolve(node: LNode, path: string): Value {
    if (!this.lines.has(path)) this.lines.set(path, node.line);
    const intrinsic = intrinsicOf(node);
    if (intrinsic) return this.call(intrinsic.fn, intrinsic.arg, path);
    if (node.kind === 'scalar') return node.value;
    if (node.kind === 'seq') {
      return node.items.map((item, i) => this.resolve(item, index(path, i))).filter((v) => v !== NO_VALUE);
    }
    const out: Record<string, Value> = {};
    for (const e of node.entries) {
      const p = member(path, e.key);
      this.lines.set(p, e.keyLine);
      const v = this.resolve(e.value, p);
      if (v !== NO_VALUE) setOwn(out, e.key, v);
    }
    return out;
  }

  private text(node: LNode, path: string): string {
    const v = this.resolve(node, path);
    return typeof v === 'string' ? v : v === NO_VALUE ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }

  private unresolved(fn: string, detail: string, path: string, why: string): string {
    this.note('unresolved-value', path, `${fn} ${detail} cannot be resolved from the template alone (${why}); the audit treats it as an unknown value`);
    return `\${${fn} ${detail}}`;
  }

  /** Ref: pseudo parameters, parameters (Default), OIDC providers of the template. */
  ref(name: string, path: string): Value {
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (PSEUDO[name] !== undefined) return PSEUDO[name];
    const parameter = get(this.template.parameters, name);
    if (parameter) {
      const fallback = this.unknownParameters.has(name) ? undefined : get(parameter, 'Default');
      if (fallback?.kind === 'scalar' && fallback.value !== null) {
        const value = String(fallback.value);
        this.note('parameter-default', path, `parameter ${name} has no value in the template; checked with its Default ${JSON.stringify(value)} (a stack may set another)`);
        return value;
      }
      if (!fallback) this.note('unresolved-value', path, `parameter ${name} has no Default: a stack sets it when deployed, so the audit treats it as an unknown value`);
      return `\${${name}}`;
    }
    const provider = this.oidcProviderArn(name, path);
    if (provider !== undefined) return provider;
    return `\${${name}}`;
  }

  private oidcProviderArn(logicalId: string, path: string): string | undefined {
    const resource = get(this.template.resources, logicalId);
    const type = get(resource, 'Type');
    if (type?.kind !== 'scalar' || type.value !== 'AWS::IAM::OIDCProvider') return undefined;
    const url = get(get(resource, 'Properties'), 'Url');
    if (!url) return undefined;
    const host = this.text(url, `${path}(${logicalId}.Url)`).replace(/^https?:\/\//, '');
    return `arn:aws:iam::${PSEUDO['AWS::AccountId']}:oidc-provider/${host}`;
  }

  private getAtt(target: string, attribute: string, path: string): Value {
    if (attribute === 'Arn') {
      const provider = this.oidcProviderArn(target, path);
      if (provider !== undefined) return provider;
    }
    return `\${${target}.${attribute}}`;
  }

  private sub(template: string, variables: LNode | undefined, path: string): string {
    return template.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
      const variable = get(variables, inner);
      if (variable) return this.text(variable, `${path}(${inner})`);
      const dot = inner.indexOf('.');
      const v = dot > 0 && !inner.startsWith('AWS::') ? this.getAtt(inner.slice(0, dot), inner.slice(dot + 1), path) : this.ref(inner, path);
      return typeof v === 'string' ? v : whole;
    });
  }

  private call(fn: string, arg: LNode, path: string): Value {
    const items = arg.kind === 'seq' ? arg.items : [];
    switch (fn) {
      case 'Ref':
        return arg.kind === 'scalar' ? this.ref(String(arg.value), path) : this.unresolved(fn, '(not a name)', path, 'malformed');
      case 'Fn::GetAtt': {
        const [target, attribute] = arg.kind === 'scalar' ? String(arg.value).split(/\.(.*)/s) : items.map((i) => this.text(i, path));
        return this.getAtt(target ?? '', attribute ?? '', path);
      }
      case 'Fn::Sub':
        if (arg.kind === 'scalar') return this.sub(String(arg.value), undefined, path);
        if (items[0]?.kind === 'scalar') return this.sub(String(items[0].value), items[1], path);
        return this.unresolved(fn, '(malformed)', path, 'expected a string or [string, {variables}]');
      case 'Fn::Join': {
        const list = items[1] ? this.resolve(items[1], path) : [];
        if (!items[0] || !Array.isArray(list)) return this.unresolved(fn, '(malformed)', path, 'expected [delimiter, [values]]');
        return list.map((v) => (typeof v === 'string' ? v : String(v))).join(this.text(items[0], path));
      }
      case 'Fn::Select': {
        const list = items[1] ? this.resolve(items[1], path) : undefined;
        const i = Number(items[0] ? this.text(items[0], path) : NaN);
        return Array.isArray(list) && list[i] !== undefined ? list[i] : this.unresolved(fn, '(list unknown)', path, 'the list is not in the template');
      }
      case 'Fn::Split':
        return items.length === 2 ? this.text(items[1]!, path).split(this.text(items[0]!, path)) : this.unresolved(fn, '(malformed)', path, 'expected [delimiter, string]');
      case 'Fn::FindInMap': {
        const [map, first, second] = items.map((i) => this.text(i, path));
        const found = get(get(get(this.template.mappings, map ?? ''), first ?? ''), second ?? '');
        return found ? this.resolve(found, path) : this.unresolved(fn, JSON.stringify([map, first, second]), path, 'no such entry in Mappings');
      }
      case 'Fn::If': {
        const name = items[0]?.kind === 'scalar' ? String(items[0].value) : '';
        const branch = this.choice.get(name) ? items[1] : items[2];
        return branch ? this.resolve(branch, path) : this.unresolved(fn, JSON.stringify(name), path, 'malformed');
      }
      case 'Fn::ImportValue':
        return this.unresolved(fn, JSON.stringify(this.text(arg, path)), path, 'it is another stack\'s export');
      default:
        return this.unresolved(fn, '', path, 'not evaluated by the audit');
    }
  }
}
