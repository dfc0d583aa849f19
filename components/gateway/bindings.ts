import * as pulumi from "@pulumi/pulumi";
import type * as cloudflare from "@pulumi/cloudflare";

/** One ROUTES entry of the Worker (gateway/src/config.ts), with the upstream possibly known only at deploy time. */
export interface GatewayRoute {
  prefix: string;
  upstream: pulumi.Input<string>;
  methods: string[];
  groups: pulumi.Input<string>[];
  upstreamAuth: { type: "entra"; scope: string } | { type: "basic"; secret: string };
}

export const plainText = (name: string, text: pulumi.Input<string>): cloudflare.types.input.WorkersScriptBinding => ({
  type: "plain_text",
  name,
  text,
});

/** Secret bindings: the value stays a Pulumi secret in state and is write-only at Cloudflare. */
export const secretText = (name: string, text: pulumi.Input<string>): cloudflare.types.input.WorkersScriptBinding => ({
  type: "secret_text",
  name,
  text: pulumi.secret(text),
});

/** The ROUTES binding: JSON with the deploy-time upstream URLs and group IDs resolved. */
export function routesJson(routes: GatewayRoute[]): pulumi.Output<string> {
  return pulumi.jsonStringify(
    routes.map((r) => ({ prefix: r.prefix, upstream: r.upstream, methods: r.methods, groups: r.groups, upstreamAuth: r.upstreamAuth })),
  );
}

/** A Synapse firewall rule needs a start and end address: the first and last address of an IPv4 CIDR. */
export function cidrRange(cidr: string): { start: string; end: string } {
  const [ip, bitsText] = cidr.split("/") as [string, string];
  const bits = Number(bitsText);
  const n = ip.split(".").reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const start = (n & mask) >>> 0;
  const end = (start | (~mask >>> 0)) >>> 0;
  const dotted = (v: number) => [24, 16, 8, 0].map((s) => (v >>> s) & 255).join(".");
  return { start: dotted(start), end: dotted(end) };
}
