#!/usr/bin/env node
// TensorFlow.js (CPU backend) as an independent oracle for savedserve's tests.
//
//   node run.js JOB.json     runs every case of the job, writes each output as .npy and prints
//                            one JSON line per case: {"id", "ok", "error"?, "ms"}
//   node run.js --list-ops   prints the TensorFlow op types TF.js's graph executor maps, one
//                            per line
//
// A job is {"cases": [CASE, ...]}; a case runs a graph model and fetches tensors from it:
//   {"id": "...", "model": "path/model.json"            (a TF.js graph model on disk), or
//                 "graph": {GraphDef as protobuf JSON} (one op between Placeholders, say),
//    "feeds": {"node_name": "in.npy", ...}, "fetches": ["node:0", ...],
//    "outputs": ["out.npy", ...]}                      (one file per fetch)
// Tensors are .npy files (little-endian float32, int32, uint8, bool; float64 and int64
// inputs are narrowed to what TF.js has). All cases run in one process, so a test that
// needs hundreds of them pays node's start-up once.
'use strict';

const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tfconv = require('@tensorflow/tfjs-converter');

// stdout carries only the per-case JSON lines: TF.js's notices go to stderr.
console.log = console.info = console.warn = (...args) => process.stderr.write(args.join(' ') + '\n');

// ---- .npy ------------------------------------------------------------------------------

const NPY_TYPES = {
  '<f4': ['float32', Float32Array], '<i4': ['int32', Int32Array], '|u1': ['int32', Uint8Array],
  '|b1': ['bool', Uint8Array], '<f8': ['float32', Float64Array], '<i8': ['int32', BigInt64Array],
};

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = buf.toString('latin1', major === 1 ? 10 : 12, start);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim())
                    .filter((s) => s.length > 0).map(Number);
  const type = NPY_TYPES[descr];
  if (!type) throw new Error(`${file}: unsupported dtype ${descr}`);
  const [dtype, Array] = type;
  const bytes = buf.subarray(start);
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  let values = new Array(copy.buffer, 0, copy.length / Array.BYTES_PER_ELEMENT);
  if (Array === BigInt64Array) values = Int32Array.from(values, (v) => Number(v));
  if (Array === Float64Array) values = Float32Array.from(values);
  if (Array === Uint8Array && dtype === 'int32') values = Int32Array.from(values);
  return tf.tensor(values, shape, dtype);
}

function writeNpy(file, tensor) {
  const descr = {float32: '<f4', int32: '<i4', bool: '|b1'}[tensor.dtype];
  if (!descr) throw new Error(`cannot write a ${tensor.dtype} tensor as .npy`);
  // dataSync() may hand back another typed array than the dtype's (a cast from bool keeps
  // its bytes), so convert to the array the header promises.
  const ArrayType = {float32: Float32Array, int32: Int32Array, bool: Uint8Array}[tensor.dtype];
  const data = tensor.dataSync();
  const body = data instanceof ArrayType ? data : ArrayType.from(data);
  if (body.length !== tensor.size) {
    throw new Error(`TF.js returned ${body.length} values for shape [${tensor.shape}]`);
  }
  const shape = tensor.shape.length === 1 ? `${tensor.shape[0]},` : tensor.shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape}), }`;
  header += ' '.repeat(63 - ((header.length + 10) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'),
                                        Buffer.from(body.buffer, body.byteOffset, body.byteLength)]));
}

// ---- models ------------------------------------------------------------------------------

// A graph model from model.json and its shards, without tfjs-node's file loader.
function loadModelFromDisk(modelPath) {
  const json = JSON.parse(fs.readFileSync(modelPath, 'utf8'));
  const dir = path.dirname(modelPath);
  const specs = [];
  const buffers = [];
  for (const group of json.weightsManifest || []) {
    specs.push(...group.weights);
    for (const shard of group.paths) buffers.push(fs.readFileSync(path.join(dir, shard)));
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return tfconv.loadGraphModelSync(
      tf.io.fromMemorySync({modelTopology: json.modelTopology, weightSpecs: specs, weightData}));
}

function loadModelFromGraph(graph) {
  const topology = Object.assign({versions: {}}, graph);
  return tfconv.loadGraphModelSync(tf.io.fromMemorySync(
      {modelTopology: topology, weightSpecs: [], weightData: new ArrayBuffer(0)}));
}

async function runCase(job, c) {
  const base = path.dirname(job);
  const resolve = (p) => path.resolve(base, p);
  const model = c.model ? loadModelFromDisk(resolve(c.model)) : loadModelFromGraph(c.graph);
  const feeds = {};
  for (const [name, file] of Object.entries(c.feeds || {})) feeds[name] = readNpy(resolve(file));
  try {
    let outs = await model.executeAsync(feeds, c.fetches);
    if (!Array.isArray(outs)) outs = [outs];
    outs.forEach((t, i) => writeNpy(resolve(c.outputs[i]), t));
    tf.dispose(outs);
  } finally {
    tf.dispose(Object.values(feeds));
    model.dispose();
  }
}

// ---- op list -------------------------------------------------------------------------------

function listOps() {
  const dir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-converter/package.json')),
                        'dist', 'operations', 'op_list');
  const ops = new Set();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(/'tfOpName':\s*'([^']+)'/g)) ops.add(m[1]);
  }
  return [...ops].sort();
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--list-ops') {
    process.stdout.write(listOps().join('\n') + '\n');
    return;
  }
  if (args.length !== 1) {
    process.stderr.write('usage: node run.js JOB.json | --list-ops\n');
    process.exit(2);
  }
  await tf.setBackend('cpu');
  const job = JSON.parse(fs.readFileSync(args[0], 'utf8'));
  for (const c of job.cases) {
    const start = process.hrtime.bigint();
    const result = {id: c.id, ok: true};
    try {
      await runCase(args[0], c);
    } catch (e) {
      result.ok = false;
      result.error = String(e && e.message ? e.message : e);
    }
    result.ms = Number(process.hrtime.bigint() - start) / 1e6;
    process.stdout.write(JSON.stringify(result) + '\n');
  }
}

main().catch((e) => {
  process.stderr.write(`tfjs_oracle: ${e.stack || e}\n`);
  process.exit(1);
});
