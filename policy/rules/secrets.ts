import { asArray, get, isSecretPath, knownEntries, type Props } from "../props";
import { resourceRule, type ResourceRuleContext } from "../rule";
import { T } from "../../contracts/resource-types";

/** Input keys that carry credentials whatever the resource. */
const CREDENTIAL_KEY = /(password|secret|secretvalue|connectionstring|apikey|accesskey|authstring|token|privatekey)$/i;
/** Keys that name or point to a secret rather than hold it. */
const REFERENCE_KEY = /(name|names|url|uri|id|ids|ref|type|version|path|enabled|expiry|expires)$/i;
/** Environment variable / binding names that hold credentials. */
const CREDENTIAL_NAME = /(password|secret|token|api[_-]?key|auth[_-]?string|connection[_-]?string|private[_-]?key|credential)/i;

/**
 * A value must be a Pulumi secret. Under the real engine secretness is not visible (secrets arrive unwrapped), so
 * there the check is structural only; the graph runner supplies the secret paths and checks them.
 */
function requireSecret(ctx: ResourceRuleContext, path: string, value: unknown, what: string, report: (m: string) => void): void {
  if (value === undefined || value === null || value === "") return;
  if (ctx.secretPaths && !isSecretPath(ctx.secretPaths, path)) report(`${what} (${path}) is plaintext: wrap it in pulumi.secret() or reference Key Vault`);
}

function walkCredentialKeys(value: unknown, path: string, visit: (path: string, value: unknown) => void): void {
  if (value && typeof value === "object") {
    // Arrays too: their indices are keys, and an element may be unknown during preview.
    for (const [key, child] of knownEntries(value)) {
      if (Array.isArray(value)) {
        walkCredentialKeys(child, `${path}[${key}]`, visit);
        continue;
      }
      const childPath = path ? `${path}.${key}` : key;
      if (typeof child === "string" && CREDENTIAL_KEY.test(key) && !REFERENCE_KEY.test(key)) visit(childPath, child);
      else walkCredentialKeys(child, childPath, visit);
    }
  }
}

export const secretsNeverPlaintext = resourceRule({
  name: "secrets-never-plaintext",
  description:
    "Secrets never appear in plaintext: Key Vault secret values, Container App secrets (a Key Vault reference with an identity, or a Pulumi secret), container env vars that look like credentials (secretRef), Cloudflare Worker secret_text bindings and any credential-named input must be Pulumi secrets or Key Vault references; credential-like names are never plain_text bindings. Under `pulumi preview --policy-pack` the engine hides secretness, so there only the structural parts apply; the offline plan checks secretness from the captured graph.",
  severity: "critical",
  benchmarks: { mcsb: ["IM-8", "DP-6"] },
  remediationSteps: "Wrap values with pulumi.secret(), store them in Key Vault and reference them (keyVaultUrl + identity, secretRef), never as plain text.",
  types: "*",
  check(props, ctx, report) {
    const type = ctx.args.type;
    if (type === T.vaultSecret) requireSecret(ctx, "properties.value", get(props, "properties.value"), "Key Vault secret value", report);
    if (type === T.containerApp) checkContainerApp(props, ctx, report);
    if (type === T.workersScript) checkWorker(props, ctx, report);
    walkCredentialKeys(props, "", (path, value) => {
      if (type === T.vaultSecret && path === "properties.value") return;
      if (type === T.containerApp && /^configuration\.secrets\[/.test(path)) return;
      if (type === T.workersScript && /^bindings\[/.test(path)) return;
      requireSecret(ctx, path, value, "credential-named input", report);
    });
  },
});

function checkContainerApp(props: Props, ctx: ResourceRuleContext, report: (m: string) => void): void {
  asArray(get(props, "configuration.secrets")).forEach((secret, i) => {
    const path = `configuration.secrets[${i}]`;
    if (get(secret, "keyVaultUrl")) {
      if (!get(secret, "identity")) report(`${path} references Key Vault without an identity`);
      return;
    }
    if (get(secret, "value") === undefined) return;
    requireSecret(ctx, `${path}.value`, get(secret, "value"), `container app secret ${String(get(secret, "name"))}`, report);
  });
  const containers = [...asArray(get(props, "template.containers")), ...asArray(get(props, "template.initContainers"))];
  containers.forEach((container) => {
    for (const env of asArray(get(container, "env"))) {
      const name = String(get(env, "name") ?? "");
      if (CREDENTIAL_NAME.test(name) && get(env, "value") !== undefined && !get(env, "secretRef")) {
        report(`container ${String(get(container, "name"))} env ${name} is a plain value; use secretRef`);
      }
    }
  });
}

function checkWorker(props: Props, ctx: ResourceRuleContext, report: (m: string) => void): void {
  asArray(props["bindings"]).forEach((binding, i) => {
    const type = String(get(binding, "type") ?? "");
    const name = String(get(binding, "name") ?? "");
    if (type === "plain_text" && CREDENTIAL_NAME.test(name)) report(`Worker binding ${name} looks like a credential but is plain_text; use secret_text`);
    if (type === "secret_text") requireSecret(ctx, `bindings[${i}].text`, get(binding, "text"), `Worker secret ${name}`, report);
  });
}
