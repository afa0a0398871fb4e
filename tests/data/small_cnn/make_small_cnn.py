#!/usr/bin/python3
"""Generates the small-CNN check for the kernels (src/kernels/cpu/small_cnn_test.cc).

A seeded random network — conv 3x3 + bias + ReLU, depthwise 3x3 stride 2 (multiplier 2),
inference batch norm, 2x2 max pool, flatten, dense layer + bias, softmax — is evaluated
in numpy (float64, TensorFlow's NHWC layout, filter layout and SAME padding rule) and the
inputs, weights and expected outputs are written beside this script as .npy files
(float32). Run it again to regenerate; the output is deterministic:

    /usr/bin/python3 tests/data/small_cnn/make_small_cnn.py   (Debian python3-numpy)
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
EPSILON = 0.001


def same_padding(size, window, stride, dilation=1):
    """TF SAME: output ceil(size / stride); the odd pixel of padding goes after."""
    effective = (window - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + effective - size, 0)
    return out, total // 2, total - total // 2


def conv2d_same(x, w, stride):
    """x [N,H,W,C], w [KH,KW,C,O] -> [N,OH,OW,O], summing shifted slices."""
    n, h, wd, _ = x.shape
    kh, kw, _, o = w.shape
    oh, top, bottom = same_padding(h, kh, stride)
    ow, left, right = same_padding(wd, kw, stride)
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    out = np.zeros((n, oh, ow, o))
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, i:i + stride * (oh - 1) + 1:stride, j:j + stride * (ow - 1) + 1:stride, :]
            out += np.einsum('nhwc,co->nhwo', patch, w[i, j])
    return out


def depthwise_same(x, w, stride):
    """x [N,H,W,C], w [KH,KW,C,M] -> [N,OH,OW,C*M], output channel c*M + m."""
    n, h, wd, c = x.shape
    kh, kw, _, m = w.shape
    oh, top, bottom = same_padding(h, kh, stride)
    ow, left, right = same_padding(wd, kw, stride)
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    out = np.zeros((n, oh, ow, c, m))
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, i:i + stride * (oh - 1) + 1:stride, j:j + stride * (ow - 1) + 1:stride, :]
            out += patch[..., None] * w[i, j][None, None, None]
    return out.reshape(n, oh, ow, c * m)


def max_pool_2x2(x):
    n, h, w, c = x.shape
    return x[:, :h // 2 * 2, :w // 2 * 2].reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


def main():
    rng = np.random.default_rng(20240517)
    f32 = lambda a: np.asarray(a, dtype=np.float32)
    arrays = {
        'input': f32(rng.uniform(-1, 1, (2, 12, 12, 3))),
        'conv_filter': f32(rng.normal(0, 0.4, (3, 3, 3, 8))),
        'conv_bias': f32(rng.normal(0, 0.1, (8,))),
        'dw_filter': f32(rng.normal(0, 0.4, (3, 3, 8, 2))),
        'bn_scale': f32(rng.uniform(0.5, 1.5, (16,))),
        'bn_offset': f32(rng.normal(0, 0.1, (16,))),
        'bn_mean': f32(rng.normal(0, 0.2, (16,))),
        'bn_variance': f32(rng.uniform(0.5, 2.0, (16,))),
        'dense_weights': f32(rng.normal(0, 0.2, (3 * 3 * 16, 10))),
        'dense_bias': f32(rng.normal(0, 0.1, (10,))),
    }
    a = {k: v.astype(np.float64) for k, v in arrays.items()}
    x = conv2d_same(a['input'], a['conv_filter'], 1) + a['conv_bias']
    x = np.maximum(x, 0)
    x = depthwise_same(x, a['dw_filter'], 2)
    x = (x - a['bn_mean']) / np.sqrt(a['bn_variance'] + EPSILON) * a['bn_scale'] + a['bn_offset']
    x = max_pool_2x2(x)
    x = x.reshape(x.shape[0], -1)
    logits = x @ a['dense_weights'] + a['dense_bias']
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    arrays['expected_logits'] = f32(logits)
    arrays['expected_probabilities'] = f32(e / e.sum(axis=1, keepdims=True))
    for name, value in arrays.items():
        np.save(os.path.join(HERE, name + '.npy'), value)


if __name__ == '__main__':
    main()
