/** placeholder */
import type { SetupIntent } from '../iam/intent.js';
import type { CliIo } from './main.js';
export async function applyCommand(_intent: SetupIntent, _options: { json: boolean; yes: boolean }, _io: CliIo): Promise<number> {
  return 2;
}
