import type { Env } from "./env";
import { GatewayError } from "./errors";
import type { Identity } from "./token";

/** Per-subject limit via the Workers rate-limit binding; no binding → no limit (stated in the deployment plan). */
export async function enforceRateLimit(env: Env, identity: Identity): Promise<void> {
  if (!env.RATE_LIMITER) return;
  const { success } = await env.RATE_LIMITER.limit({ key: `${identity.tenant ?? "-"}:${identity.subject}` });
  if (!success) throw new GatewayError("rate_limited", "Too many requests; slow down.", "rate_limited");
}
