import { GatewayError } from "./errors";

/** Sends the request upstream within a bounded time: timeout → 504, any other failure → 502. */
export async function callUpstream(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const name = (err as Error).name;
    if (name === "TimeoutError" || name === "AbortError") {
      throw new GatewayError("gateway_timeout", "The upstream did not answer in time.", "upstream_timeout");
    }
    throw new GatewayError("bad_gateway", "The upstream could not be reached.", `upstream_unreachable: ${(err as Error).message}`);
  }
}
