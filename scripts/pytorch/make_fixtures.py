#!/usr/bin/env python3
"""Writes the PyTorch fixtures that the engine, losses and optim tests compare against, and the
numbers of an independent Python port of the seeded generator (mulberry32).

Run with Debian's PyTorch (python3-torch, 1.13, float64):  /usr/bin/python3 scripts/pytorch/make_fixtures.py
It is not part of the test command; its output is committed. Every value comes from PyTorch's
own ops and autograd in float64, so the tests' expected numbers never come from our code.
Non-finite numbers are written as the strings "Infinity", "-Infinity" and "NaN".
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def num(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def leaf(x):
    return torch.tensor(float(x), requires_grad=True)


def grad_of(t):
    return num(t.grad) if t.grad is not None else 0.0


def unary_cases():
    ops = {
        "neg": lambda x: -x,
        "exp": torch.exp,
        "log": torch.log,
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "relu": torch.relu,
        "softplus": F.softplus,
    }
    points = [-1e4, -710.0, -30.0, -20.5, -3.7, -1.0, -0.25, 0.0, 0.3, 1.7, 2.9, 10.0, 19.9, 20.0, 20.5, 30.0, 710.0, 1e4]
    cases = []
    for name, f in ops.items():
        for p in points:
            if name == "log" and p < 0:
                continue
            x = leaf(p)
            y = f(x)
            y.backward()
            cases.append({"op": name, "x": num(p), "value": num(y), "grad": grad_of(x)})
    for k in [2.0, 3.0, -1.5, 0.5, 0.0]:
        for p in [0.3, 1.7, 2.9, 0.0]:
            if p == 0.0 and k < 1 and k != 0.0:
                continue
            x = leaf(p)
            y = x ** k
            y.backward()
            cases.append({"op": "pow", "k": k, "x": num(p), "value": num(y), "grad": grad_of(x)})
    return cases


def pair_cases(ops, pairs):
    """Each op of two leaves at each pair: its value and both gradients."""
    cases = []
    for name, f in ops.items():
        for pa, pb in pairs:
            a, b = leaf(pa), leaf(pb)
            y = f(a, b)
            y.backward()
            cases.append({"op": name, "a": num(pa), "b": num(pb), "value": num(y), "gradA": grad_of(a), "gradB": grad_of(b)})
    return cases


def binary_cases():
    ops = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b, "div": lambda a, b: a / b}
    return pair_cases(ops, [(0.3, 1.7), (-2.5, 0.4), (5 / 7, -3.25), (1e-3, 1e3), (0.0, 2.0), (2.0, 0.0)])


def logsumexp_cases():
    lists = [[1.0, 2.0, 3.0], [1000.0, 990.0], [1e4, -1e4, 0.5], [-1e4, -1e4], [1e17, 1e17], [0.1], [-3.0, 2.5, 0.0, 7.25, -0.5]]
    cases = []
    for xs in lists:
        t = torch.tensor(xs, requires_grad=True)
        y = torch.logsumexp(t, 0)
        y.backward()
        cases.append({"xs": [num(x) for x in xs], "value": num(y), "grads": [num(g) for g in t.grad]})
    return cases


def bce_cases():
    cases = []
    for p in [0.0, 1e-300, 1e-50, 1e-12, 0.2, 0.5, 0.8, 1 - 1e-12, 1.0]:
        for y in [0.0, 0.3, 1.0]:
            pt, yt = leaf(p), leaf(y)
            loss = F.binary_cross_entropy(pt, yt)
            loss.backward()
            cases.append({"p": num(p), "y": num(y), "value": num(loss), "grad": grad_of(pt), "gradY": grad_of(yt)})
    return cases


def bce_with_logits_cases():
    cases = []
    for z in [-1e4, -710.0, -30.0, -25.0, -3.0, -0.5, 0.0, 0.5, 3.0, 25.0, 30.0, 710.0, 1e4]:
        for y in [0.0, 0.25, 1.0]:
            zt, yt = leaf(z), leaf(y)
            loss = F.binary_cross_entropy_with_logits(zt, yt)
            loss.backward()
            cases.append({"z": num(z), "y": num(y), "value": num(loss), "grad": grad_of(zt), "gradY": grad_of(yt)})
    return cases


def more_op_cases():
    """The ops users reach for beyond micrograd's: value and gradient of each, at points where they bend, tie or break."""
    unary = {
        "abs": torch.abs, "sqrt": torch.sqrt, "sin": torch.sin, "cos": torch.cos, "log1p": torch.log1p, "expm1": torch.expm1,
        "silu": F.silu, "gelu": F.gelu, "geluTanh": lambda x: F.gelu(x, approximate="tanh"),
        "leakyRelu": F.leaky_relu, "leakyRelu0.2": lambda x: F.leaky_relu(x, 0.2), "clamp": lambda x: torch.clamp(x, -0.5, 1.5),
    }
    points = [-30.0, -3.7, -1.0, -0.5, -1e-8, 0.0, 1e-8, 0.3, 0.5, 1.5, 1.7, 2.9, 10.0, 30.0]
    cases = []
    for name, f in unary.items():
        for p in points:
            x = leaf(p)
            y = f(x)
            y.backward()
            cases.append({"op": name, "x": num(p), "value": num(y), "grad": grad_of(x)})
    binary = {"max": torch.maximum, "min": torch.minimum, "pow": torch.pow}
    pairs = [(1.5, 1.5), (-2.0, 3.0), (3.0, -2.0), (0.25, 0.25), (2.0, 3.0), (0.5, -1.5), (0.0, 2.0), (0.0, 0.0), (-2.0, 3.0), (-2.0, 0.5), (3.0, 0.0), (1.7, 2.9)]
    return cases + pair_cases(binary, pairs)


