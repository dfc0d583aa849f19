import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "vitest";
import { readStackConfigFile, StackFileError } from "../../../tools/graph/stack-config";

function stackFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "stack-config-")), "Pulumi.dev.yaml");
  writeFileSync(file, text);
  return file;
}

function errorOf(file: string): StackFileError {
  try {
    readStackConfigFile(file);
  } catch (error) {
    assert.ok(error instanceof StackFileError, `expected a StackFileError, got ${String(error)}`);
    return error;
  }
  assert.fail("the stack file was accepted");
}

describe("reading a stack file", () => {
  it("reports a YAML syntax error as <file>:<line>:<column>: <message>", () => {
    const file = stackFile("config:\n  dataplatform:location: westeurope\n  dataplatform:owner: a: b\n");
    assert.equal(errorOf(file).message, `${file}:3:23: Nested mappings are not allowed in compact mappings`);
  });

  it("reports every syntax error, one line each", () => {
    const file = stackFile("config:\n  dataplatform:owner: x\n  dataplatform:owner: y\n\tdataplatform:costCenter: z\n");
    const lines = errorOf(file).message.split("\n");
    assert.deepEqual(
      lines.map((l) => l.slice(file.length)),
      [":3:3: Map keys must be unique", ":4:1: Tabs are not allowed as indentation"],
    );
  });

  it("rejects a config section that is not a mapping, naming the file", () => {
    const file = stackFile("config: [1, 2]\n");
    assert.equal(errorOf(file).message, `${file}: expected a mapping with a "config:" mapping of keys to values`);
  });

  it("flattens a valid file to namespace:key strings, objects as JSON", () => {
    const file = stackFile("config:\n  dataplatform:owner: team\n  dataplatform:network:\n    addressSpace: 10.40.0.0/22\n");
    assert.deepEqual(readStackConfigFile(file), {
      "dataplatform:owner": "team",
      "dataplatform:network": '{"addressSpace":"10.40.0.0/22"}',
    });
  });
});
