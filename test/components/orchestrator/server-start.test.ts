import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { inflateSync } from "node:zlib";
import { beforeAll, describe, it } from "vitest";
import {
  BOOTSTRAP,
  HASHED_REQUIREMENT,
  MAX_ARG_STRLEN,
  PINNED_IMAGE,
  PINNED_PACKAGE,
  PREFECT_VERSION,
  PYTHON_IMAGE,
} from "../../../components/orchestrator/images";
import type { Graph, GraphResource } from "../../../tools/graph";
import { allGraphs, byId, byUrn, ofType, one } from "../../support/graphs";
import { APP, containers, env, prefectServer, prefectWorker, type Props } from "./helpers";
import { T } from "../../../contracts/resource-types";
import { renderServer } from "../../../tools/prefect/render-server-env";

/**
 * Issue 11 point 1 and issue 10 point 3 on the graph of every real stack: what makes the Prefect server start (plugin
 * flag, pinned image and packages), the apps' way out of the VNet, and rotation rolling the apps.
 */
let graphs: Graph[];
beforeAll(async () => {
  graphs = await allGraphs();
});

const JOB = "azure-native:app:Job";
const ROOT = join(__dirname, "..", "..", "..");

/** The lock's lines per `# [group]` header, read here independently of images.ts. */
function lockGroups(): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  let current = "";
  for (const line of readFileSync(join(ROOT, "flows", "requirements.lock"), "utf8").split("\n")) {
    const header = /^# \[(\w+)\]$/.exec(line);
    if (header) current = header[1]!;
    else if (line && !line.startsWith("#")) (groups[current] ??= []).push(line);
  }
  return groups;
}

/** The hashed requirement lines a container installs at start. */
function installed(container: Props): string[] {
  const variable = ((container["env"] ?? []) as Props[]).find((e) => e["name"] === "DATAPLATFORM_REQUIREMENTS");
  return String(variable?.["value"] ?? "").split("\n").filter(Boolean);
}

/** Every container of every Container App and Container Apps Job (init containers too). */
function allContainers(graph: Graph): { owner: GraphResource; container: Props }[] {
  return [...ofType(graph, APP), ...ofType(graph, JOB)].flatMap((owner) => {
    const template = owner.inputs["template"] as Props;
    return [...((template["containers"] ?? []) as Props[]), ...((template["initContainers"] ?? []) as Props[])].map((container) => ({ owner, container }));
  });
}

