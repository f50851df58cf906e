/**
 * The action's side of the runner, through @actions/core: inputs, masks, exported variables,
 * outputs, state, annotations and the job summary, behind a small interface so the pipeline never
 * writes to the runner directly (and tests can see exactly what it wrote).
 */
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { KeylessError } from '../shared/errors.js';
import * as core from '@actions/core';
import type { RunContext } from '../inputs/context.js';
import { annotationText, logLines } from '../shared/outside-text.js';
import type { ExportSink, Logger } from '../shared/ports.js';

export type { ExportSink, Logger } from '../shared/ports.js';

export interface ActionIO extends ExportSink, Logger {
  getInput(name: string): string;
  fail(message: string): void;
  writeSummary(html: string): Promise<void>;
  /** Hands a value to this action's post step (GITHUB_STATE); the last value saved under a name wins. */
  saveState(name: string, value: string): void;
}

/** Names we write are our own constants; refuse anything that could start another file-command entry. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OUTPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function checkName(name: string, pattern: RegExp): void {
  if (!pattern.test(name)) throw new Error(`invalid name ${JSON.stringify(name)}`);
}

export function runnerIO(files: RunContext['files']): ActionIO {
  return {
    getInput: (name) => core.getInput(name),
    setSecret: (value) => {
      if (value !== '') core.setSecret(value);
    },
    exportVariable: (name, value) => {
      checkName(name, VARIABLE_NAME);
      core.exportVariable(name, value);
    },
    setOutput: (name, value) => {
      checkName(name, OUTPUT_NAME);
      core.setOutput(name, value);
    },
    // Every line goes through the sink: nothing from outside can start a workflow command.
    info: (message) => core.info(logLines(message)),
    warning: (message) => core.warning(annotationText(message)),
    debug: (message) => core.debug(annotationText(message)),
    fail: (message) => core.setFailed(annotationText(message)),
    // One synchronous append where core.summary.write() makes three asynchronous calls: the summary
    // is the last thing the action writes, and each call cost a turn of the loop. Like core, it
    // appends to the runner's file and never creates one.
    writeSummary: async (html) => {
      if (!files.summary) return;
      const fd = openSync(files.summary, constants.O_WRONLY | constants.O_APPEND);
      try {
        writeSync(fd, html);
      } finally {
        closeSync(fd);
      }
    },
    saveState: (name, value) => core.saveState(name, value),
  };
}

/** GITHUB_ENV and GITHUB_OUTPUT must take writes: checked before any request, so no session is thrown away. */
export function checkRunnerFiles(files: RunContext['files']): void {
  for (const [name, path] of [
    ['GITHUB_ENV', files.env],
    ['GITHUB_OUTPUT', files.output],
  ] as const) {
    try {
      if (!path) throw new Error('it is not set: not running on a GitHub Actions runner?');
      // Opening for append is the real test: it catches directories, missing folders and read-only mounts.
      closeSync(openSync(path, 'a'));
    } catch (error) {
      throw new KeylessError('export-failed', `Could not write the runner's environment or output file ${name}${path ? ` (${path})` : ''}: ${(error as Error).message}; nothing was requested or exported.`, [
        'Check that GITHUB_ENV and GITHUB_OUTPUT point at writable files (self-hosted runners: disk space and permissions).',
      ]);
    }
  }
}
