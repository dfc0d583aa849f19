import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { type CoreOutputs, locationOf } from "../core-outputs";
import { attachCrossCutting, type CrossCuttingArgs, type PlacementArgs, type PrivateEndpointPlacement } from "../cross-cutting";

export interface NetworkArgs extends PlacementArgs, Omit<CrossCuttingArgs, "privateEndpoints" | "lock" | "protect"> {
  readonly addressSpace: pulumi.Input<string>;
  readonly subnets: {
    /** Delegated to Microsoft.App/environments (workload-profiles environment, /27 or larger). */
    readonly containerApps: pulumi.Input<string>;
    readonly privateEndpoints: pulumi.Input<string>;
  };
  /** Private DNS zones to create and link, unless `existingZoneIds` already has the zone (bring your own). */
  readonly privateDnsZones: readonly string[];
  /** Zones that already exist (zone name → zone ID): linked, not created. Default: none, every zone is created. */
  readonly existingZoneIds?: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * The environment's VNet: a delegated subnet for Container Apps, a subnet for private endpoints, an NSG on each,
 * the private DNS zones (created and linked here, or brought from a hub) that private endpoints register in, and a NAT
 * gateway with a static public IP: the Container Apps subnet's only way out.
 */
export class Network extends pulumi.ComponentResource implements CoreOutputs {
  readonly virtualNetwork: azure.network.VirtualNetwork;
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;
  readonly containerAppsSubnet: azure.network.Subnet;
  readonly privateEndpointSubnet: azure.network.Subnet;
  /** The Container Apps subnet's explicit outbound path (its subnet has default outbound access off). */
  readonly natGateway: azure.network.NatGateway;
  /** The static public IP every outbound connection from the apps leaves from (for allowlists elsewhere). */
  readonly egressIp: azure.network.PublicIPAddress;
  readonly dnsZoneIds: Record<string, pulumi.Output<string>>;
  /** Pass as the `privateEndpoints` input of other components. */
  readonly privateEndpoints: PrivateEndpointPlacement;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:network:Network", name, {}, opts);
    const base = { resourceGroupName: args.resourceGroupName, location: args.location };

    this.virtualNetwork = new azure.network.VirtualNetwork(
      `${name}-vnet`,
      {
        ...base,
        virtualNetworkName: args.naming.name("virtualNetwork"),
        addressSpace: { addressPrefixes: [args.addressSpace] },
        tags: args.tags,
      },
      { parent: this },
    );
    this.id = this.virtualNetwork.id;
    this.name = this.virtualNetwork.name;
    this.location = locationOf(this.virtualNetwork, args.location);

    // Egress. The subnets are private (`defaultOutboundAccess: false`; Azure retires default outbound access for new
    // VNets — https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access), so without an
    // explicit method the apps reach nothing outside the VNet: not the image registry (docker.io), not PyPI (pinned
    // server packages), not Entra ID (login.microsoftonline.com, for the Postgres/Key Vault tokens the identities
    // fetch), not Cloudflare's edge (cloudflared). A workload-profiles environment supports egress through a NAT gateway
    // on its infrastructure subnet ("Workload profiles: supports ... egress through Azure NAT Gateway" —
    // https://learn.microsoft.com/azure/container-apps/networking). The subnet's NSG keeps Azure's default
    // AllowInternetOutBound rule (no deny rule is added here).
    this.egressIp = new azure.network.PublicIPAddress(
      `${name}-egress-ip`,
      {
        ...base,
        publicIpAddressName: args.naming.name("publicIp", "egress"),
        sku: { name: "Standard", tier: "Regional" },
        publicIPAllocationMethod: "Static",
        publicIPAddressVersion: "IPv4",
        tags: args.tags,
      },
      { parent: this },
    );
    this.natGateway = new azure.network.NatGateway(
      `${name}-nat`,
      {
        ...base,
        natGatewayName: args.naming.name("natGateway", "aca"),
        sku: { name: "Standard" },
        idleTimeoutInMinutes: 4,
        publicIpAddresses: [{ id: this.egressIp.id }],
        tags: args.tags,
      },
      { parent: this },
    );

    const acaNsg = this.nsg(name, args, "aca");
    const peNsg = this.nsg(name, args, "pe");

