// Stands in for @actions/http-client in the bundles. @actions/core uses it only in getIDToken(),
// which Keyless never calls (src/token/ requests the OIDC token itself, with its own timeouts and
// retries); the real module loads undici eagerly, about 50 ms and 20 MiB at every start.
const leftOut = () => {
  throw new Error('@actions/http-client is not in this bundle: use src/token/ to request the OIDC token');
};
export class HttpClient {
  constructor() {
    leftOut();
  }
}
export class BearerCredentialHandler {
  constructor() {
    leftOut();
  }
}
