/**
 * Global setup: every temporary file of the run (tests, the processes they start, the AWS CLI)
 * goes under one fresh folder, removed when the run ends, so a run leaves nothing in /tmp even
 * where a test forgets to clean up or a process it started is killed mid-write.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const scratch = mkdtempSync(join(tmpdir(), 'keyless-test-run-'));
  const previous = process.env.TMPDIR;
  // Node's os.tmpdir() and mkdtemp, Python's tempfile and the AWS CLI all read TMPDIR; the test
  // workers start after this and inherit it.
  process.env.TMPDIR = scratch;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(scratch, { recursive: true, force: true });
  };
}
