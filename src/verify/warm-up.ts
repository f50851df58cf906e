/**
 * A throwaway RS256 token and its key, verified once while the real token and the issuer's keys
 * are on the wire: jose's code and Node's WebCrypto load and compile then, not between the keys'
 * arrival and the STS request. Nothing here is trusted: the key signs only this token, whose
 * issuer does not exist, and the result is thrown away.
 */
import { compactVerify, createLocalJWKSet, type JWK } from 'jose';

const KEY: JWK = {"kty":"RSA","kid":"warm-up","n":"wPnI7eTYb4DTc0UDmpWHMgNpOKrvwaBGp75ar-t95h7_Ip44lYy4CDEwsLWTfl6O_UN7yGxcK9LfdXOv-I0ihmHEDZPaVYYUkpV_kEKwZ0TsNDQ5lzEcJKcrLrL68mur5LDPLUhcvabdk48BvbAKQqCra-pEL7SA88ma9Tb5PzG0Vu9N9Vldx7ueF4-5bClFg2mQA4YnkvoZOUYpDyy586qsgAof1dGDSerg3o1baPCvr37sBLydF8xu8sb3gb_2yBiboPVhqU7UyDV7-wKMVzfClSJUWIw41GfTNDKVHCbdH9rVYpnPDsRfUZw_smu-B9l3638pZYA4jru6vn4ggw","e":"AQAB"};

const TOKEN = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Indhcm0tdXAifQ.eyJpc3MiOiJodHRwczovL3dhcm0tdXAuaW52YWxpZCIsInN1YiI6Indhcm0tdXAiLCJhdWQiOiJ3YXJtLXVwIiwiaWF0IjowLCJleHAiOjF9.Z-tWPg35XU09xLLM7R3FgCHwfhGFP1ba0H9NA2zuiYKWr8mNlIqKydFyUQmrvyZtG26MCqqMki-R5_jEn3Y7OQp6SIvLWgdTe29K164zIZeTzFHPksLPdpNUSZguxz7mvP_l-0oDCFc0o1BDtsKDG6TzgO89gmVS05THmjQ9YfixMEAkndO6YycvD2psePS_78piUsZZDfXsJwDzSZ-f-EG0sx8IAe1j9T9RSN3iAgfZxumAZRHfmSHFzFwhQpIpyEen3IcuTh-483WZ__rfPcfOArNARdU2vzmG6xCEQC__L99Mf2HajUxjMTgjXMDE6rrxe_4KZSWXHApydzlCnw';

/** Runs one verification through the same calls verifyToken makes; true when it verified. Never throws. */
export async function warmUpVerification(): Promise<boolean> {
  try {
    await compactVerify(TOKEN, createLocalJWKSet({ keys: [KEY] }), { algorithms: ['RS256'] });
    return true;
  } catch {
    // Only the loading mattered.
    return false;
  }
}
