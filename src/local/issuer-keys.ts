// The loopback issuer's RSA signing keys, with the public half as GitHub's JWKS serves it.
import { KeyObject, randomUUID } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, type JWK } from 'jose';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: JWK;
  /** For the HS256 algorithm-confusion attack, which keys HMAC with this text. */
  readonly publicKeyPem: string;
}

export async function createSigningKey(kid: string = randomUUID()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const { kty, n, e } = await exportJWK(publicKey);
  return {
    kid,
    privateKey: KeyObject.from(privateKey),
    // Member order as in GitHub's JWKS.
    publicJwk: { kty, alg: 'RS256', use: 'sig', kid, n, e },
    publicKeyPem: await exportSPKI(publicKey),
  };
}
