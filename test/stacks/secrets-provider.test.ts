import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { parse } from "yaml";
import { CI_SECRETS_KEYS } from "../../contracts/ci-access";
import type { Environment } from "../../contracts/environments";
import { listStacks, PROJECT_ROOT, stackGraph } from "../../tools/graph";

const stackFile = (stack: string) => parse(readFileSync(join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as Record<string, unknown>;

/**
 * Each stack file names its secrets provider (`secretsprovider:`), so CI never falls back to the passphrase provider.
 * Its `encryptedkey` is written by Pulumi when an admin runs `pulumi stack change-secrets-provider` against the real
 * vault (docs/identity-and-access.md "Bootstrap"); a made-up one would only fail at decrypt time, so none is faked here.
 */
describe("stack files carry their own environment's Key Vault secrets provider", () => {
  it("names azurekeyvault://<bootstrap vault>/keys/pulumi-secrets-<env> in every stack file, never the passphrase provider", async () => {
    const bootstrap = await stackGraph("org", { project: { dir: "bootstrap", main: "index.ts" } });
    const outputs = bootstrap.outputs["environments"] as Record<string, { secretsProvider: string }>;
    for (const stack of listStacks()) {
      const file = stackFile(stack);
      const provider = String(file["secretsprovider"] ?? "");
      assert.match(provider, /^azurekeyvault:\/\/[a-z0-9-]+\.vault\.azure\.net\/keys\/[a-z0-9-]+$/, `Pulumi.${stack}.yaml secretsprovider`);
      assert.ok(provider.endsWith(`/keys/${CI_SECRETS_KEYS[stack as Environment]}`), `Pulumi.${stack}.yaml names its own environment's key: ${provider}`);
      assert.equal(provider, outputs[stack]?.secretsProvider, `Pulumi.${stack}.yaml: the key bootstrap creates for ${stack}`);
      assert.equal(file["encryptionsalt"], undefined, `Pulumi.${stack}.yaml: encryptionsalt marks the passphrase provider`);
      if (file["encryptedkey"] !== undefined) assert.match(String(file["encryptedkey"]), /^[A-Za-z0-9+/=_-]{40,}$/, `Pulumi.${stack}.yaml encryptedkey`);
    }
  });
});
