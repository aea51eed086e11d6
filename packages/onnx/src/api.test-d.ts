import { describe, expectTypeOf, it } from "vitest";
import type { MLP } from "@micrograd/nn";
import { inspectOnnx, toOnnx } from "@micrograd/onnx";
import type { OnnxHead, OnnxInfo, OnnxOptions } from "@micrograd/onnx";

describe("@micrograd/onnx's public types", () => {
  it("toOnnx takes an MLP and options and gives the file's bytes", () => {
    expectTypeOf(toOnnx).parameters.toEqualTypeOf<[model: MLP, options?: OnnxOptions]>();
    expectTypeOf(toOnnx).returns.toEqualTypeOf<Uint8Array>();
    expectTypeOf<OnnxHead["kind"]>().toEqualTypeOf<"raw" | "classes" | "regression">();
    expectTypeOf(inspectOnnx).parameters.toEqualTypeOf<[bytes: Uint8Array]>();
    expectTypeOf(inspectOnnx).returns.toEqualTypeOf<OnnxInfo>();
  });
});
