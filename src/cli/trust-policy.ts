/** `keyless trust-policy …`: help, and dispatch to evaluate, lint, generate, audit, test and prove. */
import { EXIT_OK, EXIT_USAGE, type CliIo } from './cli-io.js';
import { evaluateCommand } from './evaluate.js';
import { generateCommand } from './generate.js';
import { TRUST_POLICY_HELP } from './help.js';
import { CliError } from './inputs.js';
import { lintCommand } from './lint.js';

export function trustPolicyCommand(args: string[], io: CliIo): number | Promise<number> {
  const [sub, ...rest] = args;
  // `keyless trust-policy help lint` is `keyless trust-policy lint --help`.
  if (sub === 'help' && rest.length > 0) return trustPolicyCommand([...rest, '--help'], io);
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    if (sub === undefined) {
      io.stderr(TRUST_POLICY_HELP);
      return EXIT_USAGE;
    }
    io.stdout(TRUST_POLICY_HELP);
    return EXIT_OK;
  }
  switch (sub) {
    case 'evaluate':
      return evaluateCommand(rest, io);
    case 'lint':
      return lintCommand(rest, io);
    case 'generate':
      return generateCommand(rest, io);
    // Loaded only when used, so that evaluate, lint and generate start as fast as before.
    case 'audit':
      return import('./audit.js').then((m) => m.auditCommand(rest, io));
    case 'test':
      return import('./test.js').then((m) => m.testCommand(rest, io));
    case 'prove':
      return import('./prove.js').then((m) => m.proveCommand(rest, io));
    default:
      throw new CliError(`unknown command "trust-policy ${sub}"; expected evaluate, lint, generate, audit, test or prove ("keyless trust-policy --help")`);
  }
}
