/** TrustPolicyError (a parse error naming its JSON path) and the checks and wording parse errors share. */

export class TrustPolicyError extends Error {
  override readonly name = 'TrustPolicyError';
  /** JSON path of the offending element, e.g. `$.Statement[0].Effect`. */
  readonly path: string;
  constructor(message: string, path: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}

/** A JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How a value that is not what was expected is named in messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  return `${typeof value === 'object' ? 'an object' : `a ${typeof value}`}`;
}
