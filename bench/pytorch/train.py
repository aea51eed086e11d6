"""One bench workload in PyTorch (CPU, float64, one thread), for `pnpm bench`'s PyTorch column.

Reads the workload as JSON on stdin — sizes, activation, loss, L2, optimizer, the network's
starting weights, the data and the epoch's batches in the order the other implementations take
them — trains the same network the same way, and prints {"first": <first step's loss>, "ms":
<best milliseconds per run>} as JSON. A run is one epoch (or one step for a full batch).
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

spec = json.load(sys.stdin)
sizes = spec["sizes"]
layers = []
for l, (weights, biases) in enumerate(zip(spec["weights"], spec["biases"])):
    layer = torch.nn.Linear(sizes[l], sizes[l + 1])
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(weights).reshape(sizes[l + 1], sizes[l]))
        layer.bias.copy_(torch.tensor(biases))
    layers.append(layer)
params = [p for layer in layers for p in layer.parameters()]
x = torch.tensor(spec["x"]).reshape(-1, sizes[0])
y = torch.tensor(spec["y"])
hidden = torch.relu if spec["activation"] == "relu" else torch.tanh
if spec["optimizer"]["kind"] == "sgd":
    optimizer = torch.optim.SGD(params, lr=spec["optimizer"]["lr"])
else:
    optimizer = torch.optim.Adam(params, lr=spec["optimizer"]["lr"])
batches = [torch.tensor(b, dtype=torch.long) for b in spec["batches"]]


def step(rows):
    h = x[rows]
    for l, layer in enumerate(layers):
        h = layer(h)
        if l < len(layers) - 1:
            h = hidden(h)
    if spec["loss"] == "hinge":
        labels = torch.where(y[rows] > 0, 1.0, -1.0)
        loss = torch.relu(1 - labels * h[:, 0]).mean()
    else:
        loss = torch.nn.functional.cross_entropy(h, y[rows].long())
    if spec["l2"]:
        loss = loss + spec["l2"] * sum((p * p).sum() for p in params)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def epoch():
    first = None
    for rows in batches:
        loss = step(rows)
        if first is None:
            first = loss
    return first


first = epoch()
for _ in range(spec["warmup"]):
    epoch()
best = float("inf")
for _ in range(spec["samples"]):
    start = time.perf_counter()
    epoch()
    best = min(best, (time.perf_counter() - start) * 1000)
print(json.dumps({"first": first, "ms": best}))
