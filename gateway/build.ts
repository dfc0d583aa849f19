import { build, type BuildOptions } from "esbuild";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { GATEWAY_BUNDLE_PATH } from "../contracts/gateway-bundle";

/** Bundles the Worker into ONE ES module, `gateway/dist/worker.js`, the file the Gateway component deploys. */
const here = __dirname;

export const WORKER_BUNDLE = join(here, "..", GATEWAY_BUNDLE_PATH);

/** How any Worker module is bundled for workerd (the gateway here, the benchmark's reference gateway too): one ES module. */
export const WORKER_BUILD_OPTIONS = {
  write: false,
  bundle: true,
  format: "esm",
  platform: "browser",
  conditions: ["workerd", "worker", "browser"],
  target: "es2022",
  logLevel: "warning",
} as const satisfies BuildOptions;

/**
 * Rewrites the bundle only when it changed, and then by rename: `npm run plan` builds on every run, and a concurrent
 * evaluation (parallel tests, a second plan) must never read a half-written or truncated bundle.
 */
export async function buildGateway(): Promise<void> {
  const result = await build({
    entryPoints: [join(here, "src", "index.ts")],
    outfile: WORKER_BUNDLE,
    ...WORKER_BUILD_OPTIONS,
    minify: false,
    sourcemap: false,
    legalComments: "none",
  });
  const [output] = result.outputFiles;
  if (!output || result.outputFiles.length !== 1) throw new Error(`esbuild produced ${result.outputFiles.length} files, expected only ${WORKER_BUNDLE}`);
  if (unchanged(output.contents)) return;
  mkdirSync(dirname(WORKER_BUNDLE), { recursive: true });
  const staging = `${WORKER_BUNDLE}.${process.pid}.tmp`;
  writeFileSync(staging, output.contents);
  renameSync(staging, WORKER_BUNDLE);
}

function unchanged(contents: Uint8Array): boolean {
  try {
    return Buffer.from(contents).equals(readFileSync(WORKER_BUNDLE));
  } catch {
    return false;
  }
}

if (require.main === module) {
  // stderr: `npm run plan -- <stack> --json | jq` builds first, and its stdout must carry only the plan.
  buildGateway().then(
    () => console.error(`built ${WORKER_BUNDLE}`),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
