#!/usr/bin/env python3
"""End-to-end fidelity checks of the management APIs, driven with boto3 against the real binary.

    /usr/bin/python3 tests/e2e/fidelity_e2e_test.py --portico build/asan-ubsan/portico

Every management response carries x-amzn-RequestId, so boto3's ResponseMetadata.RequestId is set:
API Gateway, Lambda and CloudWatch Logs calls, their errors, refused signatures (from the request's
head and from the whole request) and unknown operations. Lambda Invoke answers the invocation's own
request id: the one the function sees (context.aws_request_id), its error body names, and its
START/END/REPORT log lines carry. A put-integration-response whose responseParameters source is
not an integration response expression is refused naming that source, as AWS words it. Steps run
in order; the first failure stops the run and prints the server log. Exit code 0 = every step passed.
"""
import base64
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.portico import E2EFailure, PorticoServer, check, make_zip, read, run_steps  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lambda_fixtures")
ROLE = "arn:aws:iam::000000000000:role/lambda-role"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def request_id(metadata):
    """ResponseMetadata.RequestId, checked to be a UUID as AWS's are."""
    rid = metadata.get("RequestId", "")
    check(UUID.fullmatch(rid or ""), f"ResponseMetadata.RequestId must be a UUID: {metadata}")
    return rid


