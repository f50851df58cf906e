/** The `keyless` CLI's top level: help, version, dispatch to `trust-policy`, `setup` and `trail`; bad input is exit code 2. */
import { EXIT_OK, EXIT_USAGE, type CliIo } from './cli-io.js';
import { MAIN_HELP } from './help.js';
import { CliError } from './inputs.js';
import { trustPolicyCommand } from './trust-policy.js';

export { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './cli-io.js';
export type { CliIo } from './cli-io.js';

/** Runs the CLI; returns the exit code (a promise for commands that do I/O). Never throws for bad input: that is exit code 2. */
export function run(argv: readonly string[], io: CliIo): number | Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) {
      io.stderr(MAIN_HELP);
      return EXIT_USAGE;
    }
    // `keyless help trust-policy lint` is `keyless trust-policy lint --help`.
    if (command === 'help' && rest.length > 0) return run([...rest, '--help'], io);
    if (command === '--help' || command === '-h' || command === 'help') {
      io.stdout(MAIN_HELP);
      return EXIT_OK;
    }
    if (command === '--version' || command === '-v' || command === 'version') {
      io.stdout(`keyless ${io.version}\n`);
      return EXIT_OK;
    }
    if (command === 'trust-policy') return trustPolicyCommand(rest, io);
    // Loaded only for `setup`, so the trust-policy commands start as fast as before.
    if (command === 'setup') return import('./setup.js').then((setup) => setup.setupCommand(rest, io));
    if (command === 'reach') return import('./reach.js').then((reach) => reach.reachCommand(rest, io));
    if (command === 'trail') return import('./trail.js').then((trail) => trail.trailCommand(rest, io, trail.trailEnv(process.env)));
    throw new CliError(
      command.startsWith('-')
        ? `unknown flag ${command}; run "keyless --help"`
        : `unknown command ${JSON.stringify(command)}; expected "trust-policy", "setup", "reach" or "trail" ("keyless --help")`,
    );
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`keyless: error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
