import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { listStacks, PROJECT_ROOT, stackGraph } from "./graph";
import { diagramModel, renderMermaid } from "./insight/diagram";
import { renderSvg } from "./insight/svg";

/**
 * `npm run docs:diagrams`: writes docs/diagrams/<stack>.svg and <stack>.mmd for every stack from its evaluated graph.
 * The SVG is laid out by tools/insight/svg.ts (no browser, deterministic), so test/tools/insight/diagram.test.ts can
 * fail when a committed picture no longer matches the program. `--check` only compares and exits 1 on drift.
 */
export const DIAGRAMS_DIR = join(PROJECT_ROOT, "docs", "diagrams");

export async function renderStackDiagrams(stack: string): Promise<{ svg: string; mermaid: string }> {
  const model = diagramModel(await stackGraph(stack));
  return { svg: renderSvg(model), mermaid: `${renderMermaid(model)}\n` };
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes("--check");
  mkdirSync(DIAGRAMS_DIR, { recursive: true });
  let drift = 0;
  for (const stack of listStacks()) {
    const { svg, mermaid } = await renderStackDiagrams(stack);
    for (const [file, text] of [[`${stack}.svg`, svg], [`${stack}.mmd`, mermaid]] as const) {
      const path = join(DIAGRAMS_DIR, file);
      let current: string | undefined;
      try {
        current = readFileSync(path, "utf8");
      } catch {
        current = undefined;
      }
      if (current === text) continue;
      if (check) {
        drift++;
        process.stderr.write(`docs/diagrams/${file} is out of date: run npm run docs:diagrams\n`);
      } else {
        writeFileSync(path, text);
        process.stdout.write(`wrote docs/diagrams/${file}\n`);
      }
    }
  }
  return drift ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
