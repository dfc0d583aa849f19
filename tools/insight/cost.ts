import { HOURS_PER_MONTH, type Price, PRICE_REGION, PRICES, PRICES_TAKEN, type PriceId } from "../../contracts/prices";
import type { Graph, GraphResource } from "../graph/types";

/**
 * Monthly cost of a stack from its captured graph (issue 13 point 2): each resource's inputs (SKUs, replicas, storage
 * sizes, retention) priced with contracts/prices.ts, grouped by component — the resource's ancestor directly under the
 * DataPlatform component. Fixed items (what the stack costs a month standing still) are summed; usage-priced items are
 * shown as rates, never summed; a billed resource type with no price in the table is listed as "not priced", never zero.
 */

const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
const PLATFORM_TYPE = "dataplatform:platform:DataPlatform";
const OUTSIDE = "(outside the platform)";

export interface FixedItem {
  component: string;
  resource: string;
  type: string;
  item: string;
  /** What was multiplied, e.g. "730 h x 2 nodes". */
  quantity: string;
  monthly: number;
  prices: PriceId[];
}

export interface RateItem {
  component: string;
  resource: string;
  type: string;
  item: string;
  /** The rate as text ("$5.00 per 1 TB processed"); absent when the table has no price for it. */
  rate?: string;
  prices: PriceId[];
  note?: string;
}

export interface NotPricedItem {
  component: string;
  resource: string;
  type: string;
  reason: string;
}

export interface CostEstimate {
  stack: string;
  region: string;
  fixed: FixedItem[];
  rates: RateItem[];
  notPriced: NotPricedItem[];
  /** Fixed monthly total per component, largest first. */
  byComponent: { component: string; monthly: number }[];
  total: number;
  /** Prices used whose figure is for another region than the stack's. */
  otherRegion: PriceId[];
}

type Priced = { fixed?: Omit<FixedItem, "component" | "resource" | "type">[]; rates?: Omit<RateItem, "component" | "resource" | "type">[]; notPriced?: string };
type Rule = (inputs: Record<string, unknown>, prices: PriceTable) => Priced;
export type PriceTable = Readonly<Record<string, Price>>;

/** Resource types with no meter of their own, and why. A type neither here nor in RULES is listed as not priced. */
export const FREE_TYPES: Readonly<Record<string, string>> = {
  "azure-native:network:VirtualNetwork": "no meter of its own (traffic is billed where it leaves: NAT, private endpoints)",
  "azure-native:network:Subnet": "no meter of its own",
  "azure-native:network:NetworkSecurityGroup": "no meter of its own",
  "azure-native:network:PrivateDnsZoneGroup": "configuration of a priced private endpoint",
  "azure-native:authorization:RoleAssignment": "control-plane object, no meter",
  "azure-native:authorization:ManagementLockByScope": "control-plane object, no meter",
  "azure-native:managedidentity:UserAssignedIdentity": "no meter",
  "azure-native:monitor:DiagnosticSetting": "no meter of its own: what it sends is Log Analytics ingestion (a rate on the workspace)",
  "azure-native:keyvault:PrivateEndpointConnection": "approval of a priced private endpoint",
  "azure-native:storage:PrivateEndpointConnection": "approval of a priced private endpoint",
  "azure-native:synapse:PrivateEndpointConnection": "approval of a priced private endpoint",
  "azure-native:storage:BlobContainer": "its data is billed on the storage account (a rate)",
  "azure-native:storage:BlobServiceProperties": "settings of the storage account",
  "azure-native:dbforpostgresql:Database": "part of the priced server",
  "azure-native:dbforpostgresql:Configuration": "part of the priced server",
  "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": "part of the priced server",
  "azure-native:keyvault:Key": "software-protected key: billed per operation on the vault (a rate)",
  "azure-native:keyvault:Secret": "billed per operation on the vault (a rate)",
  "azure-native:synapse:WorkspaceAadAdmin": "setting of the workspace",
  "azure-native:datafactory:LinkedService": "configuration; its runs are billed as activity runs (a rate on the factory)",
  "azure-native:dataprotection:BackupPolicy": "policy object; backups are billed per protected instance",
  "azure-native:dataprotection:BackupVault": "billed per protected instance and stored backup data (see the backup instance)",
  "azure-native:privatedns:PrivateRecordSet": "records are part of the zone",
  "cloudflare:index/workersCustomDomain:WorkersCustomDomain": "part of the Workers plan",
  "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared": "Cloudflare Tunnel has no per-tunnel charge",
  "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig": "configuration of the tunnel",
};

