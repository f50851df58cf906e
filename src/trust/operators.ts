/** IAM condition operator names: parsing `ForAnyValue:StringLikeIfExists` into its parts. */

/** Every base condition operator IAM accepts. */
export const IAM_BASE_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
] as const;

export type BaseOperator = (typeof IAM_BASE_OPERATORS)[number];

/** The operators this engine evaluates; the others are valid IAM but not evaluated locally. */
export const EVALUATED_OPERATORS: ReadonlySet<BaseOperator> = new Set<BaseOperator>([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'Bool',
  'Null',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
]);

const NEGATED: ReadonlySet<BaseOperator> = new Set<BaseOperator>([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'NotIpAddress',
  'ArnNotEquals',
  'ArnNotLike',
]);

/** Operators whose values may hold policy variables (string, ARN and Bool operators: IAM User Guide, "Policy variables"). */
const TAKES_VARIABLES: ReadonlySet<BaseOperator> = new Set<BaseOperator>([
  'Bool',
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
]);

export type SetQualifier = 'ForAllValues' | 'ForAnyValue';

export interface OperatorSpec {
  /** The operator exactly as written in the policy. */
  readonly name: string;
  readonly set?: SetQualifier;
  readonly base: BaseOperator;
  readonly ifExists: boolean;
  /** StringNotEquals, StringNotLike, …: the key must match none of the values; true on an absent key. */
  readonly negated: boolean;
  /** False for valid IAM operators this engine does not evaluate (Numeric…, Date…, IpAddress, BinaryEquals). */
  readonly evaluated: boolean;
  /** True for operators whose values use `*` and `?` as wildcards (StringLike, StringNotLike, Arn…). */
  readonly wildcards: boolean;
  readonly ignoreCase: boolean;
  readonly takesVariables: boolean;
}

const BY_LOWER = new Map<string, BaseOperator>(IAM_BASE_OPERATORS.map((op) => [op.toLowerCase(), op]));

/** Parses an operator name; returns undefined for a name IAM does not know. */
export function parseOperator(name: string): OperatorSpec | undefined {
  let rest = name;
  let set: SetQualifier | undefined;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const qualifier = rest.slice(0, colon).toLowerCase();
    if (qualifier === 'forallvalues') set = 'ForAllValues';
    else if (qualifier === 'foranyvalue') set = 'ForAnyValue';
    else return undefined;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith('ifexists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const base = BY_LOWER.get(rest.toLowerCase());
  if (!base) return undefined;
  return {
    name,
    set,
    base,
    ifExists,
    negated: NEGATED.has(base),
    evaluated: EVALUATED_OPERATORS.has(base),
    wildcards: base === 'StringLike' || base === 'StringNotLike' || base.startsWith('Arn'),
    ignoreCase: base.endsWith('IgnoreCase'),
    takesVariables: TAKES_VARIABLES.has(base),
  };
}

/** True for an operator that restricts the key to the listed values when the key is present and absent alike. */
export function isPositiveRestriction(op: OperatorSpec): boolean {
  return !op.negated && !op.ifExists && op.set !== 'ForAllValues' && op.base !== 'Null';
}