    this.containerAppsSubnet = new azure.network.Subnet(
      `${name}-snet-aca`,
      {
        resourceGroupName: args.resourceGroupName,
        virtualNetworkName: this.virtualNetwork.name,
        subnetName: args.naming.name("subnet", "aca"),
        addressPrefix: args.subnets.containerApps,
        networkSecurityGroup: { id: acaNsg.id },
        delegations: [{ name: "container-apps", serviceName: "Microsoft.App/environments" }],
        privateEndpointNetworkPolicies: "Enabled",
        defaultOutboundAccess: false,
        natGateway: { id: this.natGateway.id },
      },
      { parent: this },
    );
    this.privateEndpointSubnet = new azure.network.Subnet(
      `${name}-snet-pe`,
      {
        resourceGroupName: args.resourceGroupName,
        virtualNetworkName: this.virtualNetwork.name,
        subnetName: args.naming.name("subnet", "pe"),
        addressPrefix: args.subnets.privateEndpoints,
        networkSecurityGroup: { id: peNsg.id },
        // NSG rules and route tables apply to private endpoints too.
        privateEndpointNetworkPolicies: "Enabled",
        defaultOutboundAccess: false,
      },
      // Subnets of one VNet are updated one at a time by ARM: concurrent writes fail with AnotherOperationInProgress.
      { parent: this, dependsOn: [this.containerAppsSubnet] },
    );

    this.dnsZoneIds = {};
    for (const zone of args.privateDnsZones) {
      const existing = args.existingZoneIds?.[zone];
      this.dnsZoneIds[zone] = existing !== undefined ? pulumi.output(existing) : this.privateZone(name, args, zone);
    }
    this.privateEndpoints = { subnetId: this.privateEndpointSubnet.id, dnsZoneIds: this.dnsZoneIds };

    attachCrossCutting(this, name, args, {
      purpose: "vnet",
      id: this.virtualNetwork.id,
      diagnostics: { logs: "allLogs", metrics: true },
    }, args);

    this.registerOutputs({
      id: this.id,
      name: this.name,
      location: this.location,
      containerAppsSubnetId: this.containerAppsSubnet.id,
      egressIp: this.egressIp.ipAddress,
      privateEndpointSubnetId: this.privateEndpointSubnet.id,
    });
  }

  private nsg(name: string, args: NetworkArgs, purpose: string): azure.network.NetworkSecurityGroup {
    const nsg = new azure.network.NetworkSecurityGroup(
      `${name}-nsg-${purpose}`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        networkSecurityGroupName: args.naming.name("networkSecurityGroup", purpose),
        tags: args.tags,
      },
      { parent: this },
    );
    attachCrossCutting(this, name, args, {
      purpose: `nsg-${purpose}`,
      id: nsg.id,
      diagnostics: { logs: "allLogs", metrics: false },
    }, { diagnostics: args.diagnostics });
    return nsg;
  }

  private privateZone(name: string, args: NetworkArgs, zone: string): pulumi.Output<string> {
    const slug = zone.replace(/^privatelink\./, "").replace(/\./g, "-");
    const privateZone = new azure.privatedns.PrivateZone(
      `${name}-dns-${slug}`,
      { resourceGroupName: args.resourceGroupName, privateZoneName: zone, location: "global", tags: args.tags },
      { parent: this },
    );
    const link = new azure.privatedns.VirtualNetworkLink(
      `${name}-dns-${slug}-link`,
      {
        resourceGroupName: args.resourceGroupName,
        privateZoneName: privateZone.name,
        virtualNetworkLinkName: args.naming.name("privateDnsZoneLink", slug),
        location: "global",
        virtualNetwork: { id: this.virtualNetwork.id },
        registrationEnabled: false,
        tags: args.tags,
      },
      { parent: this },
    );
    // The zone's ID as an Output that also waits for its VNet link: a record written into the zone (private endpoint
    // DNS zone groups) resolves inside the VNet only once the zone is linked, so whoever waits for a zone group built
    // from this ID waits for the link too (fresh-deploy ordering, issue 9 i).
    return pulumi.all([privateZone.id, link.id]).apply(([id]) => id);
  }
}
