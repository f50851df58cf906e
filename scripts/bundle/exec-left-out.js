// Stands in for @actions/exec in the bundles. @actions/core uses it only in `platform.getDetails()`
// (it runs `uname`/`sw_vers` to describe the runner), which Keyless never calls.
const leftOut = () => {
  throw new Error('@actions/exec is not in this bundle: Keyless runs no programs through the toolkit');
};
export const exec = leftOut;
export const getExecOutput = leftOut;