/** The requirements a `pip install`/`uv pip install` command line names (options and their values dropped). */
function pipRequirements(commandLine: string): string[] {
  const found: string[] = [];
  for (const match of commandLine.matchAll(/\bpip3?\s+install\b([^;&|\n]*)/g)) {
    const words = match[1]!.trim().split(/\s+/).filter(Boolean);
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      if (word.startsWith("-")) {
        if (!word.includes("=") && ["-r", "-c", "--requirement", "--constraint", "--index-url", "-i", "--target"].includes(word)) i++;
        continue;
      }
      found.push(word.replace(/^["']|["']$/g, ""));
    }
  }
  return found;
}

describe("the Prefect server starts (issue 11, point 1)", () => {
  it("loads prefect-azure's Postgres hook: the plugin system is on, for the azure plugin, with managed identity enabled", () => {
    for (const graph of graphs) {
      const server = prefectServer(graph);
      // Prefect >= 3.7 (PrefectHQ/prefect src/prefect/settings/models/plugins.py): without it the hook never runs and
      // asyncpg connects with no password.
      assert.equal(env(server, "PREFECT_PLUGINS_ENABLED")?.["value"], "true", `${graph.stack}: plugin system on`);
      assert.deepEqual(String(env(server, "PREFECT_PLUGINS_ALLOW")?.["value"]).split(","), ["azure"], `${graph.stack}: only prefect-azure's plugin`);
      assert.equal(env(server, "PREFECT_INTEGRATIONS_AZURE_POSTGRES_MANAGED_IDENTITY_ENABLED")?.["value"], "true");
      const url = String(env(server, "PREFECT_API_DATABASE_CONNECTION_URL")?.["value"]);
      assert.match(url, /^postgresql\+asyncpg:\/\/[^:@/]+@/, `${graph.stack}: no password in the URL (the hook supplies a token)`);
      const [container] = containers(server);
      const requirements = installed(container!);
      assert.ok(requirements.some((p) => /^prefect-azure==0\.4\.(1[3-9]|[2-9]\d) /.test(p)), `${graph.stack}: prefect-azure with the plugin, accepting Prefect >= 3.8.4 (>= 0.4.13)`);
      assert.ok(requirements.some((p) => p.startsWith(`prefect==${PREFECT_VERSION} `)), `${graph.stack}: Prefect pinned to the lock's version`);
    }
  });

  it("runs exactly what the flow tests run: Python 3.11 by digest, the lock's runtime + server groups, hash-checked, no resolution", () => {
    const lock = lockGroups();
    const pyproject = readFileSync(join(ROOT, "flows", "pyproject.toml"), "utf8");
    assert.match(pyproject, /^requires-python = "==3\.11\.\*"$/m, "the flows' Python");
    assert.match(PYTHON_IMAGE, /\/python:3\.11-slim-bookworm@sha256:/, "the containers' Python is the flows' Python (and Debian 12, the lock's glibc 2.36)");
    for (const graph of graphs) {
      const [container] = containers(prefectServer(graph));
      assert.equal(container!["image"], PYTHON_IMAGE, `${graph.stack}: the server runs the pinned Python image`);
      // The start: install the hashed lock, then exec the args (the server command).
      assert.deepEqual(container!["command"], ["python", "-c", BOOTSTRAP], `${graph.stack}: the server starts through the bootstrap`);
      for (const flag of ["'--require-hashes'", "'--no-deps'", "'--only-binary=:all:'", "os.execvp(sys.argv[1], sys.argv[1:])"]) {
        assert.ok(BOOTSTRAP.includes(flag), `bootstrap: ${flag}`);
      }
      assert.deepEqual(installed(container!), [...lock["runtime"]!, ...lock["server"]!], `${graph.stack}: the lock's runtime + server groups, verbatim`);
      assert.equal(env(prefectServer(graph), "EXTRA_PIP_PACKAGES"), undefined, `${graph.stack}: no unhashed install by the image's entrypoint`);
    }
  });

  it("ships the flow code itself to every container that runs flows: the template carries flows/src, so a code change rolls the app", () => {
    const onDisk: Record<string, string> = {};
    const base = join(ROOT, "flows", "src", "dataplatform_flows");
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) {
          if (entry.name !== "__pycache__") walk(join(dir, entry.name));
        } else if (!entry.name.endsWith(".pyc")) {
          onDisk[["dataplatform_flows", ...relative(base, join(dir, entry.name)).split(sep)].join("/")] = readFileSync(join(dir, entry.name), "utf8");
        }
      }
    };
    walk(base);
    onDisk["dataplatform_flows/prefect-variables.json"] = readFileSync(join(ROOT, "contracts", "prefect-variables.json"), "utf8");
    for (const graph of graphs) {
      const carriers = allContainers(graph).filter(({ container }) => ((container["env"] ?? []) as Props[]).some((e) => e["name"] === "DATAPLATFORM_FLOWS_PACKAGE"));
      assert.ok(carriers.length >= 1, `${graph.stack}: the worker carries the flows package`);
      for (const { owner, container } of carriers) {
        const variables = (container["env"] ?? []) as Props[];
        const value = (name: string) => variables.find((e) => e["name"] === name)?.["value"];
        const files = JSON.parse(inflateSync(Buffer.from(String(value("DATAPLATFORM_FLOWS_PACKAGE")), "base64")).toString("utf8")) as Record<string, string>;
        assert.deepEqual(files, onDisk, `${graph.stack}: ${owner.name}/${container["name"]} runs this checkout's flows`);
        assert.equal(value("PYTHONPATH"), value("DATAPLATFORM_FLOWS_DIR"), `${graph.stack}: the unpacked package is importable`);
        assert.deepEqual(installed(container), lockGroups()["runtime"], `${graph.stack}: ${owner.name} installs the runtime group`);
      }
    }
  });

  it("keeps every string a container gets below Linux's MAX_ARG_STRLEN (128 KiB per argument or NAME=value)", () => {
    assert.equal(MAX_ARG_STRLEN, 131072);
    for (const graph of graphs) {
      for (const { owner, container } of allContainers(graph)) {
        const strings = [
          ...((container["command"] ?? []) as string[]),
          ...((container["args"] ?? []) as string[]),
          ...((container["env"] ?? []) as Props[]).filter((e) => e["value"] !== undefined).map((e) => `${e["name"]}=${e["value"]}`),
        ];
        for (const text of strings) {
          assert.ok(Buffer.byteLength(text, "utf8") < MAX_ARG_STRLEN, `${graph.stack}: ${owner.name}/${container["name"]}: ${text.slice(0, 40)}… is ${Buffer.byteLength(text)} bytes`);
        }
      }
    }
  });

  it("renders the server container for the real-server tests exactly as the graph holds it (tools/prefect/render-server-env.ts)", () => {
    for (const graph of graphs) {
      const rendered = renderServer(graph.stack, graph.resources);
      const [container] = containers(prefectServer(graph));
      assert.equal(rendered.image, container!["image"]);
      assert.deepEqual(rendered.command, container!["command"]);
      assert.deepEqual(rendered.args, container!["args"]);
      assert.deepEqual(rendered.env, container!["env"], `${graph.stack}: every variable, values and secret references`);
      assert.deepEqual(rendered.probes, container!["probes"]);
    }
    assert.throws(() => renderServer("empty", []), /expected one Prefect server container, found 0/);
  });

  it("runs every image of every app and job pinned by digest", () => {
    for (const graph of graphs) {
      const all = allContainers(graph);
      assert.ok(all.length >= 2, graph.stack);
      for (const { owner, container } of all) {
        assert.match(String(container["image"]), PINNED_IMAGE, `${graph.stack}: ${owner.name}/${container["name"]} image not pinned by digest`);
      }
    }
  });

  it("installs nothing unpinned at start: no pip install of a range, a bare name or a URL, in any command, args or requirement list", () => {
    for (const graph of graphs) {
      for (const { owner, container } of allContainers(graph)) {
        const where = `${graph.stack}: ${owner.name}/${container["name"]}`;
        const line = [...((container["command"] ?? []) as string[]), ...((container["args"] ?? []) as string[])].join(" ");
        for (const requirement of pipRequirements(line)) assert.match(requirement, PINNED_PACKAGE, `${where}: pip install ${requirement}`);
        for (const variable of (container["env"] ?? []) as Props[]) {
          if (variable["name"] === "EXTRA_PIP_PACKAGES") {
            // The official Prefect image's entrypoint installs these with `uv pip install`, unhashed (PrefectHQ/prefect scripts/entrypoint.sh).
            assert.fail(`${where}: EXTRA_PIP_PACKAGES installs without hashes`);
          }
          if (variable["name"] !== "DATAPLATFORM_REQUIREMENTS") continue;
          for (const line of installed(container)) {
            const match = HASHED_REQUIREMENT.exec(line);
            assert.ok(match, `${where}: "${line}" is not name==version --hash=sha256:<hex>`);
            assert.match(match[1]!, PINNED_PACKAGE, where);
          }
        }
      }
    }
  });

  it("gives the apps a way out: a NAT gateway with a static public IP on the environment's subnet, whose default outbound access is off", () => {
    for (const graph of graphs) {
      const environment = one(graph, T.managedEnvironment);
      const subnetId = (environment.inputs["vnetConfiguration"] as Props)["infrastructureSubnetId"];
      const subnet = byId(graph, subnetId);
      assert.equal(subnet?.type, "azure-native:network:Subnet", `${graph.stack}: the environment's subnet is in the stack`);
      assert.equal(subnet!.inputs["defaultOutboundAccess"], false, `${graph.stack}: private subnet (the reason a NAT gateway is needed)`);
      const nat = byId(graph, (subnet!.inputs["natGateway"] as Props | undefined)?.["id"]);
      assert.equal(nat?.type, "azure-native:network:NatGateway", `${graph.stack}: the apps' subnet has a NAT gateway`);
      assert.equal((nat!.inputs["sku"] as Props)["name"], "Standard");
      const ips = ((nat!.inputs["publicIpAddresses"] ?? []) as Props[]).map((ip) => byId(graph, ip["id"]));
      assert.equal(ips.length, 1, `${graph.stack}: one egress IP`);
      assert.equal(ips[0]?.type, "azure-native:network:PublicIPAddress");
      assert.equal(ips[0]!.inputs["publicIPAllocationMethod"], "Static", `${graph.stack}: a static egress IP (allowlists elsewhere)`);
      assert.equal((ips[0]!.inputs["sku"] as Props)["name"], "Standard");
      // Workload-profiles environments only: the Consumption-only type has no NAT gateway egress.
      assert.ok(((environment.inputs["workloadProfiles"] ?? []) as Props[]).length > 0, `${graph.stack}: a workload-profiles environment`);
      // No NSG rule on the subnet denies outbound traffic (Azure's default AllowInternetOutBound applies).
      const nsg = byId(graph, (subnet!.inputs["networkSecurityGroup"] as Props)["id"]);
      const rules = (nsg?.inputs["securityRules"] ?? []) as Props[];
      assert.ok(!rules.some((r) => r["direction"] === "Outbound" && r["access"] === "Deny"), `${graph.stack}: outbound denied by the NSG`);
    }
  });
});

