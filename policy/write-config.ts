import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { policyConfigFor } from "./config";
import { ENVIRONMENTS } from "../contracts/environments";

/** `npx tsx policy/write-config.ts`: regenerates policy/config/<env>.json after adding or renaming a policy. */
export function configFileText(environment: (typeof ENVIRONMENTS)[number]): string {
  return `${JSON.stringify(policyConfigFor(environment), null, 2)}\n`;
}

if (require.main === module) {
  for (const env of ENVIRONMENTS) writeFileSync(join(__dirname, "config", `${env}.json`), configFileText(env));
}
