"""Train the classic LeNet-5 for one epoch in PyTorch 1.13, save its
state_dict as a .pth (zip format) and record PyTorch's own evaluation of it
on the 10,000 MNIST test digits.

usage: /usr/bin/python3 tools/oracle/lenet_pth.py MNIST_DIR

Writes models/testdata/lenet5_torch.pth and models/testdata/lenet5_torch.json
({"correct", "total", "avg_loss"}); the Go test evaluates the same file and
must agree on the count and on the mean loss to 1e-4. The model and the
input scaling are those of the reference script lenet_train.py.
"""
import gzip
import json
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def idx(path):
    raw = gzip.open(path).read()
    if raw[2:4] == b"\x08\x03":
        return np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 1, 28, 28)
    return np.frombuffer(raw, np.uint8, offset=8)


def images(path):
    return (torch.tensor(idx(path)).float() / 255 - 0.1307) / 0.3081


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(256, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.avg_pool2d(F.relu(self.conv1(x)), 2)
        x = F.avg_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(x.flatten(1)))
        return self.fc3(F.relu(self.fc2(x)))


def main():
    data = sys.argv[1]
    torch.manual_seed(1)
    torch.set_num_threads(1)
    x = images(f"{data}/train-images-idx3-ubyte.gz")
    y = torch.tensor(idx(f"{data}/train-labels-idx1-ubyte.gz")).long()
    xt = images(f"{data}/t10k-images-idx3-ubyte.gz")
    yt = torch.tensor(idx(f"{data}/t10k-labels-idx1-ubyte.gz")).long()
    model = LeNet5()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    perm = torch.randperm(len(x))
    for i in range(0, len(x), 64):
        j = perm[i:i + 64]
        opt.zero_grad()
        F.cross_entropy(model(x[j]), y[j]).backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        out = model(xt)
    result = {
        "source": "PyTorch " + torch.__version__ + ", tools/oracle/lenet_pth.py",
        "correct": int((out.argmax(1) == yt).sum()),
        "total": len(yt),
        "avg_loss": F.cross_entropy(out, yt, reduction="sum").item() / len(yt),
    }
    torch.save(model.state_dict(), "models/testdata/lenet5_torch.pth")
    with open("models/testdata/lenet5_torch.json", "w") as f:
        json.dump(result, f, indent=1)
    print(result)


main()
