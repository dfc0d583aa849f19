import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { terminalProgress } from "../../../tools/plan/progress";

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, isTTY, write: (chunk: string) => written.push(chunk) > 0 };
}

describe("plan progress", () => {
  it("overwrites one line on a terminal and clears it when done", () => {
    const tty = stream(true);
    const progress = terminalProgress(tty);
    progress.step("evaluating dev");
    progress.step("checking the policy pack");
    progress.done();
    assert.deepEqual(tty.written, ["\r\x1b[2Kevaluating dev…", "\r\x1b[2Kchecking the policy pack…", "\r\x1b[2K"]);
  });

  it("writes nothing when the stream is not a terminal", () => {
    const pipe = stream(false);
    const progress = terminalProgress(pipe);
    progress.step("evaluating dev");
    progress.done();
    assert.deepEqual(pipe.written, []);
  });
});
