/**
 * Issue 21 item 5: the post step follows no link out of RUNNER_TEMP/keyless. Its saved state
 * names paths as strings; a `keyless/aws` or `keyless` folder swapped for a symlink after the main
 * step (by another user in a shared RUNNER_TEMP, or by a later step) must not lead its deletions
 * to the files the link points at.
 */
import { describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useJobScene } from '../helpers/job-scene.js';
import { giveToOtherUser, IS_ROOT, skipReasonUnlessRoot } from '../helpers/other-user.js';

const scene = useJobScene();

/** Every file under a folder with its content: what must be the same after the post step. */
function snapshot(dir: string): Record<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  return Object.fromEntries(files.map((entry) => [join(entry.parentPath, entry.name), readFileSync(join(entry.parentPath, entry.name), 'utf8')]));
}

const keyless = () => join(scene.job.runnerTemp, 'keyless');

describe('the post step and links in the job folder', () => {
  it('keyless/aws swapped for a link to another folder: the files there (same names, same sections) are left alone, with a warning', async () => {
    const step = await scene.job.step({ ...scene.fakes.inputs, 'aws-profile': 'deploy' });
    expect(step.exitCode, step.stdout).toBe(0);
    // The victim's folder holds files the saved state names: config and credentials with [deploy].
    cpSync(join(keyless(), 'aws'), join(scene.outside, 'aws'), { recursive: true });
    const before = snapshot(scene.outside);
    expect(Object.keys(before).length).toBeGreaterThanOrEqual(2);
    renameSync(join(keyless(), 'aws'), join(keyless(), 'aws-moved'));
    symlinkSync(join(scene.outside, 'aws'), join(keyless(), 'aws'));

    const [post] = await scene.job.post();
    expect(post!.exitCode).toBe(0);
    expect(snapshot(scene.outside)).toEqual(before);
    expect(post!.stdout).toMatch(/::warning::.*it is a symlink, not a folder/);
  });

  it('keyless itself swapped for a link: the cache folder it points at is not deleted', async () => {
    const step = await scene.job.step({ ...scene.fakes.inputs, 'aws-profile': 'deploy' });
    expect(step.exitCode, step.stdout).toBe(0);
    mkdirSync(join(scene.outside, 'cache', 'jwks'), { recursive: true });
    writeFileSync(join(scene.outside, 'cache', 'jwks', 'precious.json'), '{}');
    cpSync(join(keyless(), 'aws'), join(scene.outside, 'aws'), { recursive: true });
    const before = snapshot(scene.outside);
    renameSync(keyless(), join(scene.job.runnerTemp, 'keyless-moved'));
    symlinkSync(scene.outside, keyless());

    const [post] = await scene.job.post();
    expect(post!.exitCode).toBe(0);
    expect(snapshot(scene.outside)).toEqual(before);
    expect(post!.stdout).toMatch(/::warning::.*symlink/);
  });

  it.skipIf(!IS_ROOT)("keyless/aws replaced by another user's folder: nothing in it is rewritten or deleted", async () => {
    const step = await scene.job.step({ ...scene.fakes.inputs, 'aws-profile': 'deploy' });
    expect(step.exitCode, step.stdout).toBe(0);
    const theirs = join(keyless(), 'aws');
    renameSync(theirs, join(keyless(), 'aws-moved'));
    cpSync(join(keyless(), 'aws-moved'), theirs, { recursive: true });
    giveToOtherUser(theirs, ...Object.keys(snapshot(theirs)));
    const before = snapshot(theirs);

    const [post] = await scene.job.post();
    expect(post!.exitCode).toBe(0);
    expect(snapshot(theirs)).toEqual(before);
    expect(post!.stdout).toMatch(/::warning::.*owned by uid 65534/);
  });
  skipReasonUnlessRoot();
});
