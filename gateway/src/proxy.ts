import { GatewayError } from "./errors";

/**
 * Sends the request upstream; the upstream must start answering (status and headers) within `timeoutMs`: timeout →
 * 504, any other failure → 502. The body then streams for as long as the upstream sends it — a large result that
 * takes longer than the timeout to stream is not cut off — as a proxy's time-to-first-byte timeout works (Cloudflare's
 * own edge answers 524 when an origin sends no headers within 100 s and does not bound the body:
 * https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-5xx-errors/error-524/).
 * The timer is cleared once the headers arrive, so no timer outlives its request.
 * Through a Workers VPC service binding when the route names one (`fetcher.fetch` takes the same arguments as `fetch`:
 * https://developers.cloudflare.com/workers-vpc/api/), otherwise over the internet.
 */
export async function callUpstream(fetcher: Fetcher | undefined, url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException("The upstream did not answer in time.", "TimeoutError")), timeoutMs);
  const options: RequestInit = { ...init, redirect: "manual", signal: controller.signal };
  try {
    return await (fetcher ? fetcher.fetch(url, options) : fetch(url, options));
  } catch (err) {
    const name = (err as Error).name;
    if (name === "TimeoutError" || name === "AbortError") {
      throw new GatewayError("gateway_timeout", "The upstream did not answer in time.", "upstream_timeout");
    }
    throw new GatewayError("bad_gateway", "The upstream could not be reached.", `upstream_unreachable: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}