/** Providers whose resources are never billed cloud resources (identities in Entra, random values, timers). */
const FREE_PROVIDERS: Readonly<Record<string, string>> = {
  azuread: "directory object, no Azure meter",
  random: "a value in Pulumi state, not a cloud resource",
  time: "a value in Pulumi state, not a cloud resource",
  pulumi: "Pulumi itself",
};

function usd(value: number): string {
  if (value === 0) return "$0.00";
  if (Math.abs(value) < 0.01) return `$${value.toPrecision(2)}`;
  return `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A unit price: cents and below keep their significant digits ($0.045, $0.00063). */
function unitUsd(value: number): string {
  if (value >= 1 || value === 0) return usd(value);
  if (value < 0.01) return `$${value.toPrecision(2)}`;
  const [whole, fraction = ""] = String(Number(value.toFixed(4))).split(".");
  return `$${whole}.${fraction.padEnd(2, "0")}`;
}

function rateText(prices: PriceTable, id: PriceId, factor = 1, unit?: string): string {
  const price = prices[id]!;
  return `${unitUsd(price.value * factor)} per ${unit ?? price.unit}`;
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Container Apps memory: "2Gi", "0.5Gi", "512Mi" (https://learn.microsoft.com/azure/container-apps/containers#allocations). */
export function gibibytes(memory: unknown): number {
  if (typeof memory === "number") return memory;
  const match = /^([0-9.]+)\s*(Gi|Mi|G|M)?$/.exec(String(memory ?? "").trim());
  if (!match) return Number.NaN;
  const n = Number(match[1]);
  return match[2] === "Mi" || match[2] === "M" ? n / 1024 : n;
}

/** vCPU and GiB of one replica: the sum over its (long-running) containers; init containers run only at start. */
function replicaSize(template: Record<string, unknown>): { cpu: number; memory: number } {
  const containers = (template["containers"] as unknown[] | undefined) ?? [];
  let cpu = 0;
  let memory = 0;
  for (const c of containers) {
    const resources = record(record(c)["resources"]);
    cpu += Number(resources["cpu"] ?? 0);
    memory += gibibytes(resources["memory"] ?? 0);
  }
  return { cpu, memory };
}

function consumptionProfile(inputs: Record<string, unknown>): boolean {
  const profile = inputs["workloadProfileName"];
  return profile === undefined || profile === "Consumption";
}

/** Runs a month of a 5-field cron expression with only `*` / `*\/n` minute and hour fields; undefined otherwise. */
export function cronRunsPerMonth(cron: string): number | undefined {
  const [minute, hour, dom, month, dow] = cron.trim().split(/\s+/);
  if (dom !== "*" || month !== "*" || dow !== "*") return undefined;
  const per = (field: string | undefined, range: number, fixedOk: boolean): number | undefined => {
    if (field === "*") return range;
    const step = /^\*\/(\d+)$/.exec(field ?? "");
    if (step) return Math.ceil(range / Number(step[1]));
    return fixedOk && /^\d+$/.test(field ?? "") ? 1 : undefined;
  };
  const m = per(minute, 60, true);
  const h = per(hour, 24, true);
  return m === undefined || h === undefined ? undefined : Math.round(m * h * (HOURS_PER_MONTH / 24));
}

export const RULES: Readonly<Record<string, Rule>> = {
  "azure-native:network:PrivateEndpoint": (_inputs, p) => ({
    fixed: [{ item: "endpoint hours", quantity: `${HOURS_PER_MONTH} h`, monthly: HOURS_PER_MONTH * p["privateEndpoint.hour"]!.value, prices: ["privateEndpoint.hour"] }],
    rates: [{ item: "data processed", rate: rateText(p, "privateEndpoint.gbProcessed"), prices: ["privateEndpoint.gbProcessed"], note: "each direction" }],
  }),
  "azure-native:privatedns:PrivateZone": (_inputs, p) => ({
    fixed: [{ item: "hosted private zone", quantity: "1 zone-month", monthly: p["privateDns.zone.month"]!.value, prices: ["privateDns.zone.month"] }],
    rates: [{ item: "DNS queries", rate: rateText(p, "privateDns.queries.million"), prices: ["privateDns.queries.million"] }],
  }),
  "azure-native:network:NatGateway": (_inputs, p) => ({
    fixed: [{ item: "gateway hours", quantity: `${HOURS_PER_MONTH} h`, monthly: HOURS_PER_MONTH * p["natGateway.hour"]!.value, prices: ["natGateway.hour"] }],
    rates: [{ item: "data processed", rate: rateText(p, "natGateway.gbProcessed"), prices: ["natGateway.gbProcessed"] }],
  }),
  "azure-native:network:PublicIPAddress": (inputs, p) => {
    const sku = record(inputs["sku"])["name"];
    if (sku !== "Standard" || inputs["publicIPAllocationMethod"] !== "Static") return { notPriced: `${String(sku)} ${String(inputs["publicIPAllocationMethod"])} public IP: no price in the table` };
    return { fixed: [{ item: "static Standard IPv4", quantity: `${HOURS_PER_MONTH} h`, monthly: HOURS_PER_MONTH * p["publicIp.standardStatic.hour"]!.value, prices: ["publicIp.standardStatic.hour"] }] };
  },
  // Consumption plan: replicas are billed per second for the vCPU and memory allocated while they run, at the active
  // rate by default (https://learn.microsoft.com/azure/container-apps/billing). minReplicas run all month; an idle
  // replica may be billed at the lower idle rate, which this estimate does not assume (the worker polls, the tunnel
  // holds a connection, the server serves them: none is reliably idle). The monthly free grant is not subtracted.
  "azure-native:app:ContainerApp": (inputs, p) => {
    if (!consumptionProfile(inputs)) return { notPriced: `workload profile ${String(inputs["workloadProfileName"])}: only the Consumption plan is in the price table` };
    const template = record(inputs["template"]);
    const scale = record(template["scale"]);
    const min = Number(scale["minReplicas"] ?? 0);
    const max = Number(scale["maxReplicas"] ?? 10);
    const { cpu, memory } = replicaSize(template);
    const perSecond = cpu * p["containerApps.vcpuActive.second"]!.value + memory * p["containerApps.memoryActive.gibSecond"]!.value;
    const ids: PriceId[] = ["containerApps.vcpuActive.second", "containerApps.memoryActive.gibSecond"];
    const out: Priced = {
      rates: [
        { item: `replica-hour above the minimum (up to ${max})`, rate: `${unitUsd(perSecond * 3600)} per replica-hour`, prices: ids, note: `${cpu} vCPU, ${memory} GiB per replica` },
        { item: "HTTP requests", rate: rateText(p, "containerApps.requests.million"), prices: ["containerApps.requests.million"] },
      ],
    };
    if (min > 0) out.fixed = [{ item: `minimum replicas running (${cpu} vCPU, ${memory} GiB each)`, quantity: `${min} x ${HOURS_PER_MONTH} h`, monthly: min * perSecond * SECONDS_PER_MONTH, prices: ids }];
    return out;
  },
  // Jobs are billed like apps while an execution's replicas run (same billing page, "Jobs").
  "azure-native:app:Job": (inputs, p) => {
    const template = record(inputs["template"]);
    const { cpu, memory } = replicaSize(template);
    const perMinute = (cpu * p["containerApps.vcpuActive.second"]!.value + memory * p["containerApps.memoryActive.gibSecond"]!.value) * 60;
    const cron = record(record(inputs["configuration"])["scheduleTriggerConfig"])["cronExpression"];
    const runs = typeof cron === "string" ? cronRunsPerMonth(cron) : undefined;
    return {
      rates: [
        {
          item: "execution time",
          rate: `${unitUsd(perMinute)} per execution-minute`,
          prices: ["containerApps.vcpuActive.second", "containerApps.memoryActive.gibSecond"],
          note: `${cpu} vCPU, ${memory} GiB${runs ? `; schedule ${String(cron)} = ~${runs} executions/month` : ""}`,
        },
      ],
    };
  },
  "azure-native:app:ManagedEnvironment": (inputs) => {
    const profiles = (inputs["workloadProfiles"] as { workloadProfileType?: string }[] | undefined) ?? [];
    const dedicated = profiles.filter((w) => w.workloadProfileType !== "Consumption");
    // Only Dedicated workload profiles carry the environment's plan-management charge (billing page, "Dedicated plan").
    return dedicated.length ? { notPriced: `Dedicated workload profiles (${dedicated.map((d) => d.workloadProfileType).join(", ")}): not in the price table` } : {};
  },
  // Compute per hour by SKU, storage per provisioned GB-month. High availability runs a standby of the same SKU and
  // storage, billed like the primary (https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-high-availability).
  // Backup storage up to the provisioned size is included (https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-backup-restore).
  "azure-native:dbforpostgresql:Server": (inputs, p) => {
    const sku = String(record(inputs["sku"])["name"] ?? "");
    const computeId = `postgres.compute.${sku}.hour`;
    if (!(computeId in p)) return { notPriced: `PostgreSQL flexible server SKU ${sku}: no price in the table` };
    const mode = record(inputs["highAvailability"])["mode"];
    const nodes = mode && mode !== "Disabled" ? 2 : 1;
    const gb = Number(record(inputs["storage"])["storageSizeGB"] ?? 32);
    const geo = record(inputs["backup"])["geoRedundantBackup"] === "Enabled";
    return {
      fixed: [
        { item: `compute ${sku}${nodes > 1 ? ` + ${String(mode)} standby` : ""}`, quantity: `${nodes} x ${HOURS_PER_MONTH} h`, monthly: nodes * HOURS_PER_MONTH * p[computeId]!.value, prices: [computeId as PriceId] },
        { item: "provisioned storage", quantity: `${nodes} x ${gb} GB`, monthly: nodes * gb * p["postgres.storage.gbMonth"]!.value, prices: ["postgres.storage.gbMonth"] },
      ],
      rates: [{ item: `backup storage beyond ${gb} GB${geo ? " (geo-redundant)" : ""}`, prices: [], note: "included up to the provisioned size; beyond it no price in the table" }],
    };
  },
  "azure-native:operationalinsights:Workspace": (inputs, p) => {
    const quota = Number(record(inputs["workspaceCapping"])["dailyQuotaGb"] ?? -1);
    const retention = Number(inputs["retentionInDays"] ?? 30);
    const ingestion = p["logAnalytics.ingestion.gb"]!.value;
    const rates: Priced["rates"] = [
      {
        item: "data ingested",
        rate: rateText(p, "logAnalytics.ingestion.gb"),
        prices: ["logAnalytics.ingestion.gb"],
        note: quota > 0 ? `daily cap ${quota} GB: at most ${usd(quota * (HOURS_PER_MONTH / 24) * ingestion)}/month` : "no daily cap",
      },
    ];
    if (retention > 31) rates.push({ item: `retention days 32-${retention}`, rate: rateText(p, "logAnalytics.retention.gbMonth"), prices: ["logAnalytics.retention.gbMonth"] });
    return { rates };
  },
  "azure-native:keyvault:Vault": (inputs, p) => {
    const sku = record(record(inputs["properties"])["sku"])["name"];
    if (sku !== "standard") return { notPriced: `Key Vault ${String(sku)}: no price in the table` };
    return { rates: [{ item: "operations", rate: rateText(p, "keyVault.standard.operations10k"), prices: ["keyVault.standard.operations10k"] }] };
  },
  "azure-native:storage:StorageAccount": (inputs, p) => {
    const sku = String(record(inputs["sku"])["name"] ?? "").replace(/^Standard_/, "");
    const tier = String(inputs["accessTier"] ?? "Hot").toLowerCase();
    const id = `storage.${tier}.${sku}.gbMonth`;
    return id in p
      ? { rates: [{ item: `data stored (${tier} ${sku})`, rate: rateText(p, id as PriceId), prices: [id as PriceId] }] }
      : { rates: [{ item: `data stored (${tier} ${sku})`, prices: [], note: "no price in the table for this redundancy" }] };
  },
  "azure-native:synapse:Workspace": (_inputs, p) => ({
    rates: [{ item: "serverless SQL data processed", rate: rateText(p, "synapse.serverless.tb"), prices: ["synapse.serverless.tb"] }],
  }),
  // A dedicated SQL pool bills per hour while it is not paused; present in the graph = provisioned and running.
  "azure-native:synapse:SqlPool": (inputs, p) => {
    const sku = String(record(inputs["sku"])["name"] ?? "");
    const id = `synapse.dedicated.${sku}.hour`;
    if (!(id in p)) return { notPriced: `dedicated SQL pool ${sku}: no price in the table` };
    return { fixed: [{ item: `dedicated SQL pool ${sku}`, quantity: `${HOURS_PER_MONTH} h`, monthly: HOURS_PER_MONTH * p[id]!.value, prices: [id as PriceId] }] };
  },
  // Spark pools auto-pause: usage only. Node vCores: Small 4, Medium 8, Large 16 (https://learn.microsoft.com/azure/synapse-analytics/spark/apache-spark-pool-configurations).
  "azure-native:synapse:BigDataPool": (inputs, p) => {
    const vcores = ({ Small: 4, Medium: 8, Large: 16 } as Record<string, number>)[String(inputs["nodeSize"])] ?? Number.NaN;
    const max = Number(record(inputs["autoScale"])["maxNodeCount"] ?? inputs["nodeCount"] ?? 3);
    return { rates: [{ item: `Spark node-hour (${String(inputs["nodeSize"])}, up to ${max} nodes)`, rate: rateText(p, "synapse.spark.memoryOptimized.vcoreHour", vcores, "node-hour"), prices: ["synapse.spark.memoryOptimized.vcoreHour"] }] };
  },
  "azure-native:datafactory:Factory": (_inputs, p) => ({
    rates: [{ item: "pipeline activity runs", rate: rateText(p, "dataFactory.orchestration.activityRuns1000"), prices: ["dataFactory.orchestration.activityRuns1000"] }],
  }),
  "azure-native:datafactory:IntegrationRuntime": () => ({
    rates: [{ item: "data movement (DIU-hours) and managed-VNet runtime hours", prices: [], note: "no price in the table" }],
  }),
  "cloudflare:index/workersScript:WorkersScript": (_inputs, p) => ({
    rates: [
      { item: "requests beyond the 10M/month included", rate: rateText(p, "cloudflareWorkers.requests.million"), prices: ["cloudflareWorkers.requests.million"] },
      { item: "Workers Paid plan (per account, shared by stacks)", rate: rateText(p, "cloudflareWorkers.paidPlan.month", 1, "account-month"), prices: ["cloudflareWorkers.paidPlan.month"] },
    ],
  }),
};

/** Billed types with no figure in the table and why; they are listed as not priced. */
const KNOWN_UNPRICED: Readonly<Record<string, string>> = {
  "azure-native:privatedns:VirtualNetworkLink": "Azure DNS private zone virtual network link: billing not established offline",
  "azure-native:dataprotection:BackupInstance": "Azure Backup protected instance fee + vault storage: no figure found offline",
  "azure-native:datafactory:ManagedPrivateEndpoint": "Data Factory managed private endpoint: billing not established offline",
  "azure-native:synapse:PrivateLinkHub": "Synapse private link hub: billing not established offline",
  "azure-native:resources:Resource": "generic ARM resource: its type decides; not in the price table",
  "cloudflare:index/connectivityDirectoryService:ConnectivityDirectoryService": "Cloudflare Workers VPC service: billing not established offline",
};

/**
 * The component of each resource: its ancestor directly under the DataPlatform component, named without the
 * platform's name prefix ("dataplatform-prod-network" → "network"). One pass over the resources, parents memoised.
 */
export function componentOf(graph: Pick<Graph, "resources">): Map<string, string> {
  const byUrn = new Map(graph.resources.map((r) => [r.urn, r]));
  const memo = new Map<string, string>();
  const resolve = (r: GraphResource): string => {
    const known = memo.get(r.urn);
    if (known !== undefined) return known;
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    let component: string;
    if (r.type === PLATFORM_TYPE) component = OUTSIDE;
    else if (!parent) component = OUTSIDE;
    else if (parent.type === PLATFORM_TYPE) component = r.name.startsWith(`${parent.name}-`) ? r.name.slice(parent.name.length + 1) : r.name;
    else component = resolve(parent);
    memo.set(r.urn, component);
    return component;
  };
  for (const r of graph.resources) resolve(r);
  return memo;
}

/** The monthly cost estimate of one graph. `prices` defaults to contracts/prices.ts (tests pass their own). */
export function estimateCost(graph: Graph, prices: PriceTable = PRICES): CostEstimate {
  const components = componentOf(graph);
  const fixed: FixedItem[] = [];
  const rates: RateItem[] = [];
  const notPriced: NotPricedItem[] = [];
  const used = new Set<string>();
  for (const r of graph.resources) {
    if (!r.custom) continue;
    const component = components.get(r.urn) ?? OUTSIDE;
    const where = { component, resource: r.name, type: r.type };
    const rule = RULES[r.type];
    if (rule) {
      const priced = rule(r.inputs, prices);
      for (const f of priced.fixed ?? []) {
        fixed.push({ ...where, ...f });
        f.prices.forEach((id) => used.add(id));
      }
      for (const rate of priced.rates ?? []) {
        rates.push({ ...where, ...rate });
        rate.prices.forEach((id) => used.add(id));
      }
      if (priced.notPriced) notPriced.push({ ...where, reason: priced.notPriced });
      continue;
    }
    if (FREE_TYPES[r.type] || FREE_PROVIDERS[r.type.split(":")[0]!]) continue;
    notPriced.push({ ...where, reason: KNOWN_UNPRICED[r.type] ?? "resource type not in the price table (tools/insight/cost.ts)" });
  }
  const totals = new Map<string, number>();
  for (const f of fixed) totals.set(f.component, (totals.get(f.component) ?? 0) + f.monthly);
  const byComponent = [...totals].map(([component, monthly]) => ({ component, monthly })).sort((a, b) => b.monthly - a.monthly || a.component.localeCompare(b.component));
  const region = stackRegion(graph);
  const otherRegion = [...used].filter((id) => {
    const price = prices[id];
    return price && price.region !== "global" && price.region !== region;
  }).sort() as PriceId[];
  return { stack: graph.stack, region, fixed, rates, notPriced, byComponent, total: byComponent.reduce((s, c) => s + c.monthly, 0), otherRegion };
}

function stackRegion(graph: Graph): string {
  const counts = new Map<string, number>();
  for (const r of graph.resources) {
    const location = r.inputs["location"];
    if (typeof location === "string" && location !== "global") counts.set(location, (counts.get(location) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? PRICE_REGION;
}

function groupNotPriced(items: NotPricedItem[]): string[] {
  const groups = new Map<string, { reason: string; count: number; components: Set<string> }>();
  for (const i of items) {
    const key = `${i.type}\0${i.reason}`;
    const g = groups.get(key) ?? { reason: i.reason, count: 0, components: new Set<string>() };
    g.count++;
    g.components.add(i.component);
    groups.set(key, g);
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([key, g]) => `- ${key.split("\0")[0]} x${g.count} (${[...g.components].sort().join(", ")}): ${g.reason}`);
}

/** The plan's "Monthly cost estimate" section (Markdown). */
export function renderCost(estimate: CostEstimate, heading = "##"): string[] {
  const out: string[] = [`${heading} Monthly cost estimate`, ""];
  out.push(
    `List prices in USD from contracts/prices.ts (taken ${PRICES_TAKEN}, not from the live API: see its header); ${HOURS_PER_MONTH} h/month; no free grants, reservations or discounts. Region ${estimate.region}.`,
    "",
  );
  out.push("| component | fixed per month |", "|---|---:|");
  for (const c of estimate.byComponent) out.push(`| ${c.component} | ${usd(c.monthly)} |`);
  out.push(`| **total** | **${usd(estimate.total)}** |`, "");
  out.push("Fixed items:", "", "| component | resource | item | quantity | per month |", "|---|---|---|---|---:|");
  for (const f of [...estimate.fixed].sort((a, b) => a.component.localeCompare(b.component) || b.monthly - a.monthly)) {
    out.push(`| ${f.component} | ${f.resource} | ${f.item} | ${f.quantity} | ${usd(f.monthly)} |`);
  }
  out.push("", "Usage-priced (rates, not in the total):", "");
  for (const r of [...estimate.rates].sort((a, b) => a.component.localeCompare(b.component) || a.resource.localeCompare(b.resource))) {
    out.push(`- ${r.component} / ${r.resource}: ${r.item}: ${r.rate ?? "not priced"}${r.note ? ` (${r.note})` : ""}`);
  }
  out.push("", "Not priced (billed resource types with no price in the table, not counted as zero):", "");
  out.push(...(estimate.notPriced.length ? groupNotPriced(estimate.notPriced) : ["- none"]));
  if (estimate.otherRegion.length) {
    out.push("", `Prices taken for another region than ${estimate.region} (refresh with tools/insight/refresh-prices.ts):`, "");
    for (const id of estimate.otherRegion) out.push(`- ${id}: ${PRICES[id]?.region ?? "?"}`);
  }
  return out;
}

export interface CostDelta {
  components: { component: string; base: number; head: number; delta: number }[];
  base: number;
  head: number;
  delta: number;
  /** Not-priced resources in the head that the base did not have (a change the delta cannot show in dollars). */
  newNotPriced: NotPricedItem[];
  newRates: RateItem[];
}

/** Fixed monthly cost per component of base and head, and what the head adds that has no dollar figure. */
export function costDelta(base: CostEstimate, head: CostEstimate): CostDelta {
  const names = new Set([...base.byComponent, ...head.byComponent].map((c) => c.component));
  const of = (e: CostEstimate, name: string) => e.byComponent.find((c) => c.component === name)?.monthly ?? 0;
  const components = [...names]
    .map((component) => ({ component, base: of(base, component), head: of(head, component), delta: of(head, component) - of(base, component) }))
    .filter((c) => Math.abs(c.delta) >= 0.005)
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.component.localeCompare(b.component));
  const key = (i: { resource: string; type: string }) => `${i.type}\0${i.resource}`;
  const baseNotPriced = new Set(base.notPriced.map(key));
  const baseRates = new Set(base.rates.map((r) => `${key(r)}\0${r.item}`));
  return {
    components,
    base: base.total,
    head: head.total,
    delta: head.total - base.total,
    newNotPriced: head.notPriced.filter((i) => !baseNotPriced.has(key(i))),
    newRates: head.rates.filter((r) => !baseRates.has(`${key(r)}\0${r.item}`)),
  };
}

function signed(value: number): string {
  return `${value > 0 ? "+" : value < 0 ? "-" : "±"}${usd(Math.abs(value))}`;
}

/** The pull-request report's cost section (Markdown). */
export function renderCostDelta(delta: CostDelta, heading = "###"): string[] {
  const out: string[] = [`${heading} Monthly cost change`, ""];
  out.push(`Fixed monthly cost: ${usd(delta.base)} → ${usd(delta.head)} (**${signed(delta.delta)}**), list prices from contracts/prices.ts (taken ${PRICES_TAKEN}).`, "");
  if (delta.components.length) {
    out.push("| component | base | head | change |", "|---|---:|---:|---:|");
    for (const c of delta.components) out.push(`| ${c.component} | ${usd(c.base)} | ${usd(c.head)} | ${signed(c.delta)} |`);
    out.push("");
  } else out.push("No component's fixed monthly cost changes.", "");
  if (delta.newRates.length) {
    out.push("New usage-priced items:", "");
    for (const r of delta.newRates) out.push(`- ${r.component} / ${r.resource}: ${r.item}: ${r.rate ?? "not priced"}`);
    out.push("");
  }
  if (delta.newNotPriced.length) {
    out.push("New resources with no price in the table (their cost is not in the change above):", "");
    out.push(...groupNotPriced(delta.newNotPriced), "");
  }
  return out;
}
