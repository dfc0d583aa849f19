import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, it } from "vitest";
import { parse } from "yaml";
import { namingViolation } from "../../components/naming/rules";
import { NAMING_RULES, type NamingRule, UNNAMED_TYPES, type ResourceKind } from "../../contracts/naming-rules";
import { REQUIRED_TAG_KEYS } from "../../contracts/tags";
import { configSchema } from "../../stacks/config/schema";
import { type Graph, PROJECT_ROOT, stackGraph } from "../../tools/graph";
import { STACKS, allGraphs, byUrn } from "../support/graphs";

let graphs: Graph[];
beforeAll(async () => {
  graphs = await allGraphs();
});

/** Whether an azure-native resource type accepts `tags`, read from the SDK's own Args interface (not from our code). */
function acceptsTags(type: string): boolean {
  const [, module, kind] = type.split(":") as [string, string, string];
  const file = join(PROJECT_ROOT, "node_modules", "@pulumi", "azure-native", module, `${kind.charAt(0).toLowerCase()}${kind.slice(1)}.d.ts`);
  const source = readFileSync(file, "utf8");
  const args = new RegExp(`export interface ${kind}Args \\{([\\s\\S]*?)\\n\\}`).exec(source);
  assert.ok(args, `no ${kind}Args in ${file}`);
  return /\n\s+tags\?:/.test(args[1]!);
}

describe("the program for every stack", () => {
  it("evaluates dev, test and prod from their real stack files", () => {
    assert.deepEqual(STACKS, ["dev", "prod", "test"]);
    for (const graph of graphs) {
      const custom = graph.resources.filter((r) => r.custom);
      assert.ok(custom.length >= 25, `${graph.stack}: only ${custom.length} resources`);
      assert.equal(graph.outputs["environment"], graph.stack);
    }
  });

  it("parents every resource under a platform component (no orphans under the stack)", () => {
    for (const graph of graphs) {
      for (const r of graph.resources) {
        if (r.type === "pulumi:pulumi:Stack" || r.type.startsWith("pulumi:providers:")) continue;
        const parent = byUrn(graph, r.parent);
        assert.ok(parent, `${graph.stack}: ${r.name} has no registered parent`);
        if (r.type !== "dataplatform:platform:DataPlatform") {
          assert.match(parent.type, /^dataplatform:/, `${graph.stack}: ${r.type} ${r.name} is parented to ${parent.type}`);
        }
      }
    }
  });

  it("names every child after its component", () => {
    for (const graph of graphs) {
      for (const r of graph.resources) {
        const parent = byUrn(graph, r.parent);
        if (!parent || parent.type === "pulumi:pulumi:Stack") continue;
        assert.ok(r.name.startsWith(`${parent.name}-`), `${graph.stack}: ${r.name} is not named from its parent ${parent.name}`);
      }
    }
  });

  it("tags every azure-native resource that accepts tags with the platform's tags", () => {
    for (const graph of graphs) {
      const taggable = graph.resources.filter((r) => r.type.startsWith("azure-native:") && acceptsTags(r.type));
      assert.ok(taggable.length > 10, `${graph.stack}: expected taggable resources`);
      for (const r of taggable) {
        const tags = r.inputs["tags"] as Record<string, string> | undefined;
        assert.ok(tags, `${graph.stack}: ${r.type} ${r.name} has no tags`);
        for (const key of REQUIRED_TAG_KEYS) assert.ok(tags[key], `${graph.stack}: ${r.name} lacks tag ${key}`);
        assert.equal(tags["environment"], graph.stack);
        assert.equal(tags["managed-by"], "pulumi");
        assert.equal(tags["business-unit"], "analytics", "extra tags from config are applied too");
      }
    }
  });

  it("names every Azure resource within its type's length and charset rules", () => {
    const ruleFor = new Map<string, [ResourceKind, NamingRule]>();
    for (const [kind, rule] of Object.entries(NAMING_RULES) as [ResourceKind, NamingRule][]) {
      for (const type of rule.types) ruleFor.set(type, [kind, rule]);
    }
    let checked = 0;
    for (const graph of graphs) {
      for (const r of graph.resources.filter((x) => x.type.startsWith("azure-native:"))) {
        const entry = ruleFor.get(r.type);
        if (!entry) {
          assert.ok(UNNAMED_TYPES[r.type], `${r.type} has no naming rule: add one to components/naming/rules.ts`);
          continue;
        }
        const [kind, rule] = entry;
        const name = r.inputs[rule.nameInput];
        assert.equal(typeof name, "string", `${graph.stack}: ${r.name} sets no ${rule.nameInput}`);
        assert.equal(namingViolation(kind, name as string), undefined);
        checked++;
      }
    }
    assert.ok(checked > 30);
  });

  it("gives globally unique resources distinct names per environment", () => {
    const names = new Map<string, string>();
    for (const graph of graphs) {
      for (const r of graph.resources) {
        const rule = Object.values(NAMING_RULES).find((x: NamingRule) => x.types.includes(r.type)) as NamingRule | undefined;
        if (!rule?.globallyUnique) continue;
        const name = String(r.inputs[rule.nameInput]);
        assert.equal(names.get(name), undefined, `${name} is used by ${names.get(name)} and ${graph.stack}`);
        names.set(name, graph.stack);
      }
    }
  });

  it("protects stateful resources and locks them in prod only", () => {
    for (const graph of graphs) {
      const law = graph.resources.find((r) => r.type === "azure-native:operationalinsights:Workspace")!;
      assert.equal(law.protect, true, `${graph.stack}: Log Analytics is stateful`);
      // Deleting the resource group deletes everything: it is bootstrap's (protected there, test/bootstrap), never the stack's.
      assert.equal(graph.resources.filter((r) => r.type === "azure-native:resources:ResourceGroup").length, 0, `${graph.stack}: no group to delete`);
      const locks = graph.resources.filter((r) => r.type === "azure-native:authorization:ManagementLockByScope");
      if (graph.stack === "prod") {
        assert.ok(locks.some((l) => l.inputs["scope"] === law.id && l.inputs["level"] === "CanNotDelete"));
      } else {
        assert.deepEqual(locks, [], `${graph.stack} is not locked`);
      }
    }
  });

  it("evaluates to the identical graph twice (no perpetual diff)", async () => {
    const [first, second] = await Promise.all([stackGraph("prod", { fresh: true }), stackGraph("prod", { fresh: true })]);
    assert.deepEqual(second.resources, first.resources);
    assert.deepEqual(second.outputs, first.outputs);
  });
});

describe("Pulumi.yaml", () => {
  it("declares typed config only for keys the schema knows", () => {
    const project = parse(readFileSync(join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as {
      name: string;
      main: string;
      config: Record<string, { type: string }>;
      options?: { refresh?: string };
    };
    assert.equal(project.name, "dataplatform");
    assert.equal(project.options?.refresh, "always", "time.Rotating deadlines are only noticed on refresh");
    assert.equal(project.main, "stacks/index.ts");
    for (const [key, declaration] of Object.entries(project.config)) {
      assert.ok(key in configSchema.shape, `Pulumi.yaml declares ${key}, which the schema does not know`);
      assert.ok(["string", "integer", "boolean", "array"].includes(declaration.type));
    }
  });
});
