import { describe, expectTypeOf, it } from "vitest";
import type { MLP } from "@micrograd/nn";
import { decodeModel, toOnnx } from "@micrograd/onnx";
import type { OnnxHead, OnnxOptions } from "@micrograd/onnx";

describe("@micrograd/onnx's public types", () => {
  it("toOnnx takes an MLP and options and gives the file's bytes", () => {
    expectTypeOf(toOnnx).parameters.toEqualTypeOf<[model: MLP, options?: OnnxOptions]>();
    expectTypeOf(toOnnx).returns.toEqualTypeOf<Uint8Array>();
    expectTypeOf<OnnxHead["kind"]>().toEqualTypeOf<"raw" | "classes" | "regression">();
    expectTypeOf(decodeModel).parameter(0).toEqualTypeOf<Uint8Array>();
  });
});
