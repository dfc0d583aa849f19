import type { Route } from "./config";
import { GatewayError } from "./errors";
import type { Identity } from "./token";

/** The longest route prefix that matches the path on a segment boundary (`/a` matches `/a` and `/a/b`, not `/ab`). */
export function matchRoute(routes: Route[], pathname: string): Route {
  let best: Route | undefined;
  for (const route of routes) {
    const hit = route.prefix === "/" || pathname === route.prefix || pathname.startsWith(`${route.prefix}/`);
    if (hit && (!best || route.prefix.length > best.prefix.length)) best = route;
  }
  if (!best) throw new GatewayError("not_found", "No route for this path.", "no_route");
  return best;
}

/** Groups/roles of the caller that grant this route; throws 403 when none (or when overage hides the groups). */
export function authorize(route: Route, method: string, identity: Identity): string[] {
  const granted = route.groups.filter((g) => identity.groups.includes(g) || identity.roles.includes(g));
  if (granted.length === 0) {
    if (identity.groupsOverage) {
      throw new GatewayError(
        "groups_overage",
        "The token carries too many groups to evaluate (groups overage); ask for an app role or fewer group memberships.",
        "groups_overage",
      );
    }
    throw new GatewayError("forbidden", "You are not allowed to use this route.", "no_matching_group");
  }
  if (!route.methods.includes(method)) {
    throw new GatewayError("method_not_allowed", `Method ${method} is not allowed on this route.`, "method_not_allowed");
  }
  return granted;
}

/** The upstream URL: the route's upstream plus the path after the prefix, plus the query string. */
export function upstreamUrl(route: Route, url: URL): string {
  const rest = route.prefix === "/" ? url.pathname : url.pathname.slice(route.prefix.length);
  return `${route.upstream}${rest}${url.search}`;
}
