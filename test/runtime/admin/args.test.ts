// The admin commands' flag parser: Kafka-tool style `--name value` / `--name=value`, repeatable
// lists, switches, and usage errors that name the offending flag.

import { describe, expect, it } from "vitest";
import { AdminError } from "../../../runtime/admin/admin-error.ts";
import {
  integerFlag,
  keyValues,
  oneAction,
  parseFlags,
  rejectFlags,
} from "../../../runtime/admin/args.ts";

const spec = {
  "--topic": "value",
  "--config": "list",
  "--list": "switch",
  "--create": "switch",
  "--partitions": "value",
} as const;

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AdminError);
    expect((error as AdminError).kind).toBe("usage");
    return (error as AdminError).message;
  }
  throw new Error("no usage error");
}

describe("parseFlags", () => {
  it("reads values, lists and switches in both spellings", () => {
    const flags = parseFlags(
      ["--topic", "t", "--config=a=1", "--config", "b=2", "--list", "--partitions=3"],
      spec,
    );
    expect(flags.values.get("--topic")).toBe("t");
    expect(flags.values.get("--partitions")).toBe("3");
    expect(flags.lists.get("--config")).toEqual(["a=1", "b=2"]);
    expect([...flags.switches]).toEqual(["--list"]);
  });

  it.each([
    [["--bogus"], "unknown option --bogus"],
    [["topic"], "unexpected argument 'topic'"],
    [["--topic"], "--topic needs a value"],
    [["--topic", "--list"], "--topic needs a value"],
    [["--list=yes"], "--list takes no value"],
    [["--topic", "a", "--topic", "b"], "--topic given twice"],
  ])("rejects %j: %s", (args, message) => {
    expect(usageError(() => parseFlags(args, spec))).toBe(message);
  });
});

describe("flag helpers", () => {
  it("oneAction wants exactly one action", () => {
    expect(oneAction(parseFlags(["--list"], spec), ["--list", "--create"])).toBe("--list");
    expect(usageError(() => oneAction(parseFlags([], spec), ["--list", "--create"]))).toBe(
      "give exactly one of --list, --create",
    );
    const both = parseFlags(["--list", "--create"], spec);
    expect(usageError(() => oneAction(both, ["--list", "--create"]))).toContain("exactly one");
  });

  it.each([
    [undefined, 7],
    ["3", 3],
    ["0", "must be an integer in [1, 10], got '0'"],
    ["2.5", "must be an integer in [1, 10], got '2.5'"],
    ["x", "must be an integer in [1, 10], got 'x'"],
  ])("integerFlag(%j)", (text, expected) => {
    const flags = parseFlags(text === undefined ? [] : ["--partitions", text], spec);
    if (typeof expected === "number")
      expect(integerFlag(flags, "--partitions", 7, 1, 10)).toBe(expected);
    else expect(usageError(() => integerFlag(flags, "--partitions", 7, 1, 10))).toContain(expected);
  });

  it("keyValues reads repeated and comma-separated pairs; the last value wins", () => {
    const flags = parseFlags(["--config", "a=1,b=x=y", "--config", "a=2"], spec);
    expect(keyValues(flags, "--config")).toEqual({ a: "2", b: "x=y" });
    const bad = parseFlags(["--config", "novalue"], spec);
    expect(usageError(() => keyValues(bad, "--config"))).toBe(
      "--config needs key=value, got 'novalue'",
    );
  });

  it("rejectFlags names a flag that does not belong to the action", () => {
    const flags = parseFlags(["--list", "--partitions", "3"], spec);
    expect(usageError(() => rejectFlags(flags, ["--partitions"], "--list"))).toBe(
      "--partitions cannot be used with --list",
    );
  });
});
