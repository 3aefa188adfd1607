#!/usr/bin/env python3
"""End-to-end test of Lambda function URLs (issue 21): the real portico binary, configured with
Debian's AWS CLI v2 and boto3, called with curl (and a request signed by botocore's SigV4).

    /usr/bin/python3 tests/e2e/function_urls_e2e_test.py --portico build/asan-ubsan/portico

- create / get / update / list / delete-function-url-config with AWS's fields (FunctionUrl,
  FunctionArn, AuthType, Cors, InvokeMode, CreationTime, LastModifiedTime) and refusals (a second
  config 409, a version number as qualifier 400, a missing alias 404, a bad AuthType, a bad MaxAge).
- The URL as returned works with curl as is (Host <url-id>.lambda-url.us-east-1.localhost) and in
  the path form /lambda-url/<url-id>/...; the function gets the payload format 2.0 event (rawPath,
  rawQueryString, queryStringParameters joined, cookies, lower-case headers, requestContext with
  http.method/path/sourceIp, domainName, domainPrefix, accountId "anonymous", base64 for a binary
  body); its answer becomes the response (statusCode, headers, cookies → Set-Cookie, base64 body;
  any other JSON a 200 application/json body; a string its text).
- AWS_IAM: unsigned → 403 Forbidden, a wrong secret → 403 with the signature's message, signed
  for service lambda → 200 with requestContext.authorizer.iam.
- CORS: a preflight is answered without invoking the function; allowed origins get the headers
  (the function's own Access-Control-* replaced), others none.
- Alias URLs run the alias's version; deleting the alias or the function deletes its URL (403).
- Hostile input: an unknown url id, a body over 6 MB (413), a function error, a bad statusCode and
  a header value with CR/LF (502, never a split response).

Steps run in order; the first failure stops the run and prints the server log. Exit code 0 =
every step passed.
"""
import base64
import json
import os
import re
import sys
import subprocess

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.portico import (AwsCli, PorticoServer, check, expect_client_error, http, lambda_client,  # noqa: E402
                            run_steps, sigv4_headers, signed_management, zip_bytes)

ROLE = "arn:aws:iam::000000000000:role/lambda-role"
FN_ARN = "arn:aws:lambda:us-east-1:000000000000:function:"

HANDLER = b'''
import base64, json, os
def handler(event, context):
    path = event["rawPath"]
    if path == "/plain":
        return {"hello": "world", "version": os.environ["AWS_LAMBDA_FUNCTION_VERSION"]}
    if path == "/string":
        return "just text"
    if path == "/binary":
        return {"statusCode": 201, "isBase64Encoded": True, "body": base64.b64encode(bytes([0, 1, 2, 255])).decode(),
                "headers": {"content-type": "application/octet-stream"}}
    if path == "/fail":
        raise ValueError("boom")
    if path == "/badstatus":
        return {"statusCode": "nope"}
    if path == "/split":
        return {"statusCode": 200, "headers": {"x-evil": "a\\r\\nSet-Cookie: injected=1"}, "body": "x"}
    return {"statusCode": 200,
            "headers": {"content-type": "application/json", "x-custom": "1", "access-control-allow-origin": "*"},
            "cookies": ["a=1; Path=/", "b=2"], "body": json.dumps(event)}
'''


