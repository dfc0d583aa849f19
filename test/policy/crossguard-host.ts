/**
 * Runs the CrossGuard pack (policy/) the way the Pulumi CLI does, and speaks the analyzer gRPC protocol to it.
 *
 * How `pulumi preview --policy-pack policy` starts a nodejs pack (pulumi/pulumi, CLI >= 3.221):
 * - pkg/resource/plugin/analyzer_plugin.go NewPolicyAnalyzer loads policy/PulumiPolicy.yaml; since the `nodejs`
 *   language plugin exists it calls newPlugin(ctx, ctx.Pwd, <pack dir>, …, args [host.ServerAddr()]) and
 *   pkg/resource/plugin/plugin.go ExecPlugin, seeing a directory, hands it to the language host's RunPlugin with
 *   ProgramInfo(root = program dir = abs(pack dir), entry ".", PulumiPolicy.yaml runtime options).
 * - sdk/nodejs/cmd/pulumi-language-nodejs/main.go RunPlugin (kind analyzer): locateModule runs
 *   `node -e "console.log(require.resolve('@pulumi/pulumi/cmd/run-policy-pack'))"` in the pack dir, then execs
 *   `node <that path> [nodeargs] <engine address> <abs pack dir>` with cwd = the pack dir, env = the CLI's env plus
 *   PULUMI_NODEJS_TYPESCRIPT=true (option `typescript` defaults to true, parseOptions) and, from the engine's
 *   ConfigureStack call (sdk/policy_proxy.go: the host answers Handshake/ConfigureStack itself, then forwards
 *   ConfigureStack to the pack), PULUMI_NODEJS_ORGANIZATION/PROJECT/STACK/DRY_RUN and PULUMI_CONFIG (stack config JSON).
 * - Before 3.221 the same command line came from the `pulumi-analyzer-policy` shell shim (sdk/nodejs/dist, removed
 *   in pulumi/pulumi#21684): `node "$(node -e "…require.resolve('@pulumi/pulumi/cmd/run-policy-pack')…")" $@` with
 *   args `<engine address> .` and cwd = the pack dir; the env variables were set by the CLI (constructEnv).
 * - run-policy-pack/index.js drops the engine address ("Remove <engine-address> so we simply execute the program"),
 *   run.js registers ts-node (type-checking, tsconfig.json of the cwd) and require()s the pack dir; @pulumi/policy's
 *   PolicyPack reads `${cwd}/package.json` for the pack version and serves the Analyzer service, printing its port
 *   as the first stdout line, which plugin.go reads byte by byte up to '\n'.
 * - The engine then calls (pkg/engine/update.go LoadLocalPolicyPackAnalyzers) GetAnalyzerInfo, reconciles
 *   --policy-pack-config with the schema defaults (pkg/resource/analyzer/config.go ReconcilePolicyPackConfig) and
 *   calls Configure; per resource Remediate then Analyze with the resource's inputs, and at the end AnalyzeStack
 *   with every resource (pkg/resource/deploy/step_generator.go).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import type { EnforcementLevel, PolicyPackConfig } from "@pulumi/policy";
import type * as AnalyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type * as AnalyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import type * as GrpcJs from "@grpc/grpc-js";
import type * as EmptyPb from "google-protobuf/google/protobuf/empty_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import type { GraphResource } from "../../tools/graph";

// The stubs, gRPC and protobuf runtime exactly as @pulumi/pulumi (and so the pack's server) loads them: one copy each.
const fromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc = fromPulumi("@grpc/grpc-js") as typeof GrpcJs;
const pb = fromPulumi("./proto/analyzer_pb") as typeof AnalyzerPb;
const { AnalyzerClient } = fromPulumi("./proto/analyzer_grpc_pb") as typeof AnalyzerGrpc;
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb") as typeof StructPb;
const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb") as typeof EmptyPb;

const exec = promisify(execFile);

// Wire sentinels, sdk/go/common/resource/properties.go (SigKey, SecretSig) and sdk/go/common/resource/plugin/rpc.go
// (Unknown*Value, what MarshalPropertyValue emits for a computed value with KeepUnknowns, as Analyze marshals).
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Marks a value the engine would not know yet during preview (a computed output); encoded as UnknownStringValue. */
export const UNKNOWN = Symbol("unknown");

/** One diagnostic as the engine receives it, attributed to a resource as the engine does. */
export interface Diagnostic {
  policy: string;
  urn?: string;
  message: string;
  level: EnforcementLevel;
}

