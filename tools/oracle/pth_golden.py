"""Write the .pth and safetensors files that models/checkpoint tests read.

usage: /usr/bin/python3 tools/oracle/pth_golden.py

Needs PyTorch (Debian's python3-torch 1.13 was used). Every .pth file is made
by torch.save itself; each expected-values file is safetensors written by
hand with struct and json, because the safetensors package is not installed.
All files go to models/checkpoint/testdata/. Rerunning rewrites them with
the same bytes, except lenet5_legacy.pth and tiny_torchscript.pt, whose
bytes vary between runs although their contents do not.
"""
import collections
import json
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "models", "checkpoint", "testdata")


class LeNet5(nn.Module):
    """LeNet-5 for 28×28 MNIST digits: the layer shapes the Go engine uses."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)  # (6, 1, 5, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)  # (16, 6, 5, 5)
        self.fc1 = nn.Linear(16 * 4 * 4, 120)  # (120, 256)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class Tiny(nn.Module):
    """A one-layer model, small enough to keep the TorchScript archive small."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)

    def forward(self, x):
        return self.fc(x)


def write_safetensors(path, tensors, metadata=None):
    """Write float32 tensors as safetensors: sorted keys, header padded with
    spaces to a multiple of 8 bytes, the layout that checkpoint.WriteFile
    also writes."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = dict(sorted(metadata.items()))
    for name in sorted(tensors):
        t = tensors[name].detach().to(torch.float32).contiguous()
        data = struct.pack("<%df" % t.numel(), *t.flatten().tolist())
        header[name] = {"dtype": "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-(8 + len(encoded)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for data in chunks:
            f.write(data)


def save(obj, name, **kwargs):
    torch.save(obj, os.path.join(OUT, name), **kwargs)


def lenet_files():
    torch.manual_seed(1)
    model = LeNet5()
    state = model.state_dict()
    write_safetensors(os.path.join(OUT, "lenet5.safetensors"), state,
                      {"source": "tools/oracle/pth_golden.py", "seed": "1"})

    save(state, "lenet5.pth")
    save(nn.DataParallel(model).state_dict(), "lenet5_module_prefix.pth")
    save({"state_dict": state}, "lenet5_state_dict_wrapper.pth")
    save(state, "lenet5_legacy.pth", _use_new_zipfile_serialization=False)
    save(model, "lenet5_whole_model.pth")

    # A training checkpoint: the weights beside the epoch and optimizer
    # state, whose momentum buffers are tensors that must not be imported.
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    model(torch.randn(2, 1, 28, 28)).sum().backward()
    optimizer.step()
    save({"model": model.state_dict(), "epoch": 3, "optimizer": optimizer.state_dict()},
         "lenet5_model_wrapper.pth")
    write_safetensors(os.path.join(OUT, "lenet5_model_wrapper.safetensors"),
                      model.state_dict())


def layout_files():
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    tensors = collections.OrderedDict([
        ("transposed", base.t()),  # (6, 4), strides (1, 6)
        ("slice", base[1:3, 2:5]),  # (2, 3), storage offset 8, strides (6, 1)
        ("step", base[::2, ::3]),  # (2, 2), strides (12, 3)
        ("shared", base),  # the same storage again
        ("scalar", torch.tensor(2.5)),  # shape ()
        ("empty", torch.zeros(0, 3)),
    ])
    for name, t in tensors.items():
        print("%-10s shape %-14s stride %-10s offset %d contiguous %s" % (
            name, tuple(t.shape), t.stride(), t.storage_offset(), t.is_contiguous()))
    save(tensors, "layouts.pth")
    # Protocol 4 adds FRAME, MEMOIZE and SHORT_BINUNICODE to the opcodes used.
    save(tensors, "layouts_protocol4.pth", pickle_protocol=4)
    write_safetensors(os.path.join(OUT, "layouts.safetensors"), tensors)


def dtype_files():
    values = torch.tensor([[0.1, -2.5, 1e-3], [3.0e4, -0.0, 65504.0]], dtype=torch.float64)
    tensors = collections.OrderedDict([
        ("double", values),
        ("half", values.to(torch.float16)),
        ("bfloat16", values.to(torch.bfloat16)),
        ("bn.num_batches_tracked", torch.tensor(7)),  # int64, skipped by the reader
        ("mask", torch.tensor([True, False])),  # bool, skipped by the reader
    ])
    save(tensors, "dtypes.pth")
    write_safetensors(os.path.join(OUT, "dtypes.safetensors"),
                      {k: v for k, v in tensors.items() if v.is_floating_point()})


def torchscript_file():
    torch.manual_seed(1)
    torch.jit.script(Tiny()).save(os.path.join(OUT, "tiny_torchscript.pt"))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    lenet_files()
    layout_files()
    dtype_files()
    torchscript_file()
    print("torch", torch.__version__, "wrote", sorted(os.listdir(OUT)))
