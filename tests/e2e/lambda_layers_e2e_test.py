#!/usr/bin/env python3
"""End-to-end test of Lambda layers (issue 21): the real portico binary, driven by Debian's AWS
CLI v2 and boto3.

    /usr/bin/python3 tests/e2e/lambda_layers_e2e_test.py --portico build/asan-ubsan/portico

- publish-layer-version (a zip, and an S3 object is covered by the same route as functions' code)
  answers AWS's fields: LayerArn, LayerVersionArn, Version, Content.CodeSha256/CodeSize/Location
  (the zip itself), CreatedDate, CompatibleRuntimes, LicenseInfo; versions count up and are never
  reused after a delete.
- A Python function with a layer imports from /opt/python and /opt/python/lib/python3.12/
  site-packages (sys.path as on Lambda: /var/task first), runs /opt/bin's tool from PATH and
  sees /opt read-only; two layers are extracted in order (the later one's file wins).
- A Node function requires a module from /opt/nodejs/node_modules; a `provided` function without
  a bootstrap of its own runs the one its layer brings (/opt/bootstrap).
- list-layers (latest matching version, --compatible-runtime filter), list-layer-versions (newest
  first), get-layer-version, get-layer-version-by-arn; layer version permissions (add, get, a
  duplicate statement's 409, a stale RevisionId's 412, remove, remove again 404).
- A deleted layer version keeps running in the functions that use it.
- Hostile and bad input: a layer zip with ../ paths or a link out, 6 layers, a version that does
  not exist, an ARN that is not a layer version's, two versions of one layer, another account's
  layer, code and layers over 262,144,000 bytes unzipped, a bad MaxItems.

Steps run in order; the first failure stops the run and prints the server log. Exit code 0 =
every step passed.
"""
import base64
import hashlib
import io
import json
import os
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.portico import (AwsCli, PorticoServer, check, expect_client_error, http, lambda_client,  # noqa: E402
                            run_steps, zip_bytes)

ROLE = "arn:aws:iam::000000000000:role/lambda-role"
ARN = "arn:aws:lambda:us-east-1:000000000000:layer:"

PY_HANDLER = b'''
import os, subprocess, sys
def handler(event, context):
    out = {"sys_path": sys.path[:4]}
    if event.get("imports"):
        import greeting, sitepkg
        out["greeting"] = greeting.hello()
        out["sitepkg"] = sitepkg.WHERE
        out["tool"] = subprocess.run(["layer-tool"], capture_output=True, text=True).stdout.strip()
        out["opt"] = sorted(os.listdir("/opt"))
        try:
            open("/opt/written", "w").write("x")
            out["opt_writable"] = True
        except OSError:
            out["opt_writable"] = False
    return out
'''

NODE_HANDLER = b'''
const layered = require("layered");
exports.handler = async () => ({ from: layered.where(), nodePath: process.env.NODE_PATH });
'''

BOOTSTRAP = b'''#!/usr/bin/python3 -S
import json, os, urllib.request
api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
while True:
    with urllib.request.urlopen(api + "next") as r:
        rid = r.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(r.read() or b"{}")
    body = json.dumps({"bootstrap": "from the layer", "event": event}).encode()
    urllib.request.urlopen(urllib.request.Request(api + rid + "/response", data=body, method="POST")).read()
'''


def zip_with_link(name, target):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo(name)
        info.external_attr = (0o120777) << 16
        z.writestr(info, target)
    return buf.getvalue()


