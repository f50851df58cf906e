// Stands in for @aws-sdk/credential-provider-node in the bundles. The STS client imports the SDK's
// default credential chain (env, profiles, SSO, IMDS, … and the nested clients they use) when it
// loads, but AssumeRoleWithWebIdentity is unsigned and never asks it for credentials: only role
// chaining does. So the chain is a chunk of its own, loaded the first time credentials are needed.
export function defaultProvider(init = {}) {
  let chain;
  return async (options) => {
    chain ??= (await import('../../node_modules/@aws-sdk/credential-provider-node/dist-cjs/index.js')).defaultProvider(init);
    return chain(options);
  };
}
