"""Write explain/testdata/golden.safetensors: saliency and Grad-CAM maps of
LeNet-5 for 20 real MNIST test digits, computed by PyTorch 1.13; and
explain/testdata/golden1d.safetensors: the same for a small 1-D CNN.

usage: /usr/bin/python3 tools/oracle/explain_golden.py

Inputs are committed files: the weights explain/testdata/lenet5.safetensors
(a LeNet-5 trained by `pipeline train` with Adam, learning rate 0.001) and
the first 20 MNIST test images, mnist/testdata/t10k-images-first20-idx3-ubyte.gz.
The formulas are those of the PyTorch reference explain script: one
backward pass from the sum of each item's target logit; saliency is the
input gradient reduced over channels, Grad-CAM weighs a layer's channels by
the spatial mean of their gradient, applies ReLU, upsamples bilinearly with
align_corners=False and min-max scales each map to [0, 1].

The output holds, as float32 tensors: x [20, 1, 28, 28] (the normalised
input), logits [20, 10], and for each case a saliency and a Grad-CAM map
[20, 28, 28] plus the targets [20] (stored as float32):
  predicted.*  target = predicted class, abs saliency, Grad-CAM at act2
  conv2.*      target = predicted class, signed saliency, Grad-CAM at conv2
  fixed.*      target = class 3, signed saliency, Grad-CAM at act2
  fixed_conv2.* target = class 3, abs saliency, Grad-CAM at conv2

The 1-D network takes [3, 21] inputs (as keypoint sequences are laid out):
Conv1d 3->5 (kernel 3), ReLU, Conv1d 5->6, ReLU, flatten, 102 -> 8 -> 4,
with weights drawn from torch.manual_seed(11) and stored in
explain/testdata/conv1d.safetensors. Its golden file contains x
[6, 3, 21], logits, predicted.* (abs saliency, Grad-CAM at act2) and
fixed.* (target 2, signed saliency, Grad-CAM at conv1), with maps [6, 21].
Its Grad-CAM is upsampled with F.interpolate(mode="linear").
"""
import gzip
import json
import struct
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = ROOT / "explain/testdata/lenet5.safetensors"
DIGITS = ROOT / "mnist/testdata/t10k-images-first20-idx3-ubyte.gz"
OUT = ROOT / "explain/testdata/golden.safetensors"
WEIGHTS_1D = ROOT / "explain/testdata/conv1d.safetensors"
OUT_1D = ROOT / "explain/testdata/golden1d.safetensors"
FIXED_TARGET = 3


def read_safetensors(path):
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    body = raw[8 + n:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", entry
        lo, hi = entry["data_offsets"]
        tensors[name] = torch.tensor(np.frombuffer(body[lo:hi], "<f4").reshape(entry["shape"]))
    return tensors


def write_safetensors(path, tensors):
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        data = tensors[name].detach().contiguous().float().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(chunks))


class LeNet5(nn.Module):
    """LeNet-5 as models.LeNet5: ReLU and 2x2 average pooling."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(256, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        a1 = F.relu(self.conv1(x))
        c2 = self.conv2(F.avg_pool2d(a1, 2))
        a2 = F.relu(c2)
        h = F.relu(self.fc1(F.avg_pool2d(a2, 2).flatten(1)))
        return self.fc3(F.relu(self.fc2(h))), {"conv2": c2, "act2": a2}


class Conv1dNet(nn.Module):
    """The network models.Spec builds for Input [3, 21], Conv [5, 6],
    Kernel 3, no padding, no pooling, FC [8], 4 classes."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(3, 5, 3)
        self.conv2 = nn.Conv1d(5, 6, 3)
        self.fc1 = nn.Linear(6 * 17, 8)
        self.fc2 = nn.Linear(8, 4)

    def forward(self, x):
        c1 = self.conv1(x)
        a1 = F.relu(c1)
        a2 = F.relu(self.conv2(a1))
        return self.fc2(F.relu(self.fc1(a2.flatten(1)))), {"conv1": c1, "act2": a2}


def explain(model, x, target, layer, signed):
    x = x.clone().requires_grad_(True)
    logits, acts = model(x)
    act = acts[layer]
    act.retain_grad()
    targets = logits.argmax(1) if target is None else torch.full((len(x),), target)
    logits.gather(1, targets[:, None]).sum().backward()
    grad = x.grad
    if signed:
        channel = grad.abs().argmax(1, keepdim=True)
        saliency = grad.gather(1, channel)[:, 0]
    else:
        saliency = grad.abs().amax(1)
    weights = act.grad.mean(tuple(range(2, act.dim())), keepdim=True)
    cam = F.relu((weights * act).sum(1, keepdim=True))
    mode = "bilinear" if x.dim() == 4 else "linear"
    cam = F.interpolate(cam, size=x.shape[2:], mode=mode, align_corners=False)[:, 0]
    lo = cam.flatten(1).min(1).values.view(-1, *[1] * (cam.dim() - 1))
    hi = cam.flatten(1).max(1).values.view(-1, *[1] * (cam.dim() - 1))
    cam = torch.where(hi - lo > 0, (cam - lo) / (hi - lo).clamp_min(1e-12),
                      torch.zeros_like(cam))
    return logits.detach(), targets, saliency.detach(), cam.detach()


def main():
    torch.set_num_threads(1)
    raw = gzip.open(DIGITS).read()
    pixels = np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 1, 28, 28)
    x = (torch.tensor(pixels).float() / 255 - 0.1307) / 0.3081

    model = LeNet5().eval()
    model.load_state_dict(read_safetensors(WEIGHTS))

    out = {"x": x}
    cases = {"predicted": (None, "act2", False), "conv2": (None, "conv2", True),
             "fixed": (FIXED_TARGET, "act2", True), "fixed_conv2": (FIXED_TARGET, "conv2", False)}
    for name, (target, layer, signed) in cases.items():
        logits, targets, saliency, cam = explain(model, x, target, layer, signed)
        out["logits"] = logits
        out[name + ".targets"] = targets.float()
        out[name + ".saliency"] = saliency
        out[name + ".gradcam"] = cam
    write_safetensors(OUT, out)
    print(f"wrote {OUT.relative_to(ROOT)}: predicted {out['predicted.targets'].int().tolist()}")
    write_1d()


def write_1d():
    torch.manual_seed(11)
    model = Conv1dNet().eval()
    write_safetensors(WEIGHTS_1D, model.state_dict())
    x = torch.randn(6, 3, 21)
    out = {"x": x}
    for name, (target, layer, signed) in {"predicted": (None, "act2", False),
                                          "fixed": (2, "conv1", True)}.items():
        logits, targets, saliency, cam = explain(model, x, target, layer, signed)
        out["logits"] = logits
        out[name + ".targets"] = targets.float()
        out[name + ".saliency"] = saliency
        out[name + ".gradcam"] = cam
    write_safetensors(OUT_1D, out)
    print(f"wrote {OUT_1D.relative_to(ROOT)}: predicted {out['predicted.targets'].int().tolist()}")


main()
