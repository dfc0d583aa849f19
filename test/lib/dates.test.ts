import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { addDays, unixSeconds } from "../../lib/dates";

describe("addDays", () => {
  it("shifts by whole days in UTC and answers whole seconds with Z", () => {
    assert.equal(addDays("2026-01-01T00:00:00Z", 30), "2026-01-31T00:00:00Z");
    assert.equal(addDays("2026-01-31T12:34:56Z", 1), "2026-02-01T12:34:56Z");
    assert.equal(addDays("2026-03-01T00:00:00Z", -1), "2026-02-28T00:00:00Z");
    assert.equal(addDays("2028-02-28T00:00:00Z", 1), "2028-02-29T00:00:00Z", "leap day");
    assert.equal(addDays("2026-01-01T00:00:00Z", 0), "2026-01-01T00:00:00Z");
  });

  it("normalises offsets and fractional seconds to UTC whole seconds", () => {
    assert.equal(addDays("2026-01-01T01:00:00+01:00", 1), "2026-01-02T00:00:00Z");
    assert.equal(addDays("2026-01-01T00:00:00.789Z", 1), "2026-01-02T00:00:00Z");
  });

  it("refuses what is not a timestamp", () => {
    assert.throws(() => addDays("tomorrow", 1), /"tomorrow" is not an RFC 3339 timestamp/);
    assert.throws(() => addDays("", 1), /is not an RFC 3339 timestamp/);
  });
});

describe("unixSeconds", () => {
  it("counts whole seconds since the epoch", () => {
    assert.equal(unixSeconds("1970-01-01T00:00:00Z"), 0);
    assert.equal(unixSeconds("2026-01-01T00:00:00Z"), 1_767_225_600);
    assert.equal(unixSeconds("2026-01-01T00:00:00.999Z"), 1_767_225_600);
    assert.equal(unixSeconds(addDays("2026-01-01T00:00:00Z", 30)), 1_767_225_600 + 30 * 86_400);
  });

  it("refuses what is not a timestamp", () => {
    assert.throws(() => unixSeconds("2026-13-45"), /is not an RFC 3339 timestamp/);
  });
});
