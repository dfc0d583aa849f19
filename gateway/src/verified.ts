import type { GatewayConfig } from "./config";
import type { Identity } from "./token";

/**
 * Tokens this isolate has already verified, by their exact bytes. A client sends the same access token for its whole
 * life (Entra and Okta issue them for 60-90 minutes), and verifying its signature again with the same key gives the
 * same answer, so a repeated token skips the signature and claim checks — but only while the key set it was verified
 * against is the same version, still fresh, and with `exp`/`nbf` checked again on every request. Nothing else is
 * assumed: any reload of the key set (stale after 10 minutes, an unknown `kid` after the cooldown) verifies every
 * token again, so a key that leaves the JWKS refuses its tokens at the moment it would have without this cache.
 */
export interface VerifiedToken {
  readonly identity: Identity;
  /** The key set version (jwks.ts keySetVersion) the signature was verified against; undefined: never reused. */
  readonly keySetVersion: object | undefined;
  /** `exp` and `nbf` in ms, each already widened by the allowed clock skew; nbf -Infinity when absent. */
  readonly expiresAt: number;
  readonly notBefore: number;
}

/**
 * At most this many tokens per isolate. Each is at most MAX_TOKEN_BYTES (8 KiB by default), so the cache stays under
 * 8 MiB of a Worker's 128 MB; real Entra and Okta tokens are 1-3 KiB. The oldest entry goes first.
 */
export const MAX_VERIFIED_TOKENS = 1_000;

// Per config: a parsed config is fixed for the isolate, and a different issuer or audience must never share entries.
const caches = new WeakMap<GatewayConfig, Map<string, VerifiedToken>>();

/** The earlier verification of exactly this token, if it still holds at `now` (its key is checked by the caller). */
export function recall(config: GatewayConfig, token: string, now: number): VerifiedToken | undefined {
  const cache = caches.get(config);
  const hit = cache?.get(token);
  if (!hit) return undefined;
  if (now >= hit.expiresAt || now < hit.notBefore) {
    cache!.delete(token);
    return undefined;
  }
  return hit;
}

export function remember(config: GatewayConfig, token: string, verified: VerifiedToken): void {
  let cache = caches.get(config);
  if (!cache) caches.set(config, (cache = new Map()));
  if (cache.size >= MAX_VERIFIED_TOKENS && !cache.has(token)) cache.delete(cache.keys().next().value!);
  cache.set(token, verified);
}

/** Forgets a token whose key no longer verifies it; the next request verifies it in full. */
export function forget(config: GatewayConfig, token: string): void {
  caches.get(config)?.delete(token);
}
