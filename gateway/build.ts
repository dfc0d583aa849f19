import { build } from "esbuild";
import { join } from "node:path";
import { GATEWAY_BUNDLE_PATH } from "../contracts/gateway-bundle";

/** Bundles the Worker into ONE ES module, `gateway/dist/worker.js`, the file the Gateway component deploys. */
const here = __dirname;

export const WORKER_BUNDLE = join(here, "..", GATEWAY_BUNDLE_PATH);

export async function buildGateway(): Promise<void> {
  await build({
    entryPoints: [join(here, "src", "index.ts")],
    outfile: WORKER_BUNDLE,
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    minify: false,
    sourcemap: false,
    legalComments: "none",
    logLevel: "warning",
  });
}

if (require.main === module) {
  buildGateway().then(
    () => console.log(`built ${WORKER_BUNDLE}`),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
