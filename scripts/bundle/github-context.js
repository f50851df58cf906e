// Stands in for @actions/github in the bundles: the same `context` the package exports (its own
// Context class, built the same way), without the Octokit client the package also builds at import
// time, which Keyless never uses.
import { Context } from '../../node_modules/@actions/github/lib/context.js';

export const context = new Context();
