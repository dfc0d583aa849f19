import * as pulumi from "@pulumi/pulumi";
import { join } from "node:path";
import { MOCK_INVOKES, mockState } from "./mock-state";
import { stateKey } from "./round-trip";
import { unwrap } from "./secrets";
import { PROJECT_ROOT } from "./stack-config";
import type { EvaluationResult, Graph, GraphResource } from "./types";

export const PROGRAM_PATH = join(PROJECT_ROOT, "stacks", "index.ts");

export interface EvaluateOptions {
  project: string;
  stack: string;
  /** Flat `namespace:key` → string config, as `readStackConfig` returns it. */
  config: Record<string, string>;
  programPath?: string;
  /**
   * What the mocks answer for a custom resource, keyed by `stateKey(type, name)` (round-trip.ts): the state Azure
   * would return on refresh. Resources not in it get the usual mock state. Default: none.
   */
  state?: Record<string, { id?: string; outputs: Record<string, unknown> }>;
}

interface Request {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getRetainondelete?(): boolean;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(fn: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getDeletebeforereplace(): boolean;
  getAliasesList(): { getUrn(): string; getSpec(): { getName(): string; getType(): string; getParenturn(): string } | undefined }[];
  getAdditionalsecretoutputsList(): string[];
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface Response {
  getUrn(): string;
  getId(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
type Callback = (err: Error | null, response?: Response) => void;

/**
 * Runs the real program once, in this process, under `pulumi.runtime.setMocks`, and returns every registered
 * resource with its parent, dependencies and protect flag (which `Mocks.newResource` never sees: they are read from the
 * resource monitor's requests). One evaluation per process: the program module is loaded once.
 */
export async function evaluateProgram(options: EvaluateOptions): Promise<EvaluationResult> {
  const resources: GraphResource[] = [];
  const invokes: Graph["invokes"] = [];
  const errors: string[] = [];
  let stackOutputs: Record<string, unknown> = {};
  let secretOutputs: string[] = [];

  pulumi.runtime.setAllConfig(options.config);
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        if (!args.custom) return { id: undefined, state: {} };
        // Always built: some mock states have side effects the mocked reads rely on (mock-private-link.ts).
        const mocked = mockState(args.type, args.name, args.inputs);
        const known = options.state?.[stateKey(args.type, args.name)];
        return known ? { id: known.id ?? mocked.id, state: known.outputs } : mocked;
      },
      call(args) {
        invokes.push({ token: args.token, inputs: args.inputs });
        const handler = MOCK_INVOKES[args.token];
        if (handler) return handler(args.inputs);
        // Recorded as well as thrown: a failed invoke whose result feeds a resource rejects an Output nobody awaits,
        // so the resource is silently never registered and the program would otherwise "succeed" without it.
        const message = `unmocked invoke ${args.token}: add it to tools/graph/mock-state.ts`;
        errors.push(message);
        throw new Error(message);
      },
    },
    options.project,
    options.stack,
    false,
  );

  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: Request, cb: Callback): void;
    registerResourceOutputs(req: { getUrn(): string; getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined }, cb: Callback): void;
  };
  const registerResource = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    registerResource(req, (err, response) => {
      if (!err && response) resources.push(capture(req, response));
      callback(err, response);
    });
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, callback) => {
    if (req.getUrn().includes("::pulumi:pulumi:Stack::")) {
      const unwrapped = unwrap(req.getOutputs()?.toJavaScript() ?? {});
      stackOutputs = unwrapped.value as Record<string, unknown>;
      secretOutputs = unwrapped.secretPaths;
    }
    registerOutputs(req, callback);
  };

  const warnings: string[] = [];
  const logWarn = pulumi.log.warn;
  (pulumi.log as { warn: typeof pulumi.log.warn }).warn = async (message: string) => {
    warnings.push(message);
  };
  const logError = pulumi.log.error;
  (pulumi.log as { error: typeof pulumi.log.error }).error = async (message: string) => {
    errors.push(message);
  };
  const onRejection = (reason: unknown) => errors.push(reason instanceof Error ? reason.message : String(reason));
  process.on("unhandledRejection", onRejection);

  // Pulumi records `new Error().stack` for every promise it creates (@pulumi/pulumi runtime/debuggable.js,
  // debuggablePromise), and with tsx's source maps on each of those stacks is source-mapped on the spot: a third of the
  // evaluation on this machine (npm run bench:scale, a CPU profile of tools/graph/child.ts). Off while the program runs;
  // restored after, so errors formatted later (the child's crash report) keep their TypeScript positions.
  const sourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  try {
    await pulumi.runtime.runInPulumiStack(async () => require(options.programPath ?? PROGRAM_PATH));
    await pulumi.runtime.disconnect();
  } catch (error) {
    errors.unshift(error instanceof Error ? error.message : String(error));
  } finally {
    process.setSourceMapsEnabled(sourceMaps);
    process.off("unhandledRejection", onRejection);
    (pulumi.log as { error: typeof pulumi.log.error }).error = logError;
    (pulumi.log as { warn: typeof pulumi.log.warn }).warn = logWarn;
  }

  const program = resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
  if (errors.length > 0) return { ok: false, failure: { error: errors.join("\n"), resources: program } };
  return {
    ok: true,
    graph: { project: options.project, stack: options.stack, resources, outputs: stackOutputs, secretOutputs, invokes, warnings },
  };
}

function capture(req: Request, response: Response): GraphResource {
  const inputs = unwrap(req.getObject()?.toJavaScript() ?? {});
  const outputs = unwrap(response.getObject()?.toJavaScript() ?? {});
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((value, key) => {
    const urns = value.getUrnsList();
    if (urns.length > 0) propertyDependencies[key] = [...urns].sort();
  });
  const parent = req.getParent();
  return {
    urn: response.getUrn(),
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    ...(parent ? { parent } : {}),
    dependsOn: [...new Set(req.getDependenciesList())].sort(),
    propertyDependencies,
    protect: req.getProtect(),
    retainOnDelete: req.getRetainondelete?.() ?? false,
    ignoreChanges: req.getIgnorechangesList(),
    replaceOnChanges: req.getReplaceonchangesList(),
    deleteBeforeReplace: req.getDeletebeforereplace(),
    aliases: req.getAliasesList().map((a) => {
      const spec = a.getSpec();
      return (
        a.getUrn() ||
        [spec?.getName() ? `name:${spec.getName()}` : "", spec?.getType() ? `type:${spec.getType()}` : "", spec?.getParenturn() ? `parent:${spec.getParenturn()}` : ""]
          .filter(Boolean)
          .join(" ")
      );
    }),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    inputs: inputs.value as Record<string, unknown>,
    secretPaths: inputs.secretPaths,
    outputs: outputs.value as Record<string, unknown>,
    ...(response.getId() ? { id: response.getId() } : {}),
  };
}
