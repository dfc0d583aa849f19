import { asArray, get, is } from "../props";
import { resourceRule } from "../rule";
import { T } from "../../contracts/resource-types";

export const backupVaultProtection = resourceRule({
  name: "backupvault-immutable-soft-delete",
  description:
    "Backup vaults have immutability and soft delete on. prod: immutability Locked and soft delete AlwaysOn (irreversible). dev and test exception: Unlocked / On are allowed so a disposable environment can still be torn down.",
  severity: "high",
  benchmarks: { mcsb: ["BR-2"], psrule: ["Azure.BV.Immutable"] },
  remediationSteps: "Set properties.securitySettings.immutabilitySettings.state and softDeleteSettings.state per environment (dataplatform:backup).",
  types: [T.backupVault],
  check(props, ctx, report) {
    const immutability = get(props, "properties.securitySettings.immutabilitySettings.state");
    const softDelete = get(props, "properties.securitySettings.softDeleteSettings.state");
    const prod = ctx.env === "prod";
    const okImmutability = prod ? is(immutability, "Locked") : is(immutability, "Locked") || is(immutability, "Unlocked");
    const okSoftDelete = prod ? is(softDelete, "AlwaysOn") : is(softDelete, "AlwaysOn") || is(softDelete, "On");
    if (!okImmutability) report(`immutability is ${JSON.stringify(immutability)}; ${prod ? "Locked" : "Unlocked or Locked"} required in ${ctx.env}`);
    if (!okSoftDelete) report(`soft delete is ${JSON.stringify(softDelete)}; ${prod ? "AlwaysOn" : "On or AlwaysOn"} required in ${ctx.env}`);
  },
});

export const backupVaultGeo = resourceRule({
  name: "backupvault-prod-geo-redundant",
  description:
    "prod backup vaults store backups geo-redundantly with cross-region restore enabled. dev and test exception: LocallyRedundant is allowed (docs/environments.md).",
  severity: "high",
  benchmarks: { mcsb: ["BR-1"] },
  remediationSteps: "Set properties.storageSettings[].type: \"GeoRedundant\" and featureSettings.crossRegionRestoreSettings.state: \"Enabled\".",
  types: [T.backupVault],
  check(props, ctx, report) {
    if (ctx.env !== "prod") return;
    const settings = asArray(get(props, "properties.storageSettings"));
    if (settings.length === 0 || !settings.every((s) => is(get(s, "type"), "GeoRedundant"))) report("prod vault storage is not GeoRedundant");
    if (!is(get(props, "properties.featureSettings.crossRegionRestoreSettings.state"), "Enabled")) report("prod vault has no cross-region restore");
  },
});