describe("rotation rolls the apps (issue 10, point 3)", () => {
  it("puts the auth string's Key Vault secret version into the server's and the worker's template (a new version = a new revision)", () => {
    for (const graph of graphs) {
      const secret = one(graph, T.vaultSecret, (s) => s.inputs["secretName"] === "prefect-api-auth-string");
      const version = (secret.outputs["properties"] as Props)["secretUriWithVersion"];
      assert.ok(version, `${graph.stack}: the secret has a version URI`);
      for (const app of [prefectServer(graph), prefectWorker(graph)]) {
        assert.equal(env(app, "DATAPLATFORM_KEY_VAULT_VERSIONS")?.["value"], version, `${graph.stack}: ${app.name} carries the current version`);
        // A versioned reference: the app reads exactly what this deployment wrote, not whatever the platform's
        // 30-minute re-read finds (which would restart the revision at a time of its choosing).
        const reference = ((app.inputs["configuration"] as Props)["secrets"] as Props[]).find((s) => s["name"] === "prefect-api-auth-string");
        assert.equal(reference?.["keyVaultUrl"], version, `${graph.stack}: ${app.name} references the current version`);
        assert.ok((app.propertyDependencies["template"] ?? []).includes(secret.urn), `${graph.stack}: ${app.name}'s template follows the secret`);
        assert.ok(!app.secretPaths.some((p) => p.startsWith("template")), `${graph.stack}: ${app.name}: the version is not a secret`);
      }
      // The generator of the value is replaced by the rotation (rotation-periods.test.ts asserts the period).
      const generator = (secret.propertyDependencies["properties"] ?? []).map((urn) => byUrn(graph, urn)).find((r) => r?.type === T.randomPassword);
      assert.ok(generator, `${graph.stack}: the auth string is generated`);
      assert.ok((generator!.propertyDependencies["keepers"] ?? []).some((urn) => byUrn(graph, urn)?.type === T.rotating), "…and rotated");
    }
  });

  it("updates the gateway Worker's pair only after the server rolled (the only app it calls); the Worker holds the current and the next value", () => {
    // During a roll the Worker still holds the old pair: the outgoing value and the next (incoming) one, so it answers
    // whichever revision serves (docs/gateway.md#rotation).
    for (const graph of graphs) {
      if (ofType(graph, T.cloudflareTunnel).length === 0) continue;
      const script = one(graph, T.workersScript);
      const server = prefectServer(graph);
      assert.ok(script.dependsOn.includes(server.urn), `${graph.stack}: the Worker waits for ${server.name}`);
      const names = (script.inputs["bindings"] as { name: string }[]).map((b) => b.name);
      assert.ok(names.includes("PREFECT_AUTH") && names.includes("PREFECT_AUTH_NEXT"), `${graph.stack}: both values bound`);
    }
  });

  it("rolls the connector when its token's URI changes", () => {
    for (const graph of graphs) {
      const connector = ofType(graph, APP).find((a) => containers(a).some((c) => c["name"] === "cloudflared"));
      if (!connector) continue;
      const secret = ((connector.inputs["configuration"] as Props)["secrets"] as Props[]).find((s) => s["name"] === "tunnel-token");
      assert.equal(env(connector, "DATAPLATFORM_KEY_VAULT_VERSIONS")?.["value"], secret?.["keyVaultUrl"], `${graph.stack}: revision-scoped token URI`);
    }
  });
});