def accumulation_cases():
    """Leaves across several backward() calls: PyTorch sums a pass's contributions, then adds the sum to .grad."""
    out = {}
    x = leaf(1e-150)
    (x * 0.5).backward()
    (x / x).backward()
    out["halfThenRatio"] = {"x": num(1e-150), "grad": grad_of(x)}
    w = leaf(3.0)
    w.grad = torch.tensor(1e16)
    (w * 1.0 + w * 1.0).backward()
    out["twoOnesOnTop"] = {"w": 3.0, "start": 1e16, "grad": grad_of(w)}
    a, b = leaf(0.1), leaf(0.7)
    grads = []
    for k in range(1, 6):
        y = (a * b * k + a.tanh() * 0.3 - b / (a + k)) * (a + b)
        y.backward()
        grads.append([num(a.grad), num(b.grad)])
    out["fivePasses"] = {"a": 0.1, "b": 0.7, "grads": grads}
    return out


def second_grads(y, xs):
    """The first derivatives of y by each of xs, with create_graph, and the matrix of second derivatives (0 where PyTorch's gradient does not depend on an input)."""
    first = torch.autograd.grad(y, xs, create_graph=True)
    rows = []
    for g in first:
        if g.requires_grad:
            row = torch.autograd.grad(g, xs, allow_unused=True, retain_graph=True)
            rows.append([num(r) if r is not None else 0.0 for r in row])
        else:
            rows.append([0.0 for _ in xs])
    return [num(g) for g in first], rows