class FunctionUrlsE2E:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        self.server = PorticoServer(portico, workdir, ["--threads", "2", "--drain-seconds", "1"])

    def url_host(self, url):
        m = re.fullmatch(r"http://([a-z0-9]{32})\.lambda-url\.us-east-1\.localhost:(\d+)/", url)
        check(m is not None, f"FunctionUrl as Portico serves it: {url}")
        return m.group(1), f"{m.group(1)}.lambda-url.us-east-1.localhost:{m.group(2)}"

    def call(self, path, method="GET", headers=None, body=None, url_id=None, host=None):
        url_id = url_id or self.url_id
        return http(method, self.server.data_url + path, host=host or self.host, headers=headers, body=body)

    # -- steps
    def step_start_and_configure(self):
        self.server.start()
        self.cli = AwsCli(self.server, service="lambda")
        self.lam = lambda_client(self.server, parameter_validation=False)
        self.lam.create_function(FunctionName="web", Runtime="python3.12", Handler="app.handler", Role=ROLE,
                                 Code={"ZipFile": zip_bytes({"app.py": HANDLER})})
        out = self.cli.json("create-function-url-config", "--function-name", "web", "--auth-type", "NONE")
        check(out["FunctionArn"] == FN_ARN + "web" and out["AuthType"] == "NONE"
              and out["CreationTime"].endswith("+0000") and "LastModifiedTime" not in out, out)
        self.url = out["FunctionUrl"]
        self.url_id, self.host = self.url_host(self.url)
        got = self.cli.json("get-function-url-config", "--function-name", "web")
        check(got["FunctionUrl"] == self.url and "LastModifiedTime" in got, got)
        self.cli.error("ResourceConflictException", "create-function-url-config", "--function-name", "web",
                       "--auth-type", "NONE")
        listed = self.cli.json("list-function-url-configs", "--function-name", "web")["FunctionUrlConfigs"]
        check([c["FunctionUrl"] for c in listed] == [self.url], listed)

    def step_the_url_as_returned_works_with_curl(self):
        # curl resolves *.localhost to the loopback itself: the URL works exactly as given.
        p = subprocess.run(["curl", "-sS", "--noproxy", "*", "--max-time", "20", self.url + "plain"],
                           capture_output=True, timeout=30)
        check(p.returncode == 0 and json.loads(p.stdout) == {"hello": "world", "version": "$LATEST"},
              f"curl {self.url}plain: {p.returncode} {p.stdout[:300]!r} {p.stderr[:300]!r}")

    def step_event_and_response(self):
        r = self.call("/echo?x=1&x=2&y=%20z", method="POST", body=b'{"k": "v"}',
                      headers={"Content-Type": "application/json", "Cookie": "c1=v1; c2=v2", "X-Multi": "m",
                               "User-Agent": "e2e-agent"})
        check(r.status == 200 and r.header("x-custom") == "1", r.describe())
        cookies = [v for k, v in r.headers if k.lower() == "set-cookie"]
        check(cookies == ["a=1; Path=/", "b=2"], cookies)
        event = r.json()
        check(event["version"] == "2.0" and event["routeKey"] == "$default" and event["rawPath"] == "/echo"
              and event["rawQueryString"] == "x=1&x=2&y=%20z"
              and event["queryStringParameters"] == {"x": "1,2", "y": " z"}
              and event["cookies"] == ["c1=v1", "c2=v2"] and "cookie" not in event["headers"]
              and event["headers"]["x-multi"] == "m" and event["headers"]["content-type"] == "application/json"
              and event["body"] == '{"k": "v"}' and event["isBase64Encoded"] is False, event)
        ctx = event["requestContext"]
        check(ctx["accountId"] == "anonymous" and ctx["apiId"] == self.url_id and ctx["domainPrefix"] == self.url_id
              and ctx["domainName"] == f"{self.url_id}.lambda-url.us-east-1.localhost"
              and ctx["http"] == {"method": "POST", "path": "/echo", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                                  "userAgent": "e2e-agent"}
              and ctx["stage"] == "$default" and re.fullmatch(r"\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000", ctx["time"])
              and isinstance(ctx["timeEpoch"], int) and "authorizer" not in ctx, ctx)
        check(r.header("x-amzn-RequestId") == ctx["requestId"], "x-amzn-RequestId is the event's requestId")
        binary = self.call("/echo", method="POST", body=bytes([0, 159, 146, 150]),
                           headers={"Content-Type": "application/octet-stream"}).json()
        check(binary["isBase64Encoded"] is True and base64.b64decode(binary["body"]) == bytes([0, 159, 146, 150]),
              binary)
        plain = self.call("/plain")
        check(plain.status == 200 and plain.header("content-type") == "application/json"
              and plain.json()["hello"] == "world", plain.describe())
        text = self.call("/string")
        check(text.status == 200 and text.body == b"just text", text.describe())
        b = self.call("/binary")
        check(b.status == 201 and b.body == bytes([0, 1, 2, 255])
              and b.header("content-type") == "application/octet-stream", b.describe())
        # The path form, for clients that cannot set Host.
        pf = http("GET", f"{self.server.data_url}/lambda-url/{self.url_id}/plain")
        check(pf.status == 200 and pf.json()["hello"] == "world", pf.describe())
        pe = http("GET", f"{self.server.data_url}/lambda-url/{self.url_id}/echo?q=1").json()
        check(pe["rawPath"] == "/echo" and pe["queryStringParameters"] == {"q": "1"}, pe)

    def step_function_errors_and_bad_answers(self):
        for path in ("/fail", "/badstatus", "/split"):
            r = self.call(path)
            check(r.status == 502 and r.json() == {"Message": "Internal Server Error"}, f"{path}: {r.describe()}")
            check(r.header("set-cookie") is None and r.header("x-evil") is None, f"{path}: no split response")
        unknown = http("GET", self.server.data_url + "/x", host="a" * 32 + ".lambda-url.us-east-1.localhost")
        check(unknown.status == 403 and unknown.json() == {"Message": "Forbidden"}, unknown.describe())
        big = self.call("/echo", method="POST", body=b"x" * (6 * 1024 * 1024 + 10), headers={"Content-Type": "text/plain"})
        check(big.status == 413, big.describe())
        # API Gateway's addressing still answers on the same listener.
        gw = http("GET", self.server.data_url + "/nothing")
        check(gw.status == 403 and "Missing Authentication Token" in gw.text, gw.describe())

    def step_aws_iam(self):
        out = self.cli.json("update-function-url-config", "--function-name", "web", "--auth-type", "AWS_IAM")
        check(out["AuthType"] == "AWS_IAM" and out["FunctionUrl"] == self.url, out)
        r = self.call("/plain")
        check(r.status == 403 and r.json() == {"Message": "Forbidden"}, r.describe())

        def signed(secret):
            return sigv4_headers(self.url + "echo?a=b", "GET", headers={"Host": self.host}, secret=secret)
        good = self.call("/echo?a=b", headers=signed("test"))
        check(good.status == 200, good.describe())
        iam = good.json()["requestContext"]["authorizer"]["iam"]
        check(iam["accessKey"] == "test" and iam["accountId"] == "000000000000"
              and iam["userArn"] == "arn:aws:iam::000000000000:user/test", iam)
        bad = self.call("/echo?a=b", headers=signed("wrong"))
        check(bad.status == 403 and "signature" in bad.json()["Message"].lower(), bad.describe())
        self.cli.json("update-function-url-config", "--function-name", "web", "--auth-type", "NONE")

    def step_cors(self):
        cors = {"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET", "POST"], "AllowHeaders": ["x-token"],
                "ExposeHeaders": ["x-custom"], "MaxAge": 300, "AllowCredentials": True}
        out = self.cli.json("update-function-url-config", "--function-name", "web", "--cors", json.dumps(cors))
        check(out["Cors"]["AllowOrigins"] == ["https://app.example"] and out["Cors"]["MaxAge"] == 300, out)
        pre = self.call("/echo", method="OPTIONS", headers={"Origin": "https://app.example",
                                                            "Access-Control-Request-Method": "POST",
                                                            "Access-Control-Request-Headers": "X-Token"})
        check(pre.status == 200 and pre.body == b"" and pre.header("access-control-allow-origin") == "https://app.example"
              and pre.header("access-control-allow-methods") == "GET,POST"
              and pre.header("access-control-allow-headers") == "x-token"
              and pre.header("access-control-max-age") == "300"
              and pre.header("access-control-allow-credentials") == "true", pre.describe())
        other = self.call("/echo", method="OPTIONS", headers={"Origin": "https://evil.example",
                                                              "Access-Control-Request-Method": "POST"})
        check(other.status == 200 and other.header("access-control-allow-origin") is None, other.describe())
        actual = self.call("/echo", headers={"Origin": "https://app.example"})
        check(actual.status == 200 and actual.header("access-control-allow-origin") == "https://app.example"
              and actual.header("access-control-expose-headers") == "x-custom", actual.describe())
        refused = self.call("/echo", headers={"Origin": "https://evil.example"})
        check(refused.status == 200 and refused.header("access-control-allow-origin") is None,
              "the function's own * is replaced: " + refused.describe())

    def step_alias_urls_and_bad_configs(self):
        v = self.lam.publish_version(FunctionName="web")["Version"]
        self.lam.create_alias(FunctionName="web", Name="live", FunctionVersion=v)
        out = self.cli.json("create-function-url-config", "--function-name", "web", "--qualifier", "live",
                            "--auth-type", "NONE")
        check(out["FunctionArn"] == FN_ARN + "web:live", out)
        alias_id, alias_host = self.url_host(out["FunctionUrl"])
        r = http("GET", self.server.data_url + "/plain", host=alias_host)
        check(r.status == 200 and r.json()["version"] == v, r.describe())
        listed = self.lam.list_function_url_configs(FunctionName="web")["FunctionUrlConfigs"]
        check(len(listed) == 2, listed)
        expect_client_error("ValidationException", self.lam.create_function_url_config, "qualifier",
                     FunctionName="web", Qualifier="1", AuthType="NONE")
        expect_client_error("ResourceNotFoundException", self.lam.create_function_url_config, "Function not found",
                     FunctionName="web", Qualifier="nosuch", AuthType="NONE")
        expect_client_error("ValidationException", self.lam.create_function_url_config, "authType",
                     FunctionName="web", Qualifier="live", AuthType="BOGUS")
        expect_client_error("ValidationException", self.lam.update_function_url_config, "maxAge",
                     FunctionName="web", Cors={"MaxAge": 100000})
        # InvokeMode is newer than Debian's botocore model: sent as the newer SDKs send it.
        status, body = signed_management(self.server, "PUT", "/2021-10-31/functions/web/url", {"InvokeMode": "SOMETIMES"})
        check(status == 400 and "invokeMode" in body.get("message", body.get("Message", "")), (status, body))
        status, body = signed_management(self.server, "PUT", "/2021-10-31/functions/web/url", {"InvokeMode": "RESPONSE_STREAM"})
        check(status == 200 and body["InvokeMode"] == "RESPONSE_STREAM", (status, body))
        status, body = signed_management(self.server, "GET", "/2021-10-31/functions/web/url")
        check(status == 200 and body["InvokeMode"] == "RESPONSE_STREAM", (status, body))
        signed_management(self.server, "PUT", "/2021-10-31/functions/web/url", {"InvokeMode": "BUFFERED"})
        self.lam.delete_alias(FunctionName="web", Name="live")
        gone = http("GET", self.server.data_url + "/plain", host=alias_host)
        check(gone.status == 403, "the alias's URL went with it: " + gone.describe())
        self.cli.silent("delete-function-url-config", "--function-name", "web")
        self.cli.error("ResourceNotFoundException", "get-function-url-config", "--function-name", "web")
        check(self.call("/plain").status == 403, "deleted")
        out = self.cli.json("create-function-url-config", "--function-name", "web", "--auth-type", "NONE")
        _, host = self.url_host(out["FunctionUrl"])
        check(http("GET", self.server.data_url + "/plain", host=host).status == 200, "a new URL")
        self.lam.delete_function(FunctionName="web")
        check(http("GET", self.server.data_url + "/plain", host=host).status == 403, "the function's URL went too")


def main():
    return run_steps(FunctionUrlsE2E, "FUNCTION URLS", __doc__)


if __name__ == "__main__":
    sys.exit(main())
