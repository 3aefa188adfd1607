#!/usr/bin/env python3
"""Security e2e: management input is bounded and checked (boto3 against the real binary).

    /usr/bin/python3 tests/security/management_input_test.py --portico build/asan-ubsan/portico

1. A 1 MB REST API name, a NUL or a control character in a name, an over-long description (on
   create and on update) are refused with BadRequestException; 1,024 characters (multi-byte ones
   too) are fine. An API key name of 1,025 characters gets AWS's message.
2. A resource policy that is not an IAM policy document (not JSON, JSON without statements,
   over 8,192 characters) is refused; a real one is stored.
3. Stage method settings: a throttle of -1 means "not set" (as on AWS, where Terraform writes it):
   the stage keeps serving instead of answering 429 to everything; below -1 is refused.
4. A Lambda handler with whitespace fails Lambda's pattern (ValidationException).
After all of it the server still answers.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from support.portico import PorticoServer, check, http, make_zip, read, run_steps, say  # noqa: E402

POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*"}]})


class ManagementInput:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        self.server = PorticoServer(portico, workdir, ["--threads", "2", "--drain-seconds", "1"])

    def client(self, service):
        import boto3
        from botocore.config import Config
        return boto3.client(service, endpoint_url=self.server.admin_url, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(retries={"max_attempts": 1}, read_timeout=30))

    def refused(self, code, message, call, *args, **kwargs):
        """Expects a ClientError with `code` (and `message` in its text, when given)."""
        from botocore.exceptions import ClientError
        try:
            call(*args, **kwargs)
        except ClientError as e:
            err = e.response["Error"]
            status = e.response["ResponseMetadata"]["HTTPStatusCode"]
            check(err["Code"] == code and status == 400, f"expected {code} 400, got {status} {err}")
            if message is not None:
                check(message in err["Message"], f"expected {message!r} in {err['Message'][:300]!r}")
            return err["Message"]
        raise AssertionError(f"expected {code}: the call succeeded")

    # -- steps
    def step_names_and_descriptions(self):
        self.server.start()
        ag = self.client("apigateway")
        msg = self.refused("BadRequestException", "Invalid REST API name, can be at most 1024 characters.",
                           ag.create_rest_api, name="n" * (1 << 20))
        say(f"1 MB name: {msg}")
        self.refused("BadRequestException", "control characters", ag.create_rest_api, name="a\x00b")
        self.refused("BadRequestException", "control characters", ag.create_rest_api, name="line\nbreak")
        self.refused("BadRequestException", "Invalid REST API description specified.", ag.create_rest_api,
                     name="ok", description="d" * 125001)
        wide = "\u00e9" * 1024  # 1,024 characters, 2,048 bytes
        api = ag.create_rest_api(name=wide, description="two\nlines")
        check(ag.get_rest_api(restApiId=api["id"])["name"] == wide, "a 1,024-character name is kept")
        self.refused("BadRequestException", "can be at most 1024 characters", ag.update_rest_api,
                     restApiId=api["id"], patchOperations=[{"op": "replace", "path": "/name", "value": "x" * 2000}])
        check(ag.get_rest_api(restApiId=api["id"])["name"] == wide, "a refused update changes nothing")
        self.refused("BadRequestException", "Invalid API Key name, can be at most 1024 characters.",
                     ag.create_api_key, name="k" * 1025)
        ag.create_api_key(name="k" * 1024)
        self.refused("BadRequestException", "Invalid usage plan name", ag.create_usage_plan, name="p\x07")
        ag.delete_rest_api(restApiId=api["id"])

    def step_resource_policy(self):
        ag = self.client("apigateway")
        for bad in ("not json", json.dumps({"Version": "2012-10-17"}), json.dumps(["Statement"])):
            self.refused("BadRequestException", "Invalid policy document", ag.create_rest_api, name="p", policy=bad)
        long_policy = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "r" * 9000}]})
        self.refused("BadRequestException", "8192", ag.create_rest_api, name="p", policy=long_policy)
        api = ag.create_rest_api(name="p", policy=POLICY)
        check(json.loads(ag.get_rest_api(restApiId=api["id"])["policy"]) == json.loads(POLICY), "policy stored")
        self.refused("BadRequestException", "Invalid policy document", ag.update_rest_api, restApiId=api["id"],
                     patchOperations=[{"op": "replace", "path": "/policy", "value": "{"}])

    def step_throttle_minus_one_is_unset(self):
        ag = self.client("apigateway")
        api = ag.create_rest_api(name="throttled")
        root = ag.get_resources(restApiId=api["id"])["items"][0]["id"]
        ag.put_method(restApiId=api["id"], resourceId=root, httpMethod="GET", authorizationType="NONE")
        ag.put_integration(restApiId=api["id"], resourceId=root, httpMethod="GET", type="MOCK",
                           requestTemplates={"application/json": '{"statusCode": 200}'})
        ag.put_method_response(restApiId=api["id"], resourceId=root, httpMethod="GET", statusCode="200")
        ag.put_integration_response(restApiId=api["id"], resourceId=root, httpMethod="GET", statusCode="200",
                                    responseTemplates={"application/json": '{"ok": true}'})
        ag.create_deployment(restApiId=api["id"], stageName="prod")
        ag.update_stage(restApiId=api["id"], stageName="prod", patchOperations=[
            {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "-1"},
            {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "-1"}])
        url = f"{self.server.data_url}/restapis/{api['id']}/prod/_user_request_/"
        statuses = [http("GET", url).status for _ in range(20)]
        say(f"20 requests with throttling -1: {sorted(set(statuses))}")
        check(statuses == [200] * 20, f"-1 is 'not set', not 'block everything': {statuses}")
        for path, value in (("rateLimit", "-5"), ("burstLimit", "-2"), ("rateLimit", "nan"), ("rateLimit", "1x")):
            self.refused("BadRequestException", None, ag.update_stage, restApiId=api["id"], stageName="prod",
                         patchOperations=[{"op": "replace", "path": f"/*/*/throttling/{path}", "value": value}])
        check(http("GET", url).status == 200, "the stage still serves")

    def step_lambda_handler_pattern(self):
        lam = self.client("lambda")
        code = read(make_zip(os.path.join(self.workdir, "f.zip"), {"app.py": "def handler(e, c):\n    return 1\n"}))
        self.refused("ValidationException", "Member must satisfy regular expression pattern: [^\\s]+",
                     lam.create_function, FunctionName="spaced", Runtime="python3.12", Handler="app handler",
                     Role="arn:aws:iam::000000000000:role/x", Code={"ZipFile": code})
        check(self.client("apigateway").get_rest_apis()["items"] is not None, "the server still answers")
        self.server.stop()


if __name__ == "__main__":
    sys.exit(run_steps(lambda portico, workdir: ManagementInput(portico, workdir), "Management input", __doc__))
