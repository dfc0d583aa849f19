import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT, stackGraph } from "./graph";
import { BOOTSTRAP_PROJECT, BOOTSTRAP_STACK } from "./plan/deploy-rights";
import { renderReadme } from "./rights/readme";

/** `npm run docs:rights`: rewrites the README's generated deploy-rights sections from the model. */
async function main(): Promise<void> {
  const file = join(PROJECT_ROOT, "README.md");
  const bootstrap = await stackGraph(BOOTSTRAP_STACK, { project: BOOTSTRAP_PROJECT });
  writeFileSync(file, renderReadme(readFileSync(file, "utf8"), bootstrap));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
