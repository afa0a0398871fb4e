#!/usr/bin/python3
"""Writes the ONNX Runtime reference for `make bench`: torchvision's ssd300_vgg16 backbone and
heads (random weights, 21 classes; anchors and post-processing left out, as in savedserve's
SSD300 whose signature also stops at the heads), exported with Debian's python3-torch.

    bench/ssd300_onnx.py OUT.onnx [--batch N]
"""
import argparse

import torch
from torchvision.models.detection import ssd300_vgg16


class BackboneAndHeads(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.backbone = model.backbone
        self.head = model.head

    def forward(self, images):
        features = list(self.backbone(images).values())
        out = self.head(features)
        return out["bbox_regression"], out["cls_logits"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--batch", type=int, default=1)
    args = parser.parse_args()
    torch.manual_seed(0)
    net = BackboneAndHeads(ssd300_vgg16(weights=None, weights_backbone=None, num_classes=21))
    net.eval()
    params = sum(p.numel() for p in net.parameters())
    example = torch.randn(args.batch, 3, 300, 300)
    torch.onnx.export(net, example, args.out, input_names=["images"],
                      output_names=["localizations", "predictions"], opset_version=13,
                      dynamic_axes={"images": {0: "batch"}, "localizations": {0: "batch"},
                                    "predictions": {0: "batch"}})
    print(f"wrote {args.out}: torchvision ssd300_vgg16, {params / 1e6:.2f} M parameters")


if __name__ == "__main__":
    main()