export interface PackInfo {
  name: string;
  version: string;
  supportsConfig: boolean;
  policies: { name: string; enforcementLevel: EnforcementLevel; configSchema: Record<string, Record<string, unknown>> }[];
}

export interface StackContext {
  project: string;
  stack: string;
  organization?: string;
  dryRun: boolean;
  /** Stack config as `pulumi` passes it: fully qualified key → value string. */
  config: Record<string, string>;
}

const LEVELS: Record<number, EnforcementLevel> = {
  [pb.EnforcementLevel.ADVISORY]: "advisory",
  [pb.EnforcementLevel.MANDATORY]: "mandatory",
  [pb.EnforcementLevel.DISABLED]: "disabled",
  [pb.EnforcementLevel.REMEDIATE]: "remediate",
};
const LEVEL_CODES = Object.fromEntries(Object.entries(LEVELS).map(([code, level]) => [level, Number(code)])) as Record<EnforcementLevel, number>;

/** Resolves run-policy-pack as the nodejs language host's locateModule does: `require.resolve` run in the pack dir. */
export async function locateRunPolicyPack(packDir: string): Promise<string> {
  const script = `try { console.log(require.resolve('@pulumi/pulumi/cmd/run-policy-pack')); } catch (error) { console.error(error.message); process.exit(1); }`;
  const { stdout } = await exec(process.execPath, ["-e", script], { cwd: packDir });
  return stdout.trim();
}

export class PolicyPackHost {
  private constructor(
    readonly process: ChildProcess,
    readonly client: AnalyzerGrpc.AnalyzerClient,
    readonly port: number,
    readonly commandLine: string[],
    private readonly stderr: () => string,
  ) {}

