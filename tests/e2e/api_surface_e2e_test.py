#!/usr/bin/env python3
"""End-to-end test of the smaller API Gateway and Lambda operations of issue 21, with Debian's AWS
CLI v2 (and requests signed as newer SDKs sign them where that CLI is older than the operation).

    /usr/bin/python3 tests/e2e/api_surface_e2e_test.py --portico build/asan-ubsan/portico

- API Gateway: update-usage sets what a key has left of its quota (an extension above the limit,
  1 lets one more through, then 429 on the data plane), with AWS's 400s/404s; get-model-template
  makes the mapping template of a model (strings quoted, numbers bare, arrays through #foreach,
  another model by its URL); VPC links (create PENDING, then AVAILABLE; list, patch, tag, delete,
  404, a target that is not one NLB's ARN 400); get-sdk-types lists none, get-sdk-type answers
  NotFoundException and get-sdk BadRequestException (NotFoundException for a stage that does not
  exist).
- API Gateway validation: an endpoint type or apiKeySource outside AWS's enum is AWS's
  ValidationException ("Value 'X' at 'createRestApiInput.endpointConfiguration.types' ..."); an
  authorizationType in lower case is stored upper-case; get-deployments / get-deployment carry
  apiSummary only with --embed apisummary.
- Lambda runtimes and ARNs: python3.14 and nodejs24.x create and run; a deprecated runtime
  (python3.8) gets AWS's "no longer supported ... (python3.13)" message; GetFunction names the
  interpreter that runs it (RuntimeVersionConfig); $LATEST's qualified ARN in
  list-versions-by-function, list-functions --function-version ALL and get-function --qualifier
  $LATEST; create-function --publish answers the unqualified ARN with Version 1;
  update-function-code / update-function-configuration on a version's ARN is refused.
- Lambda: code signing configurations (create, get, list, update, delete refused while a function
  uses it, list-functions-by-code-signing-config, an empty publisher list 400), a function's
  put / get / delete (a configuration that does not exist 404); the recursion setting (Terminate by
  default, Allow, a bad value's ValidationException, an unknown function 404); event source
  mappings (create Creating, get Enabled, a duplicate 409, update Disabling then Disabled, list
  with filters, a stream without StartingPosition 400, an unknown function 404, delete Deleting).

Steps run in order; the first failure stops the run and prints the server log. Exit code 0 =
every step passed.
"""
import io
import json
import os
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.portico import AwsCli, PorticoServer, check, http, run_steps, signed_management  # noqa: E402

ROLE = "arn:aws:iam::000000000000:role/lambda-role"
NLB = "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/net/my-nlb/1234567890abcdef"


