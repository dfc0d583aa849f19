import { GatewayError } from "./errors";
import type { Identity } from "./token";

/** Per-subject limit via the Workers rate-limit binding (the caller skips it without one: stated in the deployment plan). */
export async function enforceRateLimit(limiter: RateLimit, identity: Identity): Promise<void> {
  const { success } = await limiter.limit({ key: `${identity.tenant ?? "-"}:${identity.subject}` });
  if (!success) throw new GatewayError("rate_limited", "Too many requests; slow down.", "rate_limited");
}