def second_order_cases():
    """Second derivatives of every op, by torch.autograd.grad(..., create_graph=True) twice."""
    unary = {
        "neg": lambda x: -x, "exp": torch.exp, "log": torch.log, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu,
        "softplus": F.softplus, "abs": torch.abs, "sqrt": torch.sqrt, "sin": torch.sin, "cos": torch.cos, "log1p": torch.log1p,
        "expm1": torch.expm1, "silu": F.silu, "gelu": F.gelu, "geluTanh": lambda x: F.gelu(x, approximate="tanh"),
        "leakyRelu": F.leaky_relu, "leakyRelu0.2": lambda x: F.leaky_relu(x, 0.2), "clamp": lambda x: torch.clamp(x, -0.5, 1.5),
        "pow2": lambda x: x ** 2, "pow3": lambda x: x ** 3, "pow-1.5": lambda x: x ** -1.5, "pow0.5": lambda x: x ** 0.5,
    }
    points = [-3.7, -1.0, -0.25, 0.0, 0.3, 1.7, 2.9, 25.0]
    cases = []
    for name, f in unary.items():
        for p in points:
            x = leaf(p)
            first, rows = second_grads(f(x), [x])
            cases.append({"op": name, "x": num(p), "grad": first[0], "second": rows[0][0]})
    binary = {
        "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b, "div": lambda a, b: a / b,
        "max": torch.maximum, "min": torch.minimum, "pow": torch.pow,
        "bce": F.binary_cross_entropy, "bceWithLogits": F.binary_cross_entropy_with_logits,
    }
    pairs = [(0.3, 0.7), (0.8, 0.25), (0.5, 0.5), (0.05, 1.0), (1.7, 0.6), (2.5, 0.1)]
    pair_cases = []
    for name, f in binary.items():
        # pow at an exponent of exactly 0, where PyTorch gives the base a gradient of 0 (a
        # `where`) and so its second derivative drops a term that finite differences would see.
        for pa, pb in pairs + ([(0.75, 0.0)] if name == "pow" else []):
            if name == "bce" and pa > 1:
                continue
            a, b = leaf(pa), leaf(pb)
            first, rows = second_grads(f(a, b), [a, b])
            pair_cases.append({"op": name, "a": pa, "b": pb, "grads": first, "hessian": rows})
    lists = {"sum": [0.3, -1.2, 2.5], "logsumexp": [0.3, -1.2, 2.5, 0.0]}
    nary_cases = []
    for name, xs in lists.items():
        ts = [leaf(x) for x in xs]
        y = torch.logsumexp(torch.stack(ts), 0) if name == "logsumexp" else torch.stack(ts).sum()
        first, rows = second_grads(y, ts)
        nary_cases.append({"op": name, "xs": xs, "grads": first, "hessian": rows})
    xs, ys = [0.3, -1.2, 2.5], [1.5, 0.25, -0.75]
    ts = [leaf(x) for x in xs + ys]
    y = torch.tanh((torch.stack(ts[:3]) * torch.stack(ts[3:])).sum())
    first, rows = second_grads(y, ts)
    nary_cases.append({"op": "tanhOfDot", "xs": xs, "ys": ys, "grads": first, "hessian": rows})
    return {"unary": cases, "binary": pair_cases, "nary": nary_cases, "hvp": hvp_case(), "third": third_cases()}


def hvp_case():
    """A Hessian-vector product: an MLP(2, [2, 1]) of tanh neurons, squared error on three points, Hessian of the loss by its 9 parameters times v."""
    params = [leaf(p) for p in [0.5, -0.3, 0.1, 0.8, 0.2, -0.6, 0.7, -0.4, 0.05]]
    w1, b1, w2, b2 = torch.stack(params[0:4]).reshape(2, 2), torch.stack(params[4:6]), torch.stack(params[6:8]), params[8]
    xs, ts = [[1.0, -2.0], [0.5, 0.25], [-1.5, 3.0]], [1.0, -1.0, 0.5]
    loss = 0
    for x, t in zip(xs, ts):
        h = torch.tanh(w1 @ torch.tensor(x) + b1)
        out = torch.tanh((w2 * h).sum() + b2)
        loss = loss + (out - t) ** 2
    v = [0.3, -0.1, 0.2, 0.5, -0.4, 0.6, 0.1, -0.2, 0.25]
    grads = torch.autograd.grad(loss, params, create_graph=True)
    dot = sum(g * vi for g, vi in zip(grads, v))
    hv = torch.autograd.grad(dot, params)
    return {"params": [num(p) for p in params], "xs": xs, "targets": ts, "v": v, "loss": num(loss), "grads": [num(g) for g in grads], "hv": [num(h) for h in hv]}


def third_cases():
    """Third derivatives, by grad three times: the gradients of gradients stay differentiable."""
    ops = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "exp": torch.exp, "gelu": F.gelu, "sin": torch.sin}
    cases = []
    for name, f in ops.items():
        for p in [-1.3, 0.4, 2.2]:
            x = leaf(p)
            (g1,) = torch.autograd.grad(f(x), x, create_graph=True)
            (g2,) = torch.autograd.grad(g1, x, create_graph=True)
            (g3,) = torch.autograd.grad(g2, x)
            cases.append({"op": name, "x": p, "third": num(g3)})
    return cases


