import * as pulumi from "@pulumi/pulumi";
import { statSync } from "node:fs";
import { relative } from "node:path";
import { GATEWAY_BUNDLE } from "../components/gateway";

/**
 * Files the program deploys but does not build. Checked before any resource is registered: the Gateway component
 * reads its bundle only after most of the platform is registered, and a `pulumi up` would already have created those
 * resources before failing.
 */
export function assertPrerequisites(gatewayBundle: string = GATEWAY_BUNDLE): void {
  let size: number | undefined;
  try {
    size = statSync(gatewayBundle).size;
  } catch {
    size = undefined;
  }
  if (size) return;
  const shown = relative(process.cwd(), gatewayBundle) || gatewayBundle;
  // RunError: Pulumi prints the message alone, without a stack trace.
  throw new pulumi.RunError(
    `the gateway Worker bundle ${shown} is ${size === undefined ? "missing" : "empty"}: run \`npm run build:gateway\` first (\`npm run plan\` does it for you)`,
  );
}
