#!/usr/bin/python3
"""Generates the small-transformer check (tests/small_transformer_test.cc).

A seeded random Keras-style encoder block and classifier head, written with the ops TF2
puts in such a SavedModel's graph, is evaluated in numpy (float64) and the input, weights
and expected outputs are written beside this script as .npy files (float32; the classes
as int64). The block:

    LayerNormalization  (tf.nn.moments: Mean, SquaredDifference; then Rsqrt, Mul, Sub)
    MultiHeadAttention  (EinsumDense 'abc,cde->abde' for query/key/value, scores
                         'aecd,abcd->acbe' scaled by 1/sqrt(key_dim), Softmax, context
                         'acbe,aecd->abcd', output 'abcd,cde->abe'), residual AddV2
    Dense + GELU        (exact: 0.5 x (1 + erf(x / sqrt 2))), residual AddV2
    head                (Mean over the sequence, MatMul + BiasAdd, Softmax, ArgMax)

Run it again to regenerate; the output is deterministic:

    /usr/bin/python3 tests/data/small_transformer/make_small_transformer.py   (python3-numpy)
"""
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH, SEQ, MODEL, HEADS, KEY_DIM, HIDDEN, CLASSES = 2, 5, 8, 2, 4, 16, 3
EPSILON = 0.001


def layer_norm(x, gamma, beta):
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + EPSILON) * gamma + beta


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def gelu(x):
    return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def main():
    rng = np.random.default_rng(2)
    w = {
        'input': rng.normal(size=(BATCH, SEQ, MODEL)),
        'ln_gamma': rng.uniform(0.5, 1.5, size=MODEL),
        'ln_beta': rng.normal(scale=0.1, size=MODEL),
        'query_kernel': rng.normal(scale=0.4, size=(MODEL, HEADS, KEY_DIM)),
        'query_bias': rng.normal(scale=0.1, size=(HEADS, KEY_DIM)),
        'key_kernel': rng.normal(scale=0.4, size=(MODEL, HEADS, KEY_DIM)),
        'key_bias': rng.normal(scale=0.1, size=(HEADS, KEY_DIM)),
        'value_kernel': rng.normal(scale=0.4, size=(MODEL, HEADS, KEY_DIM)),
        'value_bias': rng.normal(scale=0.1, size=(HEADS, KEY_DIM)),
        'output_kernel': rng.normal(scale=0.4, size=(HEADS, KEY_DIM, MODEL)),
        'output_bias': rng.normal(scale=0.1, size=MODEL),
        'ffn_kernel': rng.normal(scale=0.4, size=(MODEL, HIDDEN)),
        'ffn_bias': rng.normal(scale=0.1, size=HIDDEN),
        'ffn_out_kernel': rng.normal(scale=0.3, size=(HIDDEN, MODEL)),
        'ffn_out_bias': rng.normal(scale=0.1, size=MODEL),
        'head_kernel': rng.normal(scale=0.5, size=(MODEL, CLASSES)),
        'head_bias': rng.normal(scale=0.1, size=CLASSES),
    }
    # Rounded to float32 first, so numpy computes on exactly the values the graph holds.
    w = {name: value.astype(np.float32).astype(np.float64) for name, value in w.items()}
    x = w['input']
    y = layer_norm(x, w['ln_gamma'], w['ln_beta'])
    q = np.einsum('abc,cde->abde', y, w['query_kernel']) + w['query_bias']
    k = np.einsum('abc,cde->abde', y, w['key_kernel']) + w['key_bias']
    v = np.einsum('abc,cde->abde', y, w['value_kernel']) + w['value_bias']
    scores = np.einsum('aecd,abcd->acbe', k, q) * (1 / math.sqrt(KEY_DIM))
    context = np.einsum('acbe,aecd->abcd', softmax(scores), v)
    h = x + np.einsum('abcd,cde->abe', context, w['output_kernel']) + w['output_bias']
    hidden = gelu(np.einsum('abc,cd->abd', h, w['ffn_kernel']) + w['ffn_bias'])
    h2 = h + np.einsum('abd,dc->abc', hidden, w['ffn_out_kernel']) + w['ffn_out_bias']
    logits = h2.mean(axis=1) @ w['head_kernel'] + w['head_bias']
    for name, value in w.items():
        np.save(os.path.join(HERE, name + '.npy'), value.astype(np.float32))
    np.save(os.path.join(HERE, 'expected_probabilities.npy'), softmax(logits).astype(np.float32))
    np.save(os.path.join(HERE, 'expected_classes.npy'), logits.argmax(axis=1).astype(np.int64))
    np.save(os.path.join(HERE, 'expected_hidden.npy'), h2.astype(np.float32))


if __name__ == '__main__':
    main()
