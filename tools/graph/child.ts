import { readFileSync, writeFileSync } from "node:fs";
import { evaluateProgram } from "./evaluate";

/**
 * Child-process entry: evaluates one stack (options as JSON in argv[2], or `@<file>` holding that JSON) and writes the
 * result to argv[3].
 */
async function main(): Promise<void> {
  const [optionsJson, outFile] = process.argv.slice(2) as [string, string];
  const started = performance.now();
  const result = await evaluateProgram(JSON.parse(optionsJson.startsWith("@") ? readFileSync(optionsJson.slice(1), "utf8") : optionsJson));
  const cost = { evaluationMs: performance.now() - started, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  writeFileSync(outFile, JSON.stringify({ ...result, cost }));
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
