/**
 * Where a rule comes from. IDs are the published ones, looked up, never invented:
 * - mcsb: Microsoft cloud security benchmark v1 control IDs. Where PSRule for Azure labels its rule with a control
 *   (`Azure.MCSB.v1/control`), that control is used; otherwise the control family the rule implements.
 * - psrule: PSRule for Azure rule names (https://azure.github.io/PSRule.Rules.Azure/en/rules/<name>/).
 * - checkov: checkov check IDs (https://www.checkov.io/5.Policy%20Index/all.html).
 */
export interface Benchmarks {
  mcsb?: string[];
  psrule?: string[];
  checkov?: string[];
}

/** The benchmark references as policy tags, e.g. `mcsb:NS-2`, `psrule:Azure.KeyVault.RBAC`, `checkov:CKV_AZURE_42`. */
export function benchmarkTags(b: Benchmarks): string[] {
  return [
    ...(b.mcsb ?? []).map((id) => `mcsb:${id}`),
    ...(b.psrule ?? []).map((id) => `psrule:${id}`),
    ...(b.checkov ?? []).map((id) => `checkov:${id}`),
  ];
}

export function benchmarkText(b: Benchmarks): string {
  const parts = [
    b.mcsb?.length ? `MCSB ${b.mcsb.join(", ")}` : "",
    b.psrule?.length ? `PSRule ${b.psrule.join(", ")}` : "",
    b.checkov?.length ? `checkov ${b.checkov.join(", ")}` : "",
  ].filter(Boolean);
  return parts.length ? ` [${parts.join("; ")}]` : "";
}
