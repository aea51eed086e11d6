import { afterEach, describe, expect, it } from "vitest";
import { AnomalyError, Value, detectAnomaly, isDetectAnomalyEnabled, setDetectAnomaly } from "./index.js";

afterEach(() => setDetectAnomaly(false));

describe("the anomaly check", () => {
  it("is off by default: log(0) is simply -Infinity", () => {
    expect(isDetectAnomalyEnabled()).toBe(false);
    expect(new Value(0).log().data).toBe(-Infinity);
  });

  it("catches log(0) in the forward pass and names the op and operand", () => {
    setDetectAnomaly(true);
    const x = new Value(0);
    expect(() => x.log()).toThrow(AnomalyError);
    expect(() => x.log()).toThrow("log produced -Infinity from (Value(data=0, grad=0))");
  });

  it("catches a gradient that becomes infinite in the backward pass", () => {
    const x = new Value(0);
    const y = x.pow(0.5); // √0 = 0 is fine; its slope at 0 is not
    expect(() => detectAnomaly(() => y.backward())).toThrow(/backward of \*\*0\.5 made the grad of its operand 0 Infinity/);
  });

  it("restores the previous setting after detectAnomaly, even when it throws", () => {
    expect(() => detectAnomaly(() => new Value(-1).log())).toThrow(AnomalyError);
    expect(isDetectAnomalyEnabled()).toBe(false);
    expect(detectAnomaly(() => new Value(2).mul(3).data)).toBe(6);
  });

  it("lets finite graphs through untouched", () => {
    setDetectAnomaly(true);
    const a = new Value(2);
    const y = a.mul(a).tanh();
    y.backward();
    expect(a.grad).toBeCloseTo(4 * (1 - Math.tanh(4) ** 2), 14);
  });
});
