import { GatewayError } from "./errors";

/**
 * Sends the request upstream within a bounded time: timeout → 504, any other failure → 502. Through a Workers VPC
 * service binding when the route names one (`fetcher.fetch` takes the same arguments as `fetch`:
 * https://developers.cloudflare.com/workers-vpc/api/), otherwise over the internet.
 */
export async function callUpstream(fetcher: Fetcher | undefined, url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  const options: RequestInit = { ...init, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) };
  try {
    return await (fetcher ? fetcher.fetch(url, options) : fetch(url, options));
  } catch (err) {
    const name = (err as Error).name;
    if (name === "TimeoutError" || name === "AbortError") {
      throw new GatewayError("gateway_timeout", "The upstream did not answer in time.", "upstream_timeout");
    }
    throw new GatewayError("bad_gateway", "The upstream could not be reached.", `upstream_unreachable: ${(err as Error).message}`);
  }
}
