import { describe, expectTypeOf, it } from "vitest";
import type { Value } from "@micrograd/engine";
import { toDot } from "@micrograd/viz";
import type { DotOptions } from "@micrograd/viz";
import { dotToSvg, toSvg } from "@micrograd/viz/svg";

describe("@micrograd/viz's public types", () => {
  it("toDot draws synchronously; the svg entry renders asynchronously", () => {
    expectTypeOf(toDot).parameters.toEqualTypeOf<[root: Value, options?: DotOptions]>();
    expectTypeOf(toDot).returns.toEqualTypeOf<string>();
    expectTypeOf(toSvg).returns.toEqualTypeOf<Promise<string>>();
    expectTypeOf(dotToSvg).parameters.toEqualTypeOf<[dot: string]>();
    expectTypeOf<DotOptions["rankdir"]>().toEqualTypeOf<"LR" | "TB" | undefined>();
  });
});
