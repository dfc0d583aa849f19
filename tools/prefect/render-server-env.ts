/**
 * Prints what the Prefect server container of a stack runs, as the stack renders it (the program evaluated under the
 * graph harness's mocks, tools/graph): image, command, args, env (plain values; secret references by name) and probes.
 *
 *   tsx tools/prefect/render-server-env.ts [stack=dev] [out.json]
 *
 * scripts/test-flows writes it to a file and hands the path to pytest (DATAPLATFORM_RENDERED_SERVER), whose Prefect
 * server starts with exactly this environment except for what only Azure has (flows/tests/conftest.py says which).
 * `workerRuntime` is what prefectRuntime("worker") gives every worker container (image, bootstrap, requirement list,
 * flows package), for the test that unpacks and imports the flows package as a worker does.
 */
import { writeFileSync } from "node:fs";
import { prefectRuntime } from "../../components/orchestrator/images";
import { listStacks, stackGraph, type GraphResource } from "../graph";

export interface RenderedServer {
  readonly stack: string;
  readonly app: string;
  readonly image: string;
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly env: readonly { readonly name: string; readonly value?: string; readonly secretRef?: string }[];
  readonly probes: readonly Record<string, unknown>[];
}

type Props = Record<string, unknown>;

/** The one container app whose container runs `prefect server start`. */
export function renderServer(stack: string, resources: readonly GraphResource[]): RenderedServer {
  const found: { app: GraphResource; container: Props }[] = [];
  for (const app of resources.filter((r) => r.type === "azure-native:app:ContainerApp")) {
    for (const container of ((app.inputs["template"] as Props | undefined)?.["containers"] ?? []) as Props[]) {
      if (((container["args"] ?? []) as string[]).join(" ").includes("prefect server start")) found.push({ app, container });
    }
  }
  if (found.length !== 1) throw new Error(`stack ${stack}: expected one Prefect server container, found ${found.length}`);
  const { app, container } = found[0]!;
  return {
    stack,
    app: app.name,
    image: String(container["image"]),
    command: (container["command"] ?? []) as string[],
    args: (container["args"] ?? []) as string[],
    env: ((container["env"] ?? []) as Props[]).map((e) =>
      e["secretRef"] !== undefined ? { name: String(e["name"]), secretRef: String(e["secretRef"]) } : { name: String(e["name"]), value: String(e["value"]) },
    ),
    probes: (container["probes"] ?? []) as Props[],
  };
}

async function main(): Promise<void> {
  const [stack = "dev", out] = process.argv.slice(2);
  if (!listStacks().includes(stack)) throw new Error(`no stack "${stack}" (stacks: ${listStacks().join(", ")})`);
  const graph = await stackGraph(stack);
  const text = `${JSON.stringify({ ...renderServer(stack, graph.resources), workerRuntime: prefectRuntime("worker") }, null, 2)}\n`;
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`render-server-env: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