class FidelityE2E:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        self.server = PorticoServer(portico, workdir, ["--threads", "2", "--drain-seconds", "1"])

    def client(self, service, secret="test", key="test"):
        import boto3
        from botocore.config import Config
        return boto3.client(service, endpoint_url=self.server.admin_url, region_name="us-east-1",
                            aws_access_key_id=key, aws_secret_access_key=secret,
                            config=Config(retries={"max_attempts": 1}, read_timeout=30))

    def expect_error(self, code, call, **kwargs):
        """Runs call(**kwargs), expects a ClientError with that code; returns its response."""
        from botocore.exceptions import ClientError
        try:
            call(**kwargs)
        except ClientError as e:
            check(e.response["Error"]["Code"] == code, f"expected {code}: {e.response}")
            return e.response
        raise E2EFailure(f"expected {code} from {call.__name__}({kwargs})")

    # -- steps
    def step_start(self):
        self.server.start()
        zip_path = make_zip(os.path.join(self.workdir, "py.zip"), {"app.py": read(os.path.join(FIXTURES, "app.py"))})
        lam = self.client("lambda")
        for name, handler in (("py", "app.handler"), ("py-fail", "app.fail")):
            lam.create_function(FunctionName=name, Runtime="python3.12", Handler=handler, Role=ROLE,
                                Code={"ZipFile": read(zip_path)}, Timeout=10)

    def step_apigateway_request_ids(self):
        apigw = self.client("apigateway")
        created = apigw.create_rest_api(name="ids")
        ids = {request_id(created["ResponseMetadata"])}
        self.api = created["id"]
        for _ in range(3):
            ids.add(request_id(apigw.get_rest_apis()["ResponseMetadata"]))
        check(len(ids) == 4, f"a fresh request id per call: {ids}")
        err = self.expect_error("NotFoundException", apigw.get_rest_api, restApiId="nope0nope0")
        request_id(err["ResponseMetadata"])

    def step_lambda_and_logs_request_ids(self):
        lam = self.client("lambda")
        request_id(lam.list_functions()["ResponseMetadata"])
        err = self.expect_error("ResourceNotFoundException", lam.get_function, FunctionName="nope")
        request_id(err["ResponseMetadata"])
        logs = self.client("logs")
        request_id(logs.filter_log_events(logGroupName="/aws/lambda/py")["ResponseMetadata"])
        err = self.expect_error("ResourceNotFoundException", logs.filter_log_events, logGroupName="/aws/lambda/nope")
        request_id(err["ResponseMetadata"])

    def step_refused_signatures_carry_request_ids(self):
        # A wrong secret is refused once the whole request is read; an unknown key from the head.
        wrong = self.client("apigateway", secret="not-the-secret")
        err = self.expect_error("InvalidSignatureException", wrong.get_rest_apis)
        check(err["ResponseMetadata"]["HTTPStatusCode"] == 403, err)
        request_id(err["ResponseMetadata"])
        unknown = self.client("lambda", key="AKIDNOBODY")
        err = self.expect_error("UnrecognizedClientException", unknown.list_functions)
        check(err["ResponseMetadata"]["HTTPStatusCode"] == 403, err)
        request_id(err["ResponseMetadata"])

    def step_unknown_operation_carries_a_request_id(self):
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        url = self.server.admin_url + "/no-such-operation"
        signed = AWSRequest(method="GET", url=url, headers={"Accept": "application/json"})
        SigV4Auth(Credentials("test", "test"), "apigateway", "us-east-1").add_auth(signed)
        req = urllib.request.Request(url, headers=dict(signed.headers.items()), method="GET")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                raise E2EFailure(f"expected 404 for an unknown operation, got {r.status}")
        except urllib.error.HTTPError as e:
            body = e.read()
            check(e.code == 404 and e.headers.get("x-amzn-ErrorType") == "UnknownOperationException",
                  (e.code, dict(e.headers), body))
            check(UUID.fullmatch(e.headers.get("x-amzn-RequestId") or ""), dict(e.headers))

    def step_invoke_answers_the_invocations_request_id(self):
        lam = self.client("lambda")
        r = lam.invoke(FunctionName="py", Payload=b'{"a": 1}', LogType="Tail")
        rid = request_id(r["ResponseMetadata"])
        out = json.loads(r["Payload"].read())
        check(out["requestId"] == rid, f"the function's context.aws_request_id {out['requestId']} != {rid}")
        log = base64.b64decode(r["LogResult"]).decode()
        check(log.startswith(f"START RequestId: {rid} Version: $LATEST\n"), log)
        check(f"END RequestId: {rid}\n" in log and f"REPORT RequestId: {rid}\t" in log, log)
        again = lam.invoke(FunctionName="py", Payload=b"{}")
        check(request_id(again["ResponseMetadata"]) != rid, "each invocation has its own id")
        check(json.loads(again["Payload"].read())["requestId"] == again["ResponseMetadata"]["RequestId"], again)
        # A function error's body names the same id.
        failed = lam.invoke(FunctionName="py-fail", Payload=b'{"b": 2}', LogType="Tail")
        rid = request_id(failed["ResponseMetadata"])
        body = json.loads(failed["Payload"].read())
        check(failed.get("FunctionError") == "Unhandled" and body["errorType"] == "ValueError", (failed, body))
        check(body["requestId"] == rid, f"the error body's requestId {body['requestId']} != {rid}")
        check(base64.b64decode(failed["LogResult"]).decode().startswith(f"START RequestId: {rid} "), failed)
        # An Event invocation answers 202 with the id the queued invocation then runs with (its
        # START line in the function's log names it).
        queued = lam.invoke(FunctionName="py", InvocationType="Event", Payload=b'{"queued": true}')
        check(queued["StatusCode"] == 202, queued)
        rid = request_id(queued["ResponseMetadata"])
        logs = self.client("logs")
        deadline = time.monotonic() + 20
        found = []
        while time.monotonic() < deadline and not found:
            events = logs.filter_log_events(logGroupName="/aws/lambda/py")
            found = [e for e in events["events"] if e["message"].startswith(f"START RequestId: {rid} ")]
            if not found:
                time.sleep(0.2)
        check(found, f"no START line for the Event invocation's id {rid}")

    def step_response_parameter_source_is_named(self):
        apigw = self.client("apigateway")
        root = apigw.get_resources(restApiId=self.api)["items"][0]["id"]
        apigw.put_method(restApiId=self.api, resourceId=root, httpMethod="GET", authorizationType="NONE")
        apigw.put_integration(restApiId=self.api, resourceId=root, httpMethod="GET", type="MOCK",
                              requestTemplates={"application/json": '{"statusCode": 200}'})
        apigw.put_method_response(restApiId=self.api, resourceId=root, httpMethod="GET", statusCode="200",
                                  responseParameters={"method.response.header.X-Echo": False})
        err = self.expect_error("BadRequestException", apigw.put_integration_response, restApiId=self.api,
                                resourceId=root, httpMethod="GET", statusCode="200",
                                responseParameters={"method.response.header.X-Echo": "method.request.header.X-In"})
        expected = ("Invalid mapping expression specified: Validation Result: warnings : [], errors : "
                    "[Invalid mapping expression specified: method.request.header.X-In]")
        check(err["Error"]["Message"] == expected, err)
        request_id(err["ResponseMetadata"])


def main():
    return run_steps(FidelityE2E, "FIDELITY", __doc__)


if __name__ == "__main__":
    sys.exit(main())
