import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { defaultSettings } from "../../../stacks/config/defaults";
import { ENVIRONMENTS } from "../../../contracts/environments";
import { configProblems, stackConfigWith } from "../../support/stack-config";

describe("the defaults", () => {
  for (const environment of ENVIRONMENTS) {
    it(`of ${environment}, written into its stack file, pass the same schema and cross-field checks as user input`, () => {
      // Every section replaced wholesale by its defaults: a default out of a user's range fails here.
      const config = stackConfigWith(environment, { ...defaultSettings(environment) });
      assert.deepEqual(configProblems(environment, config), []);
    });
  }
});
