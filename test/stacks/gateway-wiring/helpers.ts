import assert from "node:assert/strict";
import { type PlatformConfig, resolvePlatformConfig } from "../../../stacks/config";
import { type Graph, type GraphResource, readStackConfig } from "../../../tools/graph";
import { ofType, one } from "../../support/graphs";

export const T = {
  script: "cloudflare:index/workersScript:WorkersScript",
  domain: "cloudflare:index/workersCustomDomain:WorkersCustomDomain",
  tunnel: "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared",
  tunnelConfig: "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig",
  dns: "cloudflare:index/dnsRecord:DnsRecord",
  vpcService: "cloudflare:index/connectivityDirectoryService:ConnectivityDirectoryService",
  gateway: "dataplatform:gateway:Gateway",
  vault: "azure-native:keyvault:Vault",
  secret: "azure-native:keyvault:Secret",
  app: "azure-native:app:ContainerApp",
  roleAssignment: "azure-native:authorization:RoleAssignment",
  workspace: "azure-native:synapse:Workspace",
  firewallRule: "azure-native:synapse:IpFirewallRule",
  privateEndpoint: "azure-native:network:PrivateEndpoint",
  dnsZoneGroup: "azure-native:network:PrivateDnsZoneGroup",
  password: "azuread:index/applicationPassword:ApplicationPassword",
  application: "azuread:index/application:Application",
  randomPassword: "random:index/randomPassword:RandomPassword",
} as const;

export type Binding = { type: string; name: string; text?: string; namespaceId?: string; simple?: { limit: number; period: number } };
export type Route = { prefix: string; upstream: string; binding?: string; methods: string[]; groups: string[]; upstreamAuth: { type: string; scope?: string; secret?: string } };

export { one };

/** The platform config the program resolved from the same stack config (what the graph must reflect). */
export function configFor(stack: string, config: Record<string, string> = readStackConfig(stack)): PlatformConfig {
  return resolvePlatformConfig("dataplatform", stack, config);
}

export const script = (graph: Graph) => one(graph, T.script);
export const bindings = (graph: Graph) => script(graph).inputs["bindings"] as Binding[];
export function binding(graph: Graph, name: string): { binding: Binding; index: number } {
  const all = bindings(graph);
  const index = all.findIndex((b) => b.name === name);
  assert.ok(index >= 0, `${graph.stack}: binding ${name}`);
  return { binding: all[index]!, index };
}
export const routes = (graph: Graph) => JSON.parse(binding(graph, "ROUTES").binding.text!) as Route[];

/** URNs an input of `r` was computed from (implicit dependencies through Outputs). */
export const inputSources = (r: GraphResource, input: string) => r.propertyDependencies[input] ?? [];

/** The parent chain of a resource, nearest first. */
export function ancestors(graph: Graph, r: GraphResource): GraphResource[] {
  const chain: GraphResource[] = [];
  let parent = r.parent;
  while (parent) {
    const p = graph.resources.find((x) => x.urn === parent);
    if (!p) break;
    chain.push(p);
    parent = p.parent;
  }
  return chain;
}

export function withCloudflareConnectivity(stack: string, connectivity: "tunnel" | "allowlist"): Record<string, string> {
  const config = readStackConfig(stack);
  const cloudflare = JSON.parse(config["dataplatform:cloudflare"]!) as Record<string, unknown>;
  config["dataplatform:cloudflare"] = JSON.stringify({ ...cloudflare, connectivity });
  return config;
}