def relu_nan():
    # A NaN made from two infinite leaves, through relu: PyTorch passes the gradient through NaN.
    a, b = leaf(math.inf), leaf(math.inf)
    y = torch.relu(a - b)
    y.backward()
    negzero = torch.relu(torch.tensor(-0.0))
    return {"value": num(y), "gradA": grad_of(a), "gradB": grad_of(b), "reluOfNegativeZeroSign": math.copysign(1.0, float(negzero))}


def loss_cases():
    out = {"crossEntropy": [], "bceWithLogits": [], "bce": [], "mse": [], "hinge": []}
    for logits, cls in [
        ([[1.0, 2.0, 3.0]], [0]),
        ([[1e17, 1e17]], [0]),
        ([[1000.0, 990.0]], [0]),
        ([[1e4, -1e4, 0.0], [-1e4, 1e4, 3.0]], [1, 0]),
        ([[0.5, -1.25, 2.0, 0.0], [3.0, 3.0, -2.0, 1.0], [-0.75, 0.25, 0.5, -3.0]], [2, 0, 3]),
    ]:
        t = torch.tensor(logits, requires_grad=True)
        loss = F.cross_entropy(t, torch.tensor(cls))
        loss.backward()
        out["crossEntropy"].append({"logits": [[num(x) for x in r] for r in logits], "classes": cls, "value": num(loss), "grads": [[num(g) for g in r] for r in t.grad]})
    for logits, ys in [
        ([-3.0, -0.5, 0.0, 0.5, 3.0], [0.0, 1.0, 1.0, 0.0, 1.0]),
        ([1e4, -1e4], [0.0, 1.0]),
        ([1e4, -1e4], [1.0, 0.0]),
        ([30.0, -30.0, 25.0, -25.0], [1.0, 0.0, 0.0, 1.0]),
        ([0.7, -1.3], [0.25, 0.6]),
    ]:
        t = torch.tensor(logits, requires_grad=True)
        loss = F.binary_cross_entropy_with_logits(t, torch.tensor(ys))
        loss.backward()
        out["bceWithLogits"].append({"logits": [num(x) for x in logits], "targets": ys, "value": num(loss), "grads": [num(g) for g in t.grad]})
    for ps, ys in [([0.8, 0.3], [1.0, 0.0]), ([0.0, 1.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0]), ([0.25, 0.6, 0.999], [0.3, 1.0, 0.0])]:
        t = torch.tensor(ps, requires_grad=True)
        loss = F.binary_cross_entropy(t, torch.tensor(ys))
        loss.backward()
        out["bce"].append({"probabilities": ps, "targets": ys, "value": num(loss), "grads": [num(g) for g in t.grad]})
    for ps, ys in [([0.5, -0.5, 2.0], [1.0, -1.0, 1.0]), ([3.0], [1.0]), ([1e3, -2.5e-3, 0.125], [-7.0, 0.0, 0.5])]:
        t = torch.tensor(ps, requires_grad=True)
        loss = F.mse_loss(t, torch.tensor(ys))
        loss.backward()
        out["mse"].append({"predictions": ps, "targets": ys, "value": num(loss), "grads": [num(g) for g in t.grad]})
    for ss, ys in [([2.0, 0.5, -0.5], [1.0, 1.0, 1.0]), ([2.0, 0.5], [1.0, -1.0]), ([0.25, -3.0, 1.0, -1.0], [-1.0, -1.0, 1.0, 1.0])]:
        t = torch.tensor(ss, requires_grad=True)
        loss = torch.relu(1 - torch.tensor(ys) * t).mean()  # micrograd's max-margin loss
        loss.backward()
        out["hinge"].append({"scores": ss, "labels": ys, "value": num(loss), "grads": [num(g) for g in t.grad]})
    return out


GRADS = [0.5, -1.25, 2.0, 0.125, -0.75, 1.5]


def run_optimizer(make):
    p = torch.tensor([1.5, -0.25], requires_grad=True)
    opt = make([p])
    for t, g in enumerate(GRADS):
        p.grad = torch.tensor([g, -2 * g + 0.1 * t])
        opt.step()
    return [num(x) for x in p.detach()]


