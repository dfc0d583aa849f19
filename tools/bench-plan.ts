import { performance } from "node:perf_hooks";
import { evaluateStack, listStacks } from "./graph";
import { median } from "../lib/stats";

/**
 * `npm run bench:plan [-- --runs N]`: program-evaluation time per stack (median of N fresh runs), split into the
 * program itself (inside the child: config load → last registration) and the whole child process (Node + tsx start-up
 * + module loading), with peak memory and resource counts. Target: prod program evaluation ≤ 3 s on 2 cores.
 */
async function main(): Promise<void> {
  const runsArg = process.argv.indexOf("--runs");
  const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 5;
  const rows: string[] = [];
  rows.push("| stack | resources | program median (ms) | program max (ms) | process median (ms) | peak RSS (MB) |");
  rows.push("|---|---:|---:|---:|---:|---:|");
  for (const stack of listStacks()) {
    const program: number[] = [];
    const wall: number[] = [];
    let rss = 0;
    let resources = 0;
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const result = await evaluateStack(stack, { fresh: true });
      wall.push(performance.now() - started);
      if (!result.ok) throw new Error(`${stack} failed: ${result.failure.error}`);
      program.push(result.cost?.evaluationMs ?? Number.NaN);
      rss = Math.max(rss, result.cost?.maxRssMb ?? 0);
      resources = result.graph.resources.filter((r) => r.custom).length;
    }
    rows.push(
      `| ${stack} | ${resources} | ${median(program).toFixed(0)} | ${Math.max(...program).toFixed(0)} | ${median(wall).toFixed(0)} | ${rss.toFixed(0)} |`,
    );
  }
  process.stdout.write(`Program evaluation under mocks, ${runs} fresh runs per stack\n\n${rows.join("\n")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
