/** JSON paths in the `$.Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"]` style. */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Appends an object member: `.Name` for identifier-like names, `["name"]` otherwise. */
export function member(path: string, name: string): string {
  return IDENTIFIER.test(name) && name !== '$' ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
}

/** Appends an array index. */
export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}
