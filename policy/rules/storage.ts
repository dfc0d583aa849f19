import { get, is } from "../props";
import { resourceRule } from "../rule";
import { T } from "../../contracts/resource-types";

export const storageSecureTransport = resourceRule({
  name: "storage-secure-transport",
  description: "Storage accounts accept HTTPS only (enableHttpsTrafficOnly=true) with TLS 1.2 at least.",
  severity: "high",
  benchmarks: { mcsb: ["DP-3"], psrule: ["Azure.Storage.SecureTransfer", "Azure.Storage.MinTLS"], checkov: ["CKV_AZURE_3", "CKV_AZURE_44"] },
  remediationSteps: "Set enableHttpsTrafficOnly: true and minimumTlsVersion: \"TLS1_2\".",
  types: [T.storageAccount],
  check(props, _ctx, report) {
    if (props["enableHttpsTrafficOnly"] !== true) report("enableHttpsTrafficOnly is not true");
    if (!is(props["minimumTlsVersion"], "TLS1_2") && !is(props["minimumTlsVersion"], "TLS1_3")) {
      report(`minimumTlsVersion is ${JSON.stringify(props["minimumTlsVersion"])}; TLS1_2 or later required`);
    }
  },
});

export const storageNoSharedKey = resourceRule({
  name: "storage-no-shared-key",
  description: "Storage accounts disable Shared Key (account key and SAS) authorization: only Entra identities get in.",
  severity: "high",
  benchmarks: { mcsb: ["IM-1"], psrule: ["Azure.Storage.LocalAuth"], checkov: ["CKV2_AZURE_40"] },
  remediationSteps: "Set allowSharedKeyAccess: false and grant Storage Blob Data roles instead.",
  types: [T.storageAccount],
  check(props, _ctx, report) {
    if (props["allowSharedKeyAccess"] !== false) report("allowSharedKeyAccess is not false");
  },
});

export const storageNoPublicAccess = resourceRule({
  name: "storage-no-public-access",
  description:
    "Storage is private: no anonymous blob access, publicNetworkAccess disabled, firewall default action Deny; containers have no public access level.",
  severity: "critical",
  benchmarks: {
    mcsb: ["NS-2"],
    psrule: ["Azure.Storage.BlobPublicAccess", "Azure.Storage.Firewall"],
    checkov: ["CKV_AZURE_190", "CKV_AZURE_59", "CKV_AZURE_35", "CKV_AZURE_34"],
  },
  remediationSteps: "Set allowBlobPublicAccess: false, publicNetworkAccess: \"Disabled\", networkRuleSet.defaultAction: \"Deny\"; containers publicAccess: \"None\".",
  types: [T.storageAccount, T.blobContainer],
  check(props, ctx, report) {
    if (ctx.args.type === T.blobContainer) {
      const access = props["publicAccess"];
      if (access !== undefined && !is(access, "None")) report(`container publicAccess is ${JSON.stringify(access)}; must be None`);
      return;
    }
    if (props["allowBlobPublicAccess"] !== false) report("allowBlobPublicAccess is not false");
    if (!is(props["publicNetworkAccess"], "Disabled")) report(`publicNetworkAccess is ${JSON.stringify(props["publicNetworkAccess"])}; must be Disabled`);
    if (!is(get(props, "networkRuleSet.defaultAction"), "Deny")) report("networkRuleSet.defaultAction is not Deny");
  },
});

export const storageLakeHns = resourceRule({
  name: "storage-lake-hierarchical-namespace",
  description:
    "Data lake accounts (account or resource name contains the configured lake marker, default \"lake\") are ADLS Gen2: hierarchical namespace on, StorageV2.",
  severity: "medium",
  benchmarks: {},
  remediationSteps: "Set isHnsEnabled: true and kind: \"StorageV2\" (HNS cannot be turned on in place later).",
  types: [T.storageAccount],
  config: { lakeMarker: { type: "string", default: "lake" } },
  check(props, ctx, report) {
    const marker = String(ctx.config["lakeMarker"]).toLowerCase();
    const isLake = String(props["accountName"] ?? "").toLowerCase().includes(marker) || ctx.args.name.toLowerCase().includes(marker);
    if (!isLake) return;
    if (props["isHnsEnabled"] !== true) report("lake account without hierarchical namespace (isHnsEnabled)");
    if (!is(props["kind"], "StorageV2")) report(`lake account kind is ${JSON.stringify(props["kind"])}; must be StorageV2`);
  },
});

const GEO_SKUS = ["Standard_GRS", "Standard_RAGRS", "Standard_GZRS", "Standard_RAGZRS"];

export const storageGeoRedundancy = resourceRule({
  name: "storage-geo-redundancy",
  description:
    "prod storage is geo-replicated (GRS/GZRS family). dev and test exception: LRS/ZRS are allowed there because those environments are disposable and their data is reproducible (docs/environments.md).",
  severity: "medium",
  benchmarks: { mcsb: ["BR-1"], psrule: ["Azure.Storage.UseReplication"], checkov: ["CKV_AZURE_206"] },
  remediationSteps: "Set dataplatform:storage.redundancy to GZRS (default in prod).",
  types: [T.storageAccount],
  check(props, ctx, report) {
    if (ctx.env !== "prod") return;
    const sku = String(get(props, "sku.name") ?? "");
    if (!GEO_SKUS.some((s) => s.toLowerCase() === sku.toLowerCase())) report(`prod storage SKU ${sku || "(none)"} is not geo-redundant`);
  },
});
