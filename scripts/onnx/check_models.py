#!/usr/bin/env python3
"""Checks ONNX files with the ONNX project's own checker (full check, with shape inference).

Run with Debian's python3-onnx:  /usr/bin/python3 scripts/onnx/check_models.py model.onnx …
Not part of the test command (the tests run every export in ONNX Runtime); a cross-check that
the files are valid by the specification, not only loadable by one runtime.
"""
import sys

import onnx

for path in sys.argv[1:]:
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    inputs = [i.name for i in model.graph.input]
    outputs = [o.name for o in model.graph.output]
    print(f"{path}: valid (onnx {onnx.__version__}, opsets {[(o.domain or 'ai.onnx', o.version) for o in model.opset_import]}); inputs {inputs}; outputs {outputs}")
