/** A source the trail could not read from (GitHub refused, LookupEvents failed): the CLI reports it as bad input, exit 2. */
export class TrailSourceError extends Error {}
