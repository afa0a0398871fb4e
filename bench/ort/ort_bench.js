// ONNX Runtime reference for `make bench`: median latency of an ONNX model on random input.
//   node bench/ort/ort_bench.js MODEL.onnx --threads 2 --batch 1 --runs 20
// Prints one line: "ort batch=B threads=T median_ms=... p90_ms=... rss_mib=...".
'use strict';
const ort = require('onnxruntime-node');

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main() {
  const model = process.argv[2];
  const threads = flag('threads', 2), batch = flag('batch', 1), runs = flag('runs', 20);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const size = batch * 3 * 300 * 300;
  const data = new Float32Array(size);
  for (let i = 0; i < size; ++i) data[i] = Math.random() * 2 - 1;
  const feeds = {[session.inputNames[0]]: new ort.Tensor('float32', data, [batch, 3, 300, 300])};
  for (let i = 0; i < 3; ++i) await session.run(feeds);  // warm up
  const times = [];
  for (let i = 0; i < runs; ++i) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const p90 = times[Math.min(times.length - 1, Math.floor(times.length * 0.9))];
  const rss = process.memoryUsage().rss / (1024 * 1024);
  console.log(`ort batch=${batch} threads=${threads} median_ms=${median.toFixed(2)} ` +
              `p90_ms=${p90.toFixed(2)} min_ms=${times[0].toFixed(2)} rss_mib=${rss.toFixed(0)}`);
}

main().catch((e) => {
  console.error(`ort_bench: ${e.message || e}`);
  process.exit(1);
});
