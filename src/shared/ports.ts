/** The small interfaces the stages write through, so none of them talks to the runner directly. */

export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}

/** Where exported values go: the runner's masks, GITHUB_ENV and GITHUB_OUTPUT. */
export interface ExportSink {
  setSecret(value: string): void;
  exportVariable(name: string, value: string): void;
  setOutput(name: string, value: string): void;
}