class ApiSurfaceE2E:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        self.server = PorticoServer(portico, workdir, ["--threads", "2", "--drain-seconds", "1"])

    @staticmethod
    def message(body):
        return body.get("message", body.get("Message", ""))

    # -- steps
    def step_start(self):
        self.server.start()
        self.gw = AwsCli(self.server)
        self.lam = AwsCli(self.server, service="lambda")

    def step_update_usage(self):
        api = self.gw.json("create-rest-api", "--name", "quota")["id"]
        root = self.gw.json("get-resources", "--rest-api-id", api)["items"][0]["id"]
        self.gw.json("put-method", "--rest-api-id", api, "--resource-id", root, "--http-method", "GET",
                     "--authorization-type", "NONE", "--api-key-required")
        self.gw.json("put-integration", "--rest-api-id", api, "--resource-id", root, "--http-method", "GET",
                     "--type", "MOCK", "--request-templates", json.dumps({"application/json": '{"statusCode": 200}'}))
        self.gw.json("put-method-response", "--rest-api-id", api, "--resource-id", root, "--http-method", "GET",
                     "--status-code", "200")
        self.gw.json("put-integration-response", "--rest-api-id", api, "--resource-id", root, "--http-method", "GET",
                     "--status-code", "200", "--response-templates", json.dumps({"application/json": '{"ok": 1}'}))
        self.gw.json("create-deployment", "--rest-api-id", api, "--stage-name", "dev")
        key = self.gw.json("create-api-key", "--name", "k", "--enabled")
        plan = self.gw.json("create-usage-plan", "--name", "p", "--api-stages", f"apiId={api},stage=dev",
                            "--quota", "limit=3,period=DAY")["id"]
        self.gw.json("create-usage-plan-key", "--usage-plan-id", plan, "--key-id", key["id"], "--key-type", "API_KEY")
        url = f"{self.server.data_url}/restapis/{api}/dev/_user_request_/"

        def call():
            return http("GET", url, headers={"x-api-key": key["value"]}).status
        check([call() for _ in range(4)] == [200, 200, 200, 429], "the quota of 3 holds")
        out = self.gw.json("update-usage", "--usage-plan-id", plan, "--key-id", key["id"], "--patch-operations",
                           "op=replace,path=/remaining,value=5")
        check(out["usagePlanId"] == plan and out["items"][key["id"]][0][1] == 5, out)
        check([call() for _ in range(6)] == [200] * 5 + [429], "an extension to 5 more")
        self.gw.json("update-usage", "--usage-plan-id", plan, "--key-id", key["id"], "--patch-operations",
                     "op=replace,path=/remaining,value=1")
        check([call() for _ in range(2)] == [200, 429], "1 more")
        self.gw.error("BadRequestException", "update-usage", "--usage-plan-id", plan, "--key-id", key["id"],
                      "--patch-operations", "op=replace,path=/remaining,value=-1")
        self.gw.error("BadRequestException", "update-usage", "--usage-plan-id", plan, "--key-id", key["id"],
                      "--patch-operations", "op=replace,path=/other,value=1")
        self.gw.error("NotFoundException", "update-usage", "--usage-plan-id", plan, "--key-id", "nokey",
                      "--patch-operations", "op=replace,path=/remaining,value=1")
        self.api = api

    def step_model_template(self):
        owner_url = f"https://apigateway.amazonaws.com/restapis/{self.api}/models/Owner"
        schema = {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"},
                                                   "tags": {"type": "array", "items": {"type": "string"}},
                                                   "owner": {"$ref": owner_url}}}
        self.gw.json("create-model", "--rest-api-id", self.api, "--name", "Owner", "--content-type", "application/json",
                     "--schema", json.dumps({"type": "object", "properties": {"id": {"type": "number"}}}))
        self.gw.json("create-model", "--rest-api-id", self.api, "--name", "Pet", "--content-type", "application/json",
                     "--schema", json.dumps(schema))
        value = self.gw.json("get-model-template", "--rest-api-id", self.api, "--model-name", "Pet")["value"]
        check(value.startswith("#set($inputRoot = $input.path('$'))\n{"), value)
        for part in ('"name" : "$inputRoot.name"', '"age" : $inputRoot.age', "#foreach($elem in $inputRoot.tags)",
                     '"$elem"', "#if($foreach.hasNext),#end", '"id" : $inputRoot.owner.id'):
            check(part in value, f"{part!r} in the template:\n{value}")
        self.gw.error("NotFoundException", "get-model-template", "--rest-api-id", self.api, "--model-name", "Nope")

    def step_vpc_links_and_sdks(self):
        created = self.gw.json("create-vpc-link", "--name", "link", "--target-arns", NLB, "--tags", "team=a")
        check(created["status"] == "PENDING" and created["targetArns"] == [NLB], created)
        got = self.gw.json("get-vpc-link", "--vpc-link-id", created["id"])
        check(got["status"] == "AVAILABLE" and got["name"] == "link" and got["tags"] == {"team": "a"}, got)
        patched = self.gw.json("update-vpc-link", "--vpc-link-id", created["id"], "--patch-operations",
                               "op=replace,path=/description,value=nlb")
        check(patched["description"] == "nlb", patched)
        check([x["id"] for x in self.gw.json("get-vpc-links")["items"]] == [created["id"]], "listed")
        arn = f"arn:aws:apigateway:us-east-1::/vpclinks/{created['id']}"
        self.gw.silent("tag-resource", "--resource-arn", arn, "--tags", "env=dev")
        check(self.gw.json("get-tags", "--resource-arn", arn)["tags"] == {"team": "a", "env": "dev"}, "tagged")
        self.gw.error("BadRequestException", "create-vpc-link", "--name", "bad", "--target-arns", "arn:aws:s3:::x")
        self.gw.error("BadRequestException", "create-vpc-link", "--name", "two", "--target-arns", NLB, NLB)
        self.gw.silent("delete-vpc-link", "--vpc-link-id", created["id"])
        self.gw.error("NotFoundException", "get-vpc-link", "--vpc-link-id", created["id"])
        check(self.gw.json("get-sdk-types")["items"] == [], "no SDK types")
        self.gw.error("NotFoundException", "get-sdk-type", "--id", "javascript")
        out = os.path.join(self.workdir, "sdk.zip")
        self.gw.error("BadRequestException", "get-sdk", "--rest-api-id", self.api, "--stage-name", "dev",
                      "--sdk-type", "javascript", out)
        self.gw.error("NotFoundException", "get-sdk", "--rest-api-id", self.api, "--stage-name", "nostage",
                      "--sdk-type", "javascript", out)

    def step_api_gateway_validation(self):
        err = self.gw.error("ValidationException", "create-rest-api", "--name", "bad", "--endpoint-configuration",
                            "types=BOGUS")
        check("Value 'BOGUS' at 'createRestApiInput.endpointConfiguration.types' failed to satisfy constraint: "
              "Member must satisfy enum value set: [REGIONAL, EDGE, PRIVATE]" in err, err)
        self.gw.error("ValidationException", "create-rest-api", "--name", "bad", "--api-key-source", "COOKIE")
        root = self.gw.json("get-resources", "--rest-api-id", self.api)["items"][0]["id"]
        m = self.gw.json("put-method", "--rest-api-id", self.api, "--resource-id", root, "--http-method", "POST",
                         "--authorization-type", "aws_iam")
        check(m["authorizationType"] == "AWS_IAM", m)
        self.gw.json("put-integration", "--rest-api-id", self.api, "--resource-id", root, "--http-method", "POST",
                     "--type", "MOCK")
        d = self.gw.json("create-deployment", "--rest-api-id", self.api, "--stage-name", "dev")
        listed = self.gw.json("get-deployments", "--rest-api-id", self.api)["items"]
        check(listed and all("apiSummary" not in x for x in listed), listed)
        one = self.gw.json("get-deployment", "--rest-api-id", self.api, "--deployment-id", d["id"])
        check("apiSummary" not in one, one)
        embedded = self.gw.json("get-deployment", "--rest-api-id", self.api, "--deployment-id", d["id"], "--embed",
                                "apisummary")
        check(embedded["apiSummary"]["/"]["POST"]["authorizationType"] == "AWS_IAM", embedded)

    def step_runtimes_and_arns(self):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("app.py", "import sys\ndef handler(e, c):\n    return sys.version.split()[0]\n")
            z.writestr("index.js", "exports.handler = async () => process.version;\n")
        path = os.path.join(self.workdir, "rt.zip")
        with open(path, "wb") as f:
            f.write(buf.getvalue())
        fn_arn = "arn:aws:lambda:us-east-1:000000000000:function:"
        created = self.lam.json("create-function", "--function-name", "py314", "--runtime", "python3.14",
                                "--handler", "app.handler", "--role", ROLE, "--zip-file", "fileb://" + path, "--publish")
        check(created["FunctionArn"] == fn_arn + "py314" and created["Version"] == "1", created)
        self.lam.json("create-function", "--function-name", "node24", "--runtime", "nodejs24.x", "--handler",
                      "index.handler", "--role", ROLE, "--zip-file", "fileb://" + path)
        out = os.path.join(self.workdir, "out.json")
        self.lam.json("invoke", "--function-name", "py314", out)
        with open(out) as f:
            version = json.load(f)
        self.lam.json("invoke", "--function-name", "node24", out)
        with open(out) as f:
            check(json.load(f).startswith("v"), "node ran")
        cfg = self.lam.json("get-function", "--function-name", "py314")["Configuration"]
        check(cfg["RuntimeVersionConfig"]["RuntimeVersionArn"].endswith(":runtime:portico-python-" + version), cfg)
        err = self.lam.error("InvalidParameterValueException", "create-function", "--function-name", "old",
                             "--runtime", "python3.8", "--handler", "app.handler", "--role", ROLE,
                             "--zip-file", "fileb://" + path)
        check("The runtime parameter of python3.8 is no longer supported for creating or updating AWS Lambda "
              "functions. We recommend you use the new runtime (python3.13)" in err, err)
        versions = self.lam.json("list-versions-by-function", "--function-name", "py314")["Versions"]
        check([v["FunctionArn"] for v in versions] == [fn_arn + "py314:$LATEST", fn_arn + "py314:1"], versions)
        every = self.lam.json("list-functions", "--function-version", "ALL")["Functions"]
        check(fn_arn + "py314:$LATEST" in [f["FunctionArn"] for f in every], every)
        plain = self.lam.json("list-functions")["Functions"]
        check(fn_arn + "py314" in [f["FunctionArn"] for f in plain], plain)
        latest = self.lam.json("get-function", "--function-name", "py314", "--qualifier", "$LATEST")
        check(latest["Configuration"]["FunctionArn"] == fn_arn + "py314:$LATEST", latest["Configuration"])
        self.lam.error("InvalidParameterValueException", "update-function-code", "--function-name",
                       fn_arn + "py314:1", "--zip-file", "fileb://" + path)
        self.lam.error("InvalidParameterValueException", "update-function-configuration", "--function-name",
                       fn_arn + "py314:1", "--timeout", "5")

    def step_code_signing(self):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("app.py", "def handler(e, c):\n    return 1\n")
        path = os.path.join(self.workdir, "fn.zip")
        with open(path, "wb") as f:
            f.write(buf.getvalue())
        self.lam.json("create-function", "--function-name", "signed", "--runtime", "python3.12", "--handler",
                      "app.handler", "--role", ROLE, "--zip-file", "fileb://" + path)
        profile = "arn:aws:signer:us-east-1:000000000000:/signing-profiles/p/abcdefghij"
        csc = self.lam.json("create-code-signing-config", "--allowed-publishers",
                            f"SigningProfileVersionArns={profile}", "--description", "d")["CodeSigningConfig"]
        check(csc["CodeSigningConfigId"].startswith("csc-") and len(csc["CodeSigningConfigId"]) == 21
              and csc["CodeSigningConfigArn"].endswith(":code-signing-config:" + csc["CodeSigningConfigId"])
              and csc["CodeSigningPolicies"] == {"UntrustedArtifactOnDeployment": "Warn"}, csc)
        arn = csc["CodeSigningConfigArn"]
        check(self.lam.json("get-code-signing-config", "--code-signing-config-arn", arn)["CodeSigningConfig"] == csc,
              "get")
        updated = self.lam.json("update-code-signing-config", "--code-signing-config-arn", arn,
                                "--code-signing-policies", "UntrustedArtifactOnDeployment=Enforce")["CodeSigningConfig"]
        check(updated["CodeSigningPolicies"]["UntrustedArtifactOnDeployment"] == "Enforce", updated)
        none = self.lam.json("get-function-code-signing-config", "--function-name", "signed")
        check(none["CodeSigningConfigArn"] == "", none)
        put = self.lam.json("put-function-code-signing-config", "--function-name", "signed",
                            "--code-signing-config-arn", arn)
        check(put == {"CodeSigningConfigArn": arn, "FunctionName": "signed"}, put)
        users = self.lam.json("list-functions-by-code-signing-config", "--code-signing-config-arn", arn)
        check(users["FunctionArns"] == ["arn:aws:lambda:us-east-1:000000000000:function:signed"], users)
        self.lam.error("ResourceConflictException", "delete-code-signing-config", "--code-signing-config-arn", arn)
        self.lam.silent("delete-function-code-signing-config", "--function-name", "signed")
        self.lam.silent("delete-code-signing-config", "--code-signing-config-arn", arn)
        self.lam.error("ResourceNotFoundException", "get-code-signing-config", "--code-signing-config-arn", arn)
        check(self.lam.json("list-code-signing-configs")["CodeSigningConfigs"] == [], "gone")
        # What the CLI would refuse before sending, sent as another client would.
        status, body = signed_management(self.server, "POST", "/2020-04-22/code-signing-configs/",
                                       {"AllowedPublishers": {"SigningProfileVersionArns": []}})
        check(status == 400 and "allowedPublishers" in self.message(body), (status, body))
        missing = "arn:aws:lambda:us-east-1:000000000000:code-signing-config:csc-0123456789abcdefg"
        status, body = signed_management(self.server, "PUT", "/2020-06-30/functions/signed/code-signing-config",
                                       {"CodeSigningConfigArn": missing})
        check(status == 404, (status, body))

    def step_event_source_mappings(self):
        queue = "arn:aws:sqs:us-east-1:000000000000:orders"
        created = self.lam.json("create-event-source-mapping", "--function-name", "signed", "--event-source-arn",
                                queue, "--batch-size", "5")
        check(created["State"] == "Creating" and created["BatchSize"] == 5 and created["EventSourceArn"] == queue
              and created["FunctionArn"].endswith(":function:signed") and len(created["UUID"]) == 36, created)
        uuid = created["UUID"]
        got = self.lam.json("get-event-source-mapping", "--uuid", uuid)
        check(got["State"] == "Enabled" and got["StateTransitionReason"] == "USER_INITIATED", got)
        self.lam.error("ResourceConflictException", "create-event-source-mapping", "--function-name", "signed",
                       "--event-source-arn", queue)
        updated = self.lam.json("update-event-source-mapping", "--uuid", uuid, "--no-enabled", "--batch-size", "7")
        check(updated["State"] == "Disabling" and updated["BatchSize"] == 7, updated)
        check(self.lam.json("get-event-source-mapping", "--uuid", uuid)["State"] == "Disabled", "disabled")
        listed = self.lam.json("list-event-source-mappings", "--function-name", "signed")["EventSourceMappings"]
        check([m["UUID"] for m in listed] == [uuid], listed)
        check(self.lam.json("list-event-source-mappings", "--event-source-arn", "arn:aws:sqs:us-east-1:000000000000:x")
              ["EventSourceMappings"] == [], "filtered")
        self.lam.error("InvalidParameterValueException", "create-event-source-mapping", "--function-name", "signed",
                       "--event-source-arn", "arn:aws:kinesis:us-east-1:000000000000:stream/s")
        self.lam.error("ResourceNotFoundException", "create-event-source-mapping", "--function-name", "nope",
                       "--event-source-arn", queue)
        deleted = self.lam.json("delete-event-source-mapping", "--uuid", uuid)
        check(deleted["State"] == "Deleting", deleted)
        self.lam.error("ResourceNotFoundException", "get-event-source-mapping", "--uuid", uuid)

    def step_recursion_config(self):
        path = "/2024-08-31/functions/signed/recursion-config"
        status, body = signed_management(self.server, "GET", path)
        check(status == 200 and body == {"RecursiveLoop": "Terminate"}, (status, body))
        status, body = signed_management(self.server, "PUT", path, {"RecursiveLoop": "Allow"})
        check(status == 200 and body == {"RecursiveLoop": "Allow"}, (status, body))
        status, body = signed_management(self.server, "GET", path)
        check(body == {"RecursiveLoop": "Allow"}, body)
        status, body = signed_management(self.server, "PUT", path, {"RecursiveLoop": "Maybe"})
        check(status == 400 and "recursiveLoop" in self.message(body), (status, body))
        status, _ = signed_management(self.server, "GET", "/2024-08-31/functions/nope/recursion-config")
        check(status == 404, status)


def main():
    return run_steps(ApiSurfaceE2E, "API SURFACE", __doc__)


if __name__ == "__main__":
    sys.exit(main())