def optim_cases():
    cases = []
    for momentum, dampening, nesterov, wd in [(0.0, 0.0, False, 0.0), (0.9, 0.0, False, 0.0), (0.9, 0.0, True, 0.0), (0.5, 0.1, False, 0.01), (0.8, 0.0, True, 0.05)]:
        opts = {"lr": 0.1, "momentum": momentum, "dampening": dampening, "nesterov": nesterov, "weightDecay": wd}
        final = run_optimizer(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=momentum, dampening=dampening, nesterov=nesterov, weight_decay=wd))
        cases.append({"optimizer": "SGD", "options": opts, "final": final})
    for lr, b1, b2, eps, wd in [(0.001, 0.9, 0.999, 1e-8, 0.0), (0.01, 0.8, 0.99, 1e-6, 0.1), (0.5, 0.5, 0.9, 1e-3, 0.0)]:
        opts = {"lr": lr, "betas": [b1, b2], "eps": eps, "weightDecay": wd}
        final = run_optimizer(lambda ps: torch.optim.Adam(ps, lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd))
        cases.append({"optimizer": "Adam", "options": opts, "final": final})
    for lr, wd in [(0.01, 0.01), (0.1, 0.5)]:
        opts = {"lr": lr, "weightDecay": wd}
        final = run_optimizer(lambda ps: torch.optim.AdamW(ps, lr=lr, weight_decay=wd))
        cases.append({"optimizer": "AdamW", "options": opts, "final": final})
    schedules = []
    p = torch.tensor([0.0], requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100, eta_min=0.001)
    for step in range(101):
        schedules.append({"schedule": "cosine", "initial": 0.1, "steps": 100, "min": 0.001, "step": step, "lr": num(opt.param_groups[0]["lr"])})
        opt.step()
        sched.step()
    p = torch.tensor([0.0], requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
    for step in range(30):
        schedules.append({"schedule": "step", "initial": 0.1, "gamma": 0.5, "every": 10, "step": step, "lr": num(opt.param_groups[0]["lr"])})
        opt.step()
        sched.step()
    return {"grads": GRADS, "start": [1.5, -0.25], "cases": cases, "schedules": schedules}


def mulberry32(seed):
    """An independent port of mulberry32 (Tommy Ettinger's generator), the algorithm Random uses."""
    state = seed & 0xFFFFFFFF

    def imul(a, b):
        return (a * b) & 0xFFFFFFFF

    def next_float():
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = state
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return next_float


def random_cases():
    sequences = {}
    for seed in [0, 7, 42, -3]:
        rnd = mulberry32(seed)
        sequences[str(seed)] = [rnd() for _ in range(8)]
    rnd = mulberry32(5)
    items = list(range(8))
    for i in range(len(items) - 1, 0, -1):
        j = math.floor(rnd() * (i + 1))
        items[i], items[j] = items[j], items[i]
    # MLP(2, [16, 16, 1], seed 42), uniform init: each neuron draws its weights from U(-1, 1), bias 0.
    rnd = mulberry32(42)
    params = []
    for nin, nout in [(2, 16), (16, 16), (16, 1)]:
        for _ in range(nout):
            params += [-1 + 2 * rnd() for _ in range(nin)] + [0.0]
    return {"next": sequences, "shuffle": {"seed": 5, "input": list(range(8)), "output": items}, "mlpSeed42": params[:40]}


def write(path, data):
    full = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        json.dump({"generator": "scripts/pytorch/make_fixtures.py", "torch": torch.__version__, **data}, f, indent=1, allow_nan=False)
        f.write("\n")
    print("wrote", path)


write("packages/engine/test/fixtures/pytorch-ops.json", {
    "unary": unary_cases(), "binary": binary_cases(), "logsumexp": logsumexp_cases(), "bce": bce_cases(), "bceWithLogits": bce_with_logits_cases(), "reluNaN": relu_nan(),
    "accumulation": accumulation_cases(), "more": more_op_cases(),
})
write("packages/engine/test/fixtures/pytorch-second-order.json", second_order_cases())
write("packages/losses/test/fixtures/pytorch-losses.json", loss_cases())
write("packages/engine/test/fixtures/mulberry32.json", random_cases())
write("packages/optim/test/fixtures/pytorch-optim.json", optim_cases())