  /**
   * Starts the pack as RunPlugin does and connects once it has printed its port. `stack` supplies the env variables
   * the host derives from ConfigureStack (which the host receives before it starts the pack).
   */
  static async launch(packDir: string, stack: StackContext, timeoutMs = 60_000): Promise<PolicyPackHost> {
    const runPath = await locateRunPolicyPack(packDir);
    // The engine's own gRPC address comes first; run-policy-pack discards it (index.js), so no engine runs here.
    const engineAddress = "127.0.0.1:0";
    const args = [runPath, engineAddress, packDir];
    const env: NodeJS.ProcessEnv = { ...process.env, PULUMI_NODEJS_TYPESCRIPT: "true", ...stackEnv(stack) };
    const child = spawn(process.execPath, args, { cwd: packDir, env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => fail(new Error(`the pack printed no port within ${timeoutMs} ms`)), timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill();
        reject(new Error(`${error.message}\nstdout: ${out}\nstderr: ${stderr}`));
      };
      child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        out += chunk;
        const newline = out.indexOf("\n");
        if (newline < 0) return;
        const line = out.slice(0, newline).trim();
        clearTimeout(timer);
        if (/^\d+$/.test(line)) resolve(Number(line));
        else fail(new Error(`the pack's first stdout line is not a port: ${JSON.stringify(line)}`));
      });
      child.once("exit", (code, signal) => fail(new Error(`the pack exited (${code ?? signal}) before printing its port`)));
    });
    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 400 * 1024 * 1024,
    });
    const host = new PolicyPackHost(child, client, port, [process.execPath, ...args], () => stderr);
    await host.configureStack(stack);
    return host;
  }

  get stderrText(): string {
    return this.stderr();
  }

  /** ConfigureStack, as the host forwards it (sdk/policy_proxy.go Attach). */
  async configureStack(stack: StackContext): Promise<void> {
    const req = new pb.AnalyzerStackConfigureRequest();
    req.setStack(stack.stack);
    req.setProject(stack.project);
    req.setOrganization(stack.organization ?? "");
    req.setDryRun(stack.dryRun);
    for (const [key, value] of Object.entries(stack.config)) req.getConfigMap().set(key, value);
    await call<AnalyzerPb.AnalyzerStackConfigureResponse>((cb) => this.client.configureStack(req, cb));
  }

  async getAnalyzerInfo(): Promise<PackInfo> {
    const info = await call<AnalyzerPb.AnalyzerInfo>((cb) => this.client.getAnalyzerInfo(new Empty(), cb));
    return {
      name: info.getName(),
      version: info.getVersion(),
      supportsConfig: info.getSupportsconfig(),
      policies: info.getPoliciesList().map((p) => ({
        name: p.getName(),
        enforcementLevel: level(p.getEnforcementlevel()),
        configSchema: (p.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as Record<string, Record<string, unknown>>,
      })),
    };
  }

  /**
   * What `--policy-pack-config <file>` becomes: ReconcilePolicyPackConfig (every policy, schema defaults, then the
   * file's values; a bad value is refused like the CLI's JSON-schema validation), sent with Configure.
   */
  async configure(info: PackInfo, file: PolicyPackConfig): Promise<void> {
    const reconciled = reconcilePolicyPackConfig(info, file);
    const req = new pb.ConfigureAnalyzerRequest();
    for (const [name, config] of Object.entries(reconciled)) {
      const policyConfig = new pb.PolicyConfig();
      policyConfig.setEnforcementlevel(LEVEL_CODES[config.enforcementLevel]);
      policyConfig.setProperties(Struct.fromJavaScript(config.properties as Record<string, StructPb.JavaScriptValue>));
      req.getPolicyconfigMap().set(name, policyConfig);
    }
    await call<EmptyPb.Empty>((cb) => this.client.configure(req, cb));
  }

  /** Analyze for one resource, with its inputs, as step_generator.go analyzeAll sends it. */
  async analyze(resource: GraphResource): Promise<Diagnostic[]> {
    const req = analyzeRequest(resource);
    const res = await call<AnalyzerPb.AnalyzeResponse>((cb) => this.client.analyze(req, cb));
    // A resource policy's violation carries no URN; the engine attributes it to the analyzed resource.
    return diagnostics(res, resource.urn);
  }

  /** Remediate, which the engine calls before Analyze (step_generator.go, first pass): the remediations' policy names. */
  async remediate(resource: GraphResource): Promise<string[]> {
    const req = analyzeRequest(resource);
    const res = await call<AnalyzerPb.RemediateResponse>((cb) => this.client.remediate(req, cb));
    return res.getRemediationsList().map((r) => r.getPolicyname());
  }

  /** AnalyzeStack with every resource, parents, dependencies and property dependencies. */
  async analyzeStack(resources: GraphResource[]): Promise<Diagnostic[]> {
    const req = new pb.AnalyzeStackRequest();
    req.setResourcesList(
      resources.map((r) => {
        const resource = new pb.AnalyzerResource();
        resource.setUrn(r.urn);
        resource.setType(r.type);
        resource.setName(r.name);
        // Same props as policy/run-on-graph.ts gives stack rules (inputs plus id); see the test for why.
        resource.setProperties(marshalProperties({ ...r.inputs, ...(r.id ? { id: r.id } : {}) }, r.secretPaths));
        resource.setOptions(resourceOptions(r));
        if (r.parent) resource.setParent(r.parent);
        resource.setDependenciesList(r.dependsOn);
        for (const [key, urns] of Object.entries(r.propertyDependencies)) {
          const deps = new pb.AnalyzerPropertyDependencies();
          deps.setUrnsList(urns);
          resource.getPropertydependenciesMap().set(key, deps);
        }
        return resource;
      }),
    );
    const res = await call<AnalyzerPb.AnalyzeResponse>((cb) => this.client.analyzeStack(req, cb));
    return diagnostics(res, undefined);
  }

  async close(): Promise<void> {
    this.client.close();
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.process.once("exit", () => resolve()));
    this.process.kill();
    await exited;
  }
}

function stackEnv(stack: StackContext): Record<string, string> {
  const env: Record<string, string> = {
    PULUMI_NODEJS_PROJECT: stack.project,
    PULUMI_NODEJS_STACK: stack.stack,
    PULUMI_NODEJS_DRY_RUN: String(stack.dryRun),
    PULUMI_CONFIG: JSON.stringify(stack.config),
  };
  if (stack.organization) env["PULUMI_NODEJS_ORGANIZATION"] = stack.organization;
  return env;
}

function call<T>(fn: (cb: (error: GrpcJs.ServiceError | null, value?: T) => void) => unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    fn((error, value) => (error ? reject(error) : resolve(value as T)));
  });
}

function level(code: number): EnforcementLevel {
  const found = LEVELS[code];
  if (!found) throw new Error(`unknown enforcement level code ${code}`);
  return found;
}

function diagnostics(res: AnalyzerPb.AnalyzeResponse, urn: string | undefined): Diagnostic[] {
  return res.getDiagnosticsList().map((d) => ({
    policy: d.getPolicyname(),
    ...((d.getUrn() || urn) ? { urn: d.getUrn() || urn } : {}),
    message: d.getMessage(),
    level: level(d.getEnforcementlevel()),
  }));
}