class LayersE2E:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        self.server = PorticoServer(portico, workdir, ["--threads", "2", "--drain-seconds", "1"])

    def path(self, name, data):
        p = os.path.join(self.workdir, name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    def publish(self, name, files, *extra):
        p = self.path(name + ".zip", zip_bytes(files) if isinstance(files, dict) else files)
        return self.cli.json("publish-layer-version", "--layer-name", name, "--zip-file", "fileb://" + p, *extra)

    def invoke(self, name, payload=None):
        r = self.lam.invoke(FunctionName=name, Payload=json.dumps(payload or {}).encode())
        body = json.loads(r["Payload"].read())
        check("FunctionError" not in r, f"{name} failed: {body}")
        return body

    # -- steps
    def step_start_and_publish(self):
        self.server.start()
        self.cli = AwsCli(self.server, service="lambda")
        self.lam = lambda_client(self.server, parameter_validation=False)
        files = {"python/greeting.py": b"def hello():\n    return 'from layer 1'\n",
                 "python/lib/python3.12/site-packages/sitepkg/__init__.py": b"WHERE = 'site-packages'\n",
                 "bin/layer-tool": (b"#!/bin/sh\necho tool from the layer\n", 0o755)}
        data = zip_bytes(files)
        out = self.publish("pylib", data, "--description", "shared code", "--compatible-runtimes", "python3.12",
                           "python3.11", "--license-info", "MIT", "--compatible-architectures", "x86_64")
        check(out["LayerArn"] == ARN + "pylib" and out["LayerVersionArn"] == ARN + "pylib:1" and out["Version"] == 1,
              out)
        check(out["Content"]["CodeSha256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
              and out["Content"]["CodeSize"] == len(data), out["Content"])
        check(out["Description"] == "shared code" and out["CompatibleRuntimes"] == ["python3.12", "python3.11"]
              and out["LicenseInfo"] == "MIT" and out["CompatibleArchitectures"] == ["x86_64"]
              and out["CreatedDate"].endswith("+0000"), out)
        got = http("GET", out["Content"]["Location"])
        check(got.status == 200 and got.body == data, f"the layer's zip from Content.Location: {got.status}")

    def step_python_function_uses_the_layer(self):
        code = zip_bytes({"app.py": PY_HANDLER})
        created = self.lam.create_function(FunctionName="py", Runtime="python3.12", Handler="app.handler", Role=ROLE,
                                           Code={"ZipFile": code}, Layers=[ARN + "pylib:1"])
        check(created["Layers"] == [{"Arn": ARN + "pylib:1", "CodeSize": self.layer_size("pylib", 1)}],
              created.get("Layers"))
        out = self.invoke("py", {"imports": True})
        check(out["greeting"] == "from layer 1" and out["sitepkg"] == "site-packages"
              and out["tool"] == "tool from the layer", out)
        check(out["sys_path"][:3] == ["/var/task", "/opt/python/lib/python3.12/site-packages", "/opt/python"],
              out["sys_path"])
        check(out["opt"] == ["bin", "python"], out["opt"])
        sandboxed = "StateReason" not in self.lam.get_function_configuration(FunctionName="py")
        if sandboxed:
            check(out["opt_writable"] is False, "/opt must be read-only in the sandbox")
        got = self.lam.get_function(FunctionName="py")["Configuration"]
        check(got["Layers"][0]["Arn"] == ARN + "pylib:1", got.get("Layers"))

    def layer_size(self, name, version):
        return self.lam.get_layer_version(LayerName=name, VersionNumber=version)["Content"]["CodeSize"]

    def step_layers_in_order_later_wins(self):
        self.publish("pylib", {"python/greeting.py": b"def hello():\n    return 'from layer 2'\n",
                               "python/lib/python3.12/site-packages/sitepkg/__init__.py": b"WHERE = 'v2'\n",
                               "bin/layer-tool": (b"#!/bin/sh\necho tool v2\n", 0o755)},
                     "--compatible-runtimes", "python3.12")
        self.publish("override", {"python/greeting.py": b"def hello():\n    return 'overridden'\n"},
                     "--compatible-runtimes", "nodejs20.x")
        # The function still on version 1 is unchanged.
        check(self.invoke("py", {"imports": True})["greeting"] == "from layer 1", "version 1 still runs")
        self.lam.update_function_configuration(FunctionName="py", Layers=[ARN + "pylib:2", ARN + "override:1"])
        out = self.invoke("py", {"imports": True})
        check(out["greeting"] == "overridden" and out["sitepkg"] == "v2" and out["tool"] == "tool v2", out)
        self.lam.update_function_configuration(FunctionName="py", Layers=[ARN + "override:1", ARN + "pylib:2"])
        check(self.invoke("py", {"imports": True})["greeting"] == "from layer 2", "the later layer wins")
        # A published version keeps its layers.
        v = self.lam.publish_version(FunctionName="py")
        check(v["Layers"][1]["Arn"] == ARN + "pylib:2", v.get("Layers"))
        self.lam.update_function_configuration(FunctionName="py", Layers=[])
        cfg = self.lam.get_function_configuration(FunctionName="py")
        check("Layers" not in cfg, f"no layers left: {cfg.get('Layers')}")
        r = self.lam.invoke(FunctionName="py", Payload=b'{"imports": true}')
        check(r.get("FunctionError") == "Unhandled", "without layers the import fails")
        r = self.lam.invoke(FunctionName="py", Qualifier=v["Version"], Payload=b'{"imports": true}')
        check(json.loads(r["Payload"].read())["greeting"] == "from layer 2", "the version still has them")

    def step_node_and_provided_functions(self):
        self.publish("nodelib", {"nodejs/node_modules/layered/index.js":
                                 b"exports.where = () => 'node layer';\n"})
        self.lam.create_function(FunctionName="node", Runtime="nodejs20.x", Handler="index.handler", Role=ROLE,
                                 Code={"ZipFile": zip_bytes({"index.js": NODE_HANDLER})},
                                 Layers=[ARN + "nodelib:1"])
        out = self.invoke("node")
        check(out["from"] == "node layer", out)
        check(out["nodePath"].startswith("/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules"), out)
        self.publish("runtime", {"bootstrap": (BOOTSTRAP, 0o755)})
        self.lam.create_function(FunctionName="custom", Runtime="provided.al2023", Handler="x", Role=ROLE,
                                 Code={"ZipFile": zip_bytes({"README": b"no bootstrap here\n"})},
                                 Layers=[ARN + "runtime:1"])
        out = self.invoke("custom", {"k": 1})
        check(out == {"bootstrap": "from the layer", "event": {"k": 1}}, out)

    def step_list_get_and_find(self):
        layers = self.cli.json("list-layers")["Layers"]
        by = {x["LayerName"]: x for x in layers}
        check(sorted(by) == ["nodelib", "override", "pylib", "runtime"], sorted(by))
        check(by["pylib"]["LayerArn"] == ARN + "pylib"
              and by["pylib"]["LatestMatchingVersion"]["LayerVersionArn"] == ARN + "pylib:2"
              and by["pylib"]["LatestMatchingVersion"]["Version"] == 2, by["pylib"])
        # Filtered: python3.11 is only compatible with version 1.
        filtered = self.cli.json("list-layers", "--compatible-runtime", "python3.11")["Layers"]
        check([(x["LayerName"], x["LatestMatchingVersion"]["Version"]) for x in filtered] == [("pylib", 1)], filtered)
        versions = self.cli.json("list-layer-versions", "--layer-name", "pylib")["LayerVersions"]
        check([v["Version"] for v in versions] == [2, 1] and versions[1]["LicenseInfo"] == "MIT", versions)
        paged = self.lam.list_layer_versions(LayerName="pylib", MaxItems=1)
        check(len(paged["LayerVersions"]) == 1 and "NextMarker" in paged, paged)
        rest = self.lam.list_layer_versions(LayerName="pylib", MaxItems=1, Marker=paged["NextMarker"])
        check(rest["LayerVersions"][0]["Version"] == 1 and "NextMarker" not in rest, rest)
        byarn = self.cli.json("get-layer-version-by-arn", "--arn", ARN + "pylib:1")
        check(byarn["Version"] == 1 and byarn["Description"] == "shared code", byarn)
        one = self.lam.get_layer_version(LayerName=ARN + "pylib", VersionNumber=2)
        check(one["LayerVersionArn"] == ARN + "pylib:2", one)
        self.cli.error("ResourceNotFoundException", "get-layer-version", "--layer-name", "pylib",
                       "--version-number", "9")
        self.cli.error("ResourceNotFoundException", "get-layer-version-by-arn", "--arn",
                       "arn:aws:lambda:us-east-1:111111111111:layer:pylib:1")
        expect_client_error("ValidationException", self.lam.list_layers, "maxItems", MaxItems=0)
        check(self.lam.list_layer_versions(LayerName="nothing-here")["LayerVersions"] == [], "unknown layer: empty")

    def step_layer_version_permissions(self):
        out = self.cli.json("add-layer-version-permission", "--layer-name", "pylib", "--version-number", "1",
                            "--statement-id", "everyone", "--action", "lambda:GetLayerVersion", "--principal", "*")
        statement = json.loads(out["Statement"])
        check(statement == {"Sid": "everyone", "Effect": "Allow", "Principal": "*", "Action": "lambda:GetLayerVersion",
                            "Resource": ARN + "pylib:1"}, statement)
        self.cli.json("add-layer-version-permission", "--layer-name", "pylib", "--version-number", "1",
                      "--statement-id", "org", "--action", "lambda:GetLayerVersion", "--principal", "*",
                      "--organization-id", "o-abcdefghij")
        self.cli.error("ResourceConflictException", "add-layer-version-permission", "--layer-name", "pylib",
                       "--version-number", "1", "--statement-id", "everyone", "--action", "lambda:GetLayerVersion",
                       "--principal", "123456789012")
        policy = self.cli.json("get-layer-version-policy", "--layer-name", "pylib", "--version-number", "1")
        doc = json.loads(policy["Policy"])
        check([s["Sid"] for s in doc["Statement"]] == ["everyone", "org"]
              and doc["Statement"][1]["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}, doc)
        expect_client_error("PreconditionFailedException", self.lam.remove_layer_version_permission, "Revision Id",
                     LayerName="pylib", VersionNumber=1, StatementId="org", RevisionId="stale")
        self.cli.silent("remove-layer-version-permission", "--layer-name", "pylib", "--version-number", "1",
                        "--statement-id", "org", "--revision-id", policy["RevisionId"])
        self.cli.error("ResourceNotFoundException", "remove-layer-version-permission", "--layer-name", "pylib",
                       "--version-number", "1", "--statement-id", "org")
        expect_client_error("ValidationException", self.lam.add_layer_version_permission, "action", LayerName="pylib",
                     VersionNumber=1, StatementId="x", Action="lambda:InvokeFunction", Principal="*")
        self.cli.error("ResourceNotFoundException", "get-layer-version-policy", "--layer-name", "pylib",
                       "--version-number", "2")

    def step_deleted_version_keeps_running(self):
        self.cli.silent("delete-layer-version", "--layer-name", "nodelib", "--version-number", "1")
        self.cli.silent("delete-layer-version", "--layer-name", "nodelib", "--version-number", "1")  # (again: 204)
        self.cli.error("ResourceNotFoundException", "get-layer-version", "--layer-name", "nodelib",
                       "--version-number", "1")
        # A new environment (a configuration change) still has the deleted version's files.
        self.lam.update_function_configuration(FunctionName="node", Environment={"Variables": {"FRESH": "1"}})
        check(self.invoke("node")["from"] == "node layer", "the deleted layer version still runs")
        check("nodelib" not in {x["LayerName"] for x in self.cli.json("list-layers")["Layers"]}, "no versions left")
        again = self.publish("nodelib", {"nodejs/node_modules/layered/index.js": b"exports.where = () => 'v2';\n"})
        check(again["Version"] == 2, f"version numbers are not reused: {again['Version']}")
        expect_client_error("InvalidParameterValueException", self.lam.update_function_configuration, "does not exist",
                     FunctionName="node", Layers=[ARN + "nodelib:1"])

    def step_hostile_and_bad_input(self):
        for name, data in [("dotdot", zip_bytes({"../escape.py": b"x"})),
                           ("linkout", zip_with_link("python/passwd", "/etc/passwd"))]:
            p = self.path(name + ".zip", data)
            self.cli.error("InvalidParameterValueException", "publish-layer-version", "--layer-name", name,
                           "--zip-file", "fileb://" + p)
        check(not os.path.exists(os.path.join(self.workdir, "escape.py")), "nothing written outside")
        expect_client_error("InvalidParameterValueException", self.lam.publish_layer_version, "Could not unzip",
                     LayerName="garbage", Content={"ZipFile": b"not a zip"})
        expect_client_error("ValidationException", self.lam.publish_layer_version, "layerName",
                     LayerName="bad name!", Content={"ZipFile": zip_bytes({"a": b"1"})})
        expect_client_error("ValidationException", self.lam.publish_layer_version, "content", LayerName="nocontent")
        code = {"ZipFile": zip_bytes({"app.py": PY_HANDLER})}
        base = dict(FunctionName="bad", Runtime="python3.12", Handler="app.handler", Role=ROLE, Code=code)
        for i in range(6):
            self.publish(f"l{i}", {f"f{i}.txt": b"x"})
        expect_client_error("InvalidParameterValueException", self.lam.create_function, "Cannot reference more than 5 layers",
                     Layers=[ARN + f"l{i}:1" for i in range(6)], **base)
        expect_client_error("InvalidParameterValueException", self.lam.create_function, "does not exist",
                     Layers=[ARN + "pylib:7"], **base)
        expect_client_error("InvalidParameterValueException", self.lam.create_function, "does not exist",
                     Layers=["arn:aws:lambda:us-east-1:111111111111:layer:pylib:1"], **base)
        expect_client_error("ValidationException", self.lam.create_function, "at 'layers'",
                     Layers=["arn:aws:lambda:us-east-1:000000000000:function:py"], **base)
        expect_client_error("InvalidParameterValueException", self.lam.create_function, "same layer",
                     Layers=[ARN + "pylib:1", ARN + "pylib:2"], **base)
        self.lam.create_function(Layers=[ARN + f"l{i}:1" for i in range(5)], **base)  # five is fine
        # Code and layers over 262,144,000 bytes unzipped (zeros: tiny zips).
        zeros = b"\0" * (140 * 1024 * 1024)
        self.publish("big1", {"big1.bin": zeros})
        self.publish("big2", {"big2.bin": zeros})
        del zeros
        msg = expect_client_error("InvalidParameterValueException", self.lam.create_function,
                           "Function code combined with layers exceeds the maximum allowed size of 262144000 bytes",
                           Layers=[ARN + "big1:1", ARN + "big2:1"], **dict(base, FunctionName="toobig"))
        check("The actual size is" in msg, msg)
        expect_client_error("InvalidParameterValueException", self.lam.update_function_configuration,
                     "Function code combined with layers", FunctionName="bad", Layers=[ARN + "big1:1", ARN + "big2:1"])
        check(len(self.lam.get_function_configuration(FunctionName="bad")["Layers"]) == 5, "unchanged after refusal")


def main():
    return run_steps(LayersE2E, "LAMBDA LAYERS", __doc__)


if __name__ == "__main__":
    sys.exit(main())
