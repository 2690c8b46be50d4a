"""Write models/testdata/layers.json: forward outputs and gradients of each
engine layer, the loss and the optimisers, computed by PyTorch 1.13.

usage: /usr/bin/python3 tools/oracle/layers_golden.py

Each case holds the input, the parameters, an upstream gradient dy, and
PyTorch's output y, input gradient dx and parameter gradients. The Go tests
in models/ compare against these numbers.
"""
import json

import torch
import torch.nn.functional as F

torch.manual_seed(7)


def flat(t):
    return {"shape": list(t.shape), "data": [float("%.9g" % v) for v in t.detach().flatten()]}


def case(name, fn, x, params):
    x = x.clone().requires_grad_(True)
    params = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    y = fn(x, params)
    dy = torch.randn_like(y)
    y.backward(dy)
    return {
        "name": name, "x": flat(x), "y": flat(y), "dy": flat(dy), "dx": flat(x.grad),
        "params": {k: flat(v) for k, v in params.items()},
        "grads": {k: flat(v.grad) for k, v in params.items()},
    }


def conv_case(name, n, c, f, h, w, k, pad):
    params = {"weight": torch.randn(f, c, k, k) * 0.3, "bias": torch.randn(f) * 0.1}
    return case(name, lambda x, p: F.conv2d(x, p["weight"], p["bias"], padding=pad),
                torch.randn(n, c, h, w), params)


def conv1d_case(name, n, c, f, length, k, pad):
    params = {"weight": torch.randn(f, c, k) * 0.3, "bias": torch.randn(f) * 0.1}
    return case(name, lambda x, p: F.conv1d(x, p["weight"], p["bias"], padding=pad),
                torch.randn(n, c, length), params)


def optimiser_cases():
    out = []
    for kind, make in [
        ("adam", lambda ps: torch.optim.Adam(ps, lr=0.01)),
        ("sgd", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9)),
    ]:
        p = torch.randn(7, requires_grad=True)
        start = p.detach().clone()
        opt = make([p])
        grads = [torch.randn(7) for _ in range(3)]
        for g in grads:
            p.grad = g.clone()
            opt.step()
        out.append({"name": kind, "start": flat(start), "grads": [flat(g) for g in grads],
                    "end": flat(p)})
    return out


def main():
    layers = [
        conv_case("conv 1→6 k5 batch 2", 2, 1, 6, 12, 10, 5, 0),
        conv_case("conv 3→4 k3 pad 1 batch 9", 9, 3, 4, 7, 6, 3, 1),
        conv_case("conv 6→16 k5 batch 17", 17, 6, 16, 9, 9, 5, 0),
        conv1d_case("conv1d 3→5 k3 pad 1 batch 11", 11, 3, 5, 21, 3, 1),
        conv1d_case("conv1d 2→4 k5 batch 3", 3, 2, 4, 9, 5, 0),
        case("avgpool 2", lambda x, p: F.avg_pool2d(x, 2), torch.randn(3, 2, 7, 6), {}),
        case("maxpool 2", lambda x, p: F.max_pool2d(x, 2), torch.randn(3, 2, 7, 6), {}),
        case("linear 13→5", lambda x, p: F.linear(x, p["weight"], p["bias"]),
             torch.randn(6, 13), {"weight": torch.randn(5, 13), "bias": torch.randn(5)}),
        case("relu", lambda x, p: F.relu(x), torch.randn(4, 11), {}),
        case("tanh", lambda x, p: torch.tanh(x), torch.randn(4, 11), {}),
        case("sigmoid", lambda x, p: torch.sigmoid(x), torch.randn(4, 11), {}),
    ]
    logits = (torch.randn(5, 10) * 3).requires_grad_(True)
    labels = torch.tensor([3, 0, 9, 3, 7])
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    golden = {
        "source": "PyTorch " + torch.__version__,
        "layers": layers,
        "cross_entropy": {"logits": flat(logits), "labels": labels.tolist(),
                          "loss": loss.item(), "grad": flat(logits.grad)},
        "optimizers": optimiser_cases(),
    }
    with open("models/testdata/layers.json", "w") as f:
        json.dump(golden, f)


main()
