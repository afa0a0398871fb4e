#!/usr/bin/python3
"""A TF Serving Python gRPC client, unchanged, against `savedserve serve`.

Uses Debian's python3-grpcio and python3-protobuf only: the message modules are generated
at test time with `protoc --python_out` from the project's .proto files (grpc_tools is not
needed), and the service stubs are the few lines that grpc_tools would have generated.

Usage (ctest runs it): python_grpc_test.py --savedserve BIN --proto_dir DIR [--testdata DIR]
Exits 77 (skipped) when the test data is missing.
"""

import argparse
import glob
import importlib
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import unittest
import urllib.request

ARGS = None
SKIP = 77


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def generate_protos(proto_dir, out_dir):
    """Message modules for every .proto. health.proto becomes the top-level module
    `health_pb2`, since a `grpc.health.v1` package would shadow the grpc library itself."""
    protos = [os.path.relpath(p, proto_dir)
              for p in glob.glob(os.path.join(proto_dir, "**", "*.proto"), recursive=True)
              if not p.startswith(os.path.join(proto_dir, "grpc", ""))]
    subprocess.run(["protoc", "-I", proto_dir, "--python_out", out_dir] + protos, check=True)
    health_dir = os.path.join(proto_dir, "grpc", "health", "v1")
    subprocess.run(["protoc", "-I", health_dir, "--python_out", out_dir, "health.proto"],
                   check=True)
    sys.path.insert(0, out_dir)


class Stub:
    """What grpc_tools would generate: one unary_unary callable per RPC."""

    def __init__(self, channel, service, methods):
        for name, (request, response) in methods.items():
            setattr(self, name, channel.unary_unary(
                "/%s/%s" % (service, name),
                request_serializer=request.SerializeToString,
                response_deserializer=response.FromString))


class SavedserveGrpcTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import grpc
        cls.grpc = grpc
        cls.tmp = tempfile.TemporaryDirectory()
        generate_protos(ARGS.proto_dir, cls.tmp.name)
        cls.predict_pb2 = importlib.import_module("tensorflow_serving.apis.predict_pb2")
        cls.metadata_pb2 = importlib.import_module("tensorflow_serving.apis.get_model_metadata_pb2")
        cls.status_pb2 = importlib.import_module("tensorflow_serving.apis.get_model_status_pb2")
        cls.health_pb2 = importlib.import_module("health_pb2")
        cls.types_pb2 = importlib.import_module("tensorflow.core.framework.types_pb2")

        cls.port = free_port()
        cls.rest_port = free_port()
        cls.log = open(os.path.join(cls.tmp.name, "serve.log"), "w+")
        cls.server = subprocess.Popen(
            [ARGS.savedserve, "serve", "--port=%d" % cls.port,
             "--rest_api_port", str(cls.rest_port),
             "--model_name=half_plus_two",
             "--model_base_path=" + os.path.join(ARGS.testdata, "savedmodels",
                                                 "saved_model_half_plus_two_cpu")],
            stdout=cls.log, stderr=subprocess.STDOUT)
        cls.channel = grpc.insecure_channel("127.0.0.1:%d" % cls.port)
        try:
            grpc.channel_ready_future(cls.channel).result(timeout=60)
        except grpc.FutureTimeoutError:
            cls.server.kill()
            cls.log.seek(0)
            raise AssertionError("server did not start:\n" + cls.log.read())
        p, m, s, h = cls.predict_pb2, cls.metadata_pb2, cls.status_pb2, cls.health_pb2
        cls.prediction = Stub(cls.channel, "tensorflow.serving.PredictionService", {
            "Predict": (p.PredictRequest, p.PredictResponse),
            "GetModelMetadata": (m.GetModelMetadataRequest, m.GetModelMetadataResponse)})
        cls.model = Stub(cls.channel, "tensorflow.serving.ModelService", {
            "GetModelStatus": (s.GetModelStatusRequest, s.GetModelStatusResponse)})
        cls.health = Stub(cls.channel, "grpc.health.v1.Health", {
            "Check": (h.HealthCheckRequest, h.HealthCheckResponse)})

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        if cls.server.poll() is None:
            cls.server.kill()
            cls.server.wait()
        cls.log.close()
        cls.tmp.cleanup()

    def predict_request(self, values, name="half_plus_two"):
        request = self.predict_pb2.PredictRequest()
        request.model_spec.name = name
        x = request.inputs["x"]
        x.dtype = self.types_pb2.DT_FLOAT
        x.tensor_shape.dim.add().size = len(values)
        x.float_val.extend(values)
        return request

    def test_predict_half_plus_two(self):
        response = self.prediction.Predict(self.predict_request([1.0, 2.0, 5.0]), timeout=30)
        y = response.outputs["y"]
        self.assertEqual(y.dtype, self.types_pb2.DT_FLOAT)
        values = list(y.float_val) or list(
            struct.unpack("<%df" % (len(y.tensor_content) // 4), y.tensor_content))
        self.assertEqual(values, [0.5 * x + 2 for x in [1.0, 2.0, 5.0]])
        self.assertEqual(response.model_spec.name, "half_plus_two")
        self.assertEqual(response.model_spec.version.value, 123)
        self.assertEqual(response.model_spec.signature_name, "serving_default")

    def test_model_status(self):
        request = self.status_pb2.GetModelStatusRequest()
        request.model_spec.name = "half_plus_two"
        response = self.model.GetModelStatus(request, timeout=30)
        self.assertEqual(len(response.model_version_status), 1)
        status = response.model_version_status[0]
        self.assertEqual(status.version, 123)
        self.assertEqual(status.state, self.status_pb2.ModelVersionStatus.AVAILABLE)

    def test_model_metadata(self):
        request = self.metadata_pb2.GetModelMetadataRequest()
        request.model_spec.name = "half_plus_two"
        request.metadata_field.append("signature_def")
        response = self.prediction.GetModelMetadata(request, timeout=30)
        signatures = self.metadata_pb2.SignatureDefMap()
        self.assertTrue(response.metadata["signature_def"].Unpack(signatures))
        self.assertIn("serving_default", signatures.signature_def)
        self.assertEqual(signatures.signature_def["serving_default"].inputs["x"].name, "x:0")
        self.assertEqual(response.model_spec.version.value, 123)

    def test_errors(self):
        grpc = self.grpc
        with self.assertRaises(grpc.RpcError) as unknown:
            self.prediction.Predict(self.predict_request([1.0], name="nope"), timeout=30)
        self.assertEqual(unknown.exception.code(), grpc.StatusCode.NOT_FOUND)
        self.assertEqual(unknown.exception.details(),
                         "Servable not found for request: Latest(nope)")
        request = self.predict_request([1.0])
        request.model_spec.signature_name = "nope"
        with self.assertRaises(grpc.RpcError) as signature:
            self.prediction.Predict(request, timeout=30)
        self.assertEqual(signature.exception.code(), grpc.StatusCode.FAILED_PRECONDITION)

    def test_health(self):
        response = self.health.Check(self.health_pb2.HealthCheckRequest(service=""), timeout=30)
        self.assertEqual(response.status, self.health_pb2.HealthCheckResponse.SERVING)

    def test_rest_on_the_same_server(self):
        request = urllib.request.Request(
            "http://127.0.0.1:%d/v1/models/half_plus_two:predict" % self.rest_port,
            data=json.dumps({"instances": [1.0, 2.0, 5.0]}).encode(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            self.assertEqual(json.load(response), {"predictions": [2.5, 3.0, 4.5]})

    def test_zz_sigterm_exits_zero(self):  # runs last: unittest sorts by name
        self.server.send_signal(signal.SIGTERM)
        self.assertEqual(self.server.wait(timeout=60), 0)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--savedserve", required=True)
    parser.add_argument("--proto_dir", required=True)
    parser.add_argument("--testdata", default=os.environ.get("SAVEDSERVE_TESTDATA"))
    ARGS, rest = parser.parse_known_args()
    if not ARGS.testdata:
        ARGS.testdata = os.path.join(os.path.dirname(os.path.abspath(ARGS.proto_dir)), "..",
                                     "shared", "testdata")
    if not os.path.isdir(os.path.join(ARGS.testdata, "savedmodels")):
        print("test data not found at %s: skipped" % ARGS.testdata)
        return SKIP
    try:
        import grpc  # noqa: F401
    except ImportError:
        print("python3-grpcio is not installed: skipped")
        return SKIP
    result = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2).result
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