function resourceOptions(r: GraphResource): AnalyzerPb.AnalyzerResourceOptions {
  const opts = new pb.AnalyzerResourceOptions();
  opts.setProtect(r.protect);
  opts.setIgnorechangesList(r.ignoreChanges);
  opts.setAdditionalsecretoutputsList(r.additionalSecretOutputs);
  opts.setAliasesList([]);
  if (r.parent) opts.setParent(r.parent);
  return opts;
}

/**
 * The captured inputs re-encoded as MarshalProperties(…, {KeepUnknowns, KeepSecrets}) puts them on the wire:
 * secret paths wrapped as {SigKey: SecretSig, value}, UNKNOWN as UnknownStringValue, and a resource reference
 * (captured as {resourceUrn, id}) as its ID, else its URN (KeepResources is false for Analyze: rpc.go).
 */
export function marshalProperties(inputs: Record<string, unknown>, secretPaths: readonly string[] = []): StructPb.Struct {
  const secrets = new Set(secretPaths);
  const encode = (value: unknown, path: string): unknown => {
    let out: unknown;
    if (value === UNKNOWN) out = UNKNOWN_STRING;
    else if (Array.isArray(value)) out = value.map((item, i) => encode(item, `${path}[${i}]`));
    else if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length === 2 && "resourceUrn" in record && "id" in record) out = record["id"] ?? record["resourceUrn"];
      else {
        const obj: Record<string, unknown> = {};
        for (const key of keys) if (record[key] !== undefined) obj[key] = encode(record[key], path ? `${path}.${key}` : key);
        out = obj;
      }
    } else out = value;
    return secrets.has(path || "$") ? { [SIG_KEY]: SECRET_SIG, value: out } : out;
  };
  const encoded = encode(inputs, "");
  if (!encoded || typeof encoded !== "object" || SIG_KEY in (encoded as object)) {
    throw new Error("a resource's inputs must be an object, not a secret or unknown as a whole");
  }
  return Struct.fromJavaScript(encoded as Record<string, StructPb.JavaScriptValue>);
}

function isObject(value: unknown): boolean {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

interface ReconciledConfig {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

/**
 * pkg/resource/analyzer/config.go: createConfigWithDefaults (every policy with its declared level and schema
 * defaults), applyConfig (an "all" level first, then per policy: level and properties merged over defaults), then
 * validatePolicyPackConfig. The validation here covers what the pack's schemas use (type, enum, array items).
 */
export function reconcilePolicyPackConfig(info: PackInfo, file: PolicyPackConfig): Record<string, ReconciledConfig> {
  const result: Record<string, ReconciledConfig> = {};
  for (const policy of info.policies) {
    const properties: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema)) if ("default" in schema) properties[key] = schema["default"];
    result[policy.name] = { enforcementLevel: policy.enforcementLevel, properties };
  }
  const all = file["all"];
  if (typeof all === "string") for (const config of Object.values(result)) config.enforcementLevel = all;
  const errors: string[] = [];
  for (const [name, given] of Object.entries(file)) {
    if (name === "all") continue;
    const target = (result[name] ??= { enforcementLevel: "advisory", properties: {} });
    if (typeof given === "string") target.enforcementLevel = given;
    else {
      const { enforcementLevel, ...properties } = given as Record<string, unknown> & { enforcementLevel?: EnforcementLevel };
      if (enforcementLevel) target.enforcementLevel = enforcementLevel;
      Object.assign(target.properties, properties);
    }
  }
  for (const policy of info.policies) {
    for (const [key, value] of Object.entries(result[policy.name]!.properties)) {
      const schema = policy.configSchema[key];
      if (!schema) continue;
      const allowed = schema["enum"] as unknown[] | undefined;
      if (allowed && !allowed.includes(value)) errors.push(`${policy.name}: ${key} must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
      const type = schema["type"];
      const ok =
        type === undefined ||
        (type === "array" ? Array.isArray(value) : type === "integer" ? Number.isInteger(value) : type === "object" ? isObject(value) : typeof value === type);
      if (!ok) errors.push(`${policy.name}: ${key} must be of type ${String(type)}, got ${JSON.stringify(value)}`);
    }
  }
  if (errors.length) throw new Error(`validating policy config: ${errors.sort().join("; ")}`);
  return result;
}

/** The request Analyze and Remediate share: the resource's URN, type, name, inputs (secrets marked) and options. */
function analyzeRequest(resource: GraphResource): InstanceType<typeof pb.AnalyzeRequest> {
  const req = new pb.AnalyzeRequest();
  req.setUrn(resource.urn);
  req.setType(resource.type);
  req.setName(resource.name);
  req.setProperties(marshalProperties(resource.inputs, resource.secretPaths));
  req.setOptions(resourceOptions(resource));
  return req;
}
