import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { optionValue, positional } from "../../../tools/plan/argv";

describe("plan arguments", () => {
  it("finds the stack before or after options, skipping only the values of options that take one", () => {
    assert.equal(positional(["prod", "--json"]), "prod");
    assert.equal(positional(["--json", "prod"]), "prod", "--json takes no value: the stack after it is the stack");
    assert.equal(positional(["--base", "main", "dev"]), "dev");
    assert.equal(positional(["--stack-file", "Pulumi.dev.yaml", "--out", "r.md", "test"]), "test");
    assert.equal(positional(["--json"]), undefined);
  });

  it("reads option values and leaves absent options undefined", () => {
    const argv = ["dev", "--base", "origin/main", "--out", "plan.md"];
    assert.equal(optionValue(argv, "--base"), "origin/main");
    assert.equal(optionValue(argv, "--out"), "plan.md");
    assert.equal(optionValue(argv, "--head"), undefined);
  });
});
