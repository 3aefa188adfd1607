#!/usr/bin/env python3
"""End-to-end test of AWS service integrations (type AWS, services other than Lambda): the real
portico binary, configured with Debian's AWS CLI v2, calling real third-party servers the test
starts on 127.0.0.1.

    /usr/bin/python3 tests/e2e/aws_integrations_e2e_test.py --portico build/asan-ubsan/portico

* S3 through s3rver (npm; it checks SigV4 signatures made with its keys): the developer guide's S3
  proxy API — GET / lists buckets (path//), PUT /{folder} creates a bucket, PUT and GET
  /{folder}/{item} store and read objects through {bucket}/{object} path overrides, a PNG kept
  byte for byte through binaryMediaTypes, a missing object mapped to 404.
* DynamoDB through dynalite (npm): PutItem / GetItem / Query with mapping templates, the
  conditional-check failure mapped to 409 by a selection pattern, a template that renders invalid
  JSON answered by the service's 400.
* Query-protocol services against a capture server that verifies each signature with AWS's
  algorithm: SQS SendMessage on a path URI (form body, Version added), SNS Publish on an action URI,
  STS GetCallerIdentity signed with the caller's own keys (credentials arn:aws:iam::*:user/*).
* Endpoints from --aws-endpoint, PORTICO_AWS_ENDPOINT_*, AWS_ENDPOINT_URL_* and AWS_ENDPOINT_URL;
  keys from --aws-role-credentials. The Test button's log (endpoint URI, signed headers with the
  signature masked). Failures: an unmapped role (500, the reason in the log), a service that
  cannot be reached and one answering 50 MB (INTEGRATION_FAILURE, 504), a backend that never answers in time
(504 Endpoint request timed out). Lambda CreateFunction / UpdateFunctionCode with the code in S3.
Steps run in order; the first failure stops the run.
"""
import atexit
import hashlib
import json
import os
import struct
import subprocess
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.aws_capture import AwsCapture  # noqa: E402
from support.peers import free_port, install_peers, start_dynalite, start_s3rver  # noqa: E402
from support.portico import AWS_CLI, AwsCli, PorticoServer, _clean_env, check, http, run_steps, say  # noqa: E402

ACCOUNT = "000000000000"
ROLE_S3 = f"arn:aws:iam::{ACCOUNT}:role/apigw-s3"
ROLE_DDB = f"arn:aws:iam::{ACCOUNT}:role/apigw-dynamodb"
ROLE_SQS = f"arn:aws:iam::{ACCOUNT}:role/apigw-sqs"
ROLE_NONE = f"arn:aws:iam::{ACCOUNT}:role/not-mapped"
SQS_KEY, SQS_SECRET, SQS_TOKEN = "AKIDSQSROLE", "sqs-role-secret", "sqs-session-token"


def png(width=3, height=2):
    """A small valid PNG (bytes 0..255 appear in it: any text decoding would corrupt it)."""
    raw = b"".join(b"\x00" + bytes(range(i * 40, i * 40 + width * 3)) for i in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class AwsIntegrationsE2E:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        self.cache = os.path.join(os.path.dirname(os.path.abspath(portico)), "peers-cache")
        self.portico = portico
        self.server = PorticoServer(portico, workdir)
        self.apigw = AwsCli(self.server)
        self.peers = []

    # -- helpers
    def url(self, path):
        return f"{self.server.data_url}/restapis/{self.api}/dev/_user_request_{path}"

    def resource(self, path):
        """The id of the resource at `path`, creating the missing parts."""
        if path in self.resources:
            return self.resources[path]
        parent, _, part = path.rpartition("/")
        pid = self.resource(parent or "/")
        rid = self.apigw.json("create-resource", "--rest-api-id", self.api, "--parent-id", pid,
                              "--path-part", part)["id"]
        self.resources[path] = rid
        return rid

    def method(self, verb, path, uri, *, credentials=None, http_method=None, params=None, templates=None,
               responses=(("200", "", None),), method_params=None, auth="NONE", timeout=None):
        """A method with an AWS integration; responses: (status, selection pattern, template or None)."""
        rid = self.resource(path)
        args = ["--rest-api-id", self.api, "--resource-id", rid, "--http-method", verb]
        self.apigw.json("put-method", *args, "--authorization-type", auth,
                        *(["--request-parameters", json.dumps(method_params)] if method_params else []))
        extra = ["--credentials", credentials] if credentials else []
        if params:
            extra += ["--request-parameters", json.dumps(params)]
        if templates:
            extra += ["--request-templates", json.dumps(templates)]
        if timeout:
            extra += ["--timeout-in-millis", str(timeout)]
        self.apigw.json("put-integration", *args, "--type", "AWS", "--integration-http-method", http_method or verb,
                        "--uri", uri, *extra)
        for status, pattern, template in responses:
            self.apigw.json("put-method-response", *args, "--status-code", status, "--response-parameters",
                            json.dumps({"method.response.header.Content-Type": False}))
            rargs = ["--status-code", status, "--response-parameters",
                     json.dumps({"method.response.header.Content-Type": "integration.response.header.Content-Type"})]
            if pattern:
                rargs += ["--selection-pattern", pattern]
            if template is not None:
                rargs += ["--response-templates", json.dumps({"application/json": template})]
            self.apigw.json("put-integration-response", *args, *rargs)
        return rid

    def deploy(self):
        self.apigw.json("create-deployment", "--rest-api-id", self.api, "--stage-name", "dev")

    def test_invoke(self, verb, path, body=None, path_with_query=None):
        args = ["--rest-api-id", self.api, "--resource-id", self.resources[path], "--http-method", verb,
                "--path-with-query-string", path_with_query or path]
        if body is not None:
            args += ["--body", body]
        return self.apigw.json("test-invoke-method", *args)

    # -- steps
    def cleanup(self):
        for p in self.peers:
            p.stop()
        if getattr(self, "capture", None):
            self.capture.stop()
            self.capture = None

    def step_start_peers_and_portico(self):
        atexit.register(self.cleanup)  # the peers stop even when a step fails
        modules = install_peers(self.cache)
        self.dynalite = start_dynalite(modules, self.workdir)
        self.s3 = start_s3rver(modules, self.workdir)
        self.peers += [self.dynalite, self.s3]
        self.capture = AwsCapture({SQS_KEY: SQS_SECRET, "test": "test"}, slow_seconds=3.0)
        roles = os.path.join(self.workdir, "roles.txt")
        with open(roles, "w") as f:
            f.write(f"# role -> keys\n{ROLE_S3} S3RVER S3RVER\n{ROLE_DDB} AKIDDYNAMO dynamo-secret\n"
                    f"{ROLE_SQS} {SQS_KEY} {SQS_SECRET} {SQS_TOKEN}\n")
        closed = free_port()  # nothing listens there: the global endpoint of every other service
        self.server.extra_args += ["--aws-endpoint", f"s3={self.s3.url}", "--aws-role-credentials", roles]
        self.server.env.update({
            "PORTICO_AWS_ENDPOINT_DYNAMODB": self.dynalite.url,
            "AWS_ENDPOINT_URL_SQS": self.capture.url,
            "AWS_ENDPOINT_URL_SNS": self.capture.url,
            "AWS_ENDPOINT_URL_STS": self.capture.url,
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{closed}",
            # No default keys: only the mapped roles (and the caller's own) can sign.
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.workdir, "no-such-credentials"),
        })
        self.server.start()
        self.api = self.apigw.json("create-rest-api", "--name", "aws-services",
                                   "--binary-media-types", "image/png")["id"]
        root = self.apigw.text("get-resources", "--rest-api-id", self.api, query="items[?path=='/'].id | [0]")
        self.resources = {"/": root}

    def step_s3_proxy_as_the_developer_guide_builds_it(self):
        s3 = "arn:aws:apigateway:us-east-1:s3:path"
        folder = {"integration.request.path.bucket": "method.request.path.folder"}
        item = {**folder, "integration.request.path.object": "method.request.path.item"}
        mp_folder = {"method.request.path.folder": True}
        mp_item = {**mp_folder, "method.request.path.item": True, "method.request.header.Content-Type": False}
        self.method("GET", "/", f"{s3}//", credentials=ROLE_S3)
        self.method("PUT", "/{folder}", f"{s3}/{{bucket}}", credentials=ROLE_S3, params=folder, method_params=mp_folder)
        self.method("PUT", "/{folder}/{item}", f"{s3}/{{bucket}}/{{object}}", credentials=ROLE_S3,
                    params={**item, "integration.request.header.Content-Type": "method.request.header.Content-Type"},
                    method_params=mp_item)
        self.method("GET", "/{folder}/{item}", f"{s3}/{{bucket}}/{{object}}", credentials=ROLE_S3, params=item,
                    method_params=mp_item, responses=(("200", "", None), ("404", "404", '{"missing": true}')))
        self.deploy()
        r = http("PUT", self.url("/photos-bucket"))
        check(r.status == 200, f"PUT /photos-bucket creates the bucket in s3rver: {r.describe()}")
        r = http("GET", self.url("/"))
        check(r.status == 200 and "<Name>photos-bucket</Name>" in r.text, f"GET / lists the buckets: {r.describe()}")
        r = http("PUT", self.url("/photos-bucket/note.txt"), headers={"Content-Type": "text/plain"}, body="hello s3")
        check(r.status == 200, f"PUT an object: {r.describe()}")
        r = http("GET", self.url("/photos-bucket/note.txt"))
        check(r.status == 200 and r.body == b"hello s3", f"GET it back: {r.describe()}")
        check((r.header("Content-Type") or "").startswith("text/plain"), f"Content-Type mapped back: {r.describe()}")
        image = png()
        r = http("PUT", self.url("/photos-bucket/dot.png"), headers={"Content-Type": "image/png"}, body=image)
        check(r.status == 200, f"PUT a PNG: {r.describe()}")
        r = http("GET", self.url("/photos-bucket/dot.png"), headers={"Accept": "image/png"})
        check(r.status == 200 and r.body == image,
              f"the PNG comes back byte for byte ({len(r.body)} of {len(image)} bytes): {r.describe()}")
        stored = []
        for top, _, files in os.walk(os.path.join(self.workdir, "s3rver-data", "photos-bucket")):
            stored += [f for f in files if open(os.path.join(top, f), "rb").read() == image]
        check(stored, "s3rver stored the PNG's bytes as they were sent")
        r = http("GET", self.url("/photos-bucket/absent.txt"))
        check(r.status == 404 and r.json() == {"missing": True}, f"a missing object maps to 404: {r.describe()}")

    def step_dynamodb_through_mapping_templates(self):
        env = _clean_env({"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1"})
        p = subprocess.run([AWS_CLI, "--endpoint-url", self.dynalite.url, "dynamodb", "create-table", "--table-name",
                            "items", "--attribute-definitions", "AttributeName=id,AttributeType=S",
                            "--key-schema", "AttributeName=id,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST"],
                           capture_output=True, text=True, timeout=60, env=env)
        check(p.returncode == 0, f"create-table in dynalite: {p.stderr}")
        ddb = "arn:aws:apigateway:us-east-1:dynamodb:action"
        put = ('{"TableName": "items", "Item": {"id": {"S": "$input.path(\'$.id\')"}, '
               '"owner": {"S": "$input.path(\'$.owner\')"}}, "ConditionExpression": "attribute_not_exists(id)"}')
        self.method("POST", "/items", f"{ddb}/PutItem", credentials=ROLE_DDB, http_method="POST",
                    templates={"application/json": put},
                    responses=(("200", "", '{"saved": true}'),
                               ("409", "400", '{"conflict": "$input.path(\'$.__type\')", '
                                              '"status": $context.integration.status, '
                                              '"latency": $context.integration.latency, '
                                              '"requestId": "$context.integration.requestId"}')))
        get = '{"TableName": "items", "Key": {"id": {"S": "$input.params(\'id\')"}}}'
        self.method("GET", "/items/{id}", f"{ddb}/GetItem", credentials=ROLE_DDB, http_method="POST",
                    templates={"application/json": get}, method_params={"method.request.path.id": True},
                    responses=(("200", "", '{"id": "$input.path(\'$.Item.id.S\')", '
                                           '"owner": "$input.path(\'$.Item.owner.S\')"}'),))
        query = ('{"TableName": "items", "KeyConditionExpression": "id = :id", '
                 '"ExpressionAttributeValues": {":id": {"S": "$input.params(\'id\')"}}}')
        reshape = ('{"count": $input.path(\'$.Count\'), "owners": ['
                   '#foreach($i in $input.path(\'$.Items\'))"$i.owner.S"#if($foreach.hasNext),#end#end]}')
        self.method("GET", "/items", f"{ddb}/Query", credentials=ROLE_DDB, http_method="POST",
                    templates={"application/json": query}, responses=(("200", "", reshape),))
        self.method("POST", "/bad", f"{ddb}/PutItem", credentials=ROLE_DDB, http_method="POST",
                    templates={"application/json": '{"TableName": "items", "Item": {oops'},
                    responses=(("200", "", None), ("400", "4\\d{2}", None)))
        self.deploy()
        r = http("POST", self.url("/items"), headers={"Content-Type": "application/json"},
                 body='{"id": "a1", "owner": "ana"}')
        check(r.status == 200 and r.json() == {"saved": True}, f"PutItem: {r.describe()}")
        r = http("POST", self.url("/items"), headers={"Content-Type": "application/json"},
                 body='{"id": "a1", "owner": "bob"}')
        check(r.status == 409 and r.json()["conflict"].endswith("#ConditionalCheckFailedException"),
              f"a second PutItem fails its condition and maps to 409: {r.describe()}")
        got = r.json()
        check(got["status"] == 400 and isinstance(got["latency"], int) and got["latency"] >= 0
              and len(got["requestId"]) > 8,
              f"$context.integration.* in the response template: the service's status, latency, request id: {got}")
        r = http("GET", self.url("/items/a1"))
        check(r.status == 200 and r.json() == {"id": "a1", "owner": "ana"}, f"GetItem reshaped: {r.describe()}")
        r = http("GET", self.url("/items?id=a1"))
        check(r.status == 200 and r.json() == {"count": 1, "owners": ["ana"]}, f"Query reshaped: {r.describe()}")
        r = http("POST", self.url("/bad"), headers={"Content-Type": "application/json"}, body="{}")
        check(r.status == 400 and "SerializationException" in r.text,
              f"a template that renders invalid JSON gets the service's 400: {r.describe()}")

    def step_test_invoke_shows_the_signed_request(self):
        res = self.test_invoke("POST", "/items", body='{"id": "t1", "owner": "tess"}')
        log = res.get("log", "")
        check(res.get("status") == 200, f"test-invoke PutItem: {res}")
        for want in (f"Endpoint request URI: {self.dynalite.url}/", "X-Amz-Target=DynamoDB_20120810.PutItem",
                     "Content-Type=application/x-amz-json-1.0", "Authorization=*****", "X-Amz-Date=",
                     f"Sending request to {self.dynalite.url}/", "Received response. Status: 200"):
            check(want in log, f"the execution log shows {want!r}:\n{log}")
        check("Signature=" not in log, f"the signature is masked in the log:\n{log}")

    def step_query_protocol_services_and_the_callers_identity(self):
        self.method("POST", "/queue", f"arn:aws:apigateway:us-east-1:sqs:path/{ACCOUNT}/orders", credentials=ROLE_SQS,
                    params={"integration.request.header.Content-Type": "'application/x-www-form-urlencoded'"},
                    templates={"application/json": "Action=SendMessage&MessageBody=$util.urlEncode($input.body)"})
        self.method("POST", "/notify", "arn:aws:apigateway:us-east-1:sns:action/Publish", credentials=ROLE_SQS,
                    params={"integration.request.querystring.TopicArn": f"'arn:aws:sns:us-east-1:{ACCOUNT}:alerts'",
                            "integration.request.querystring.Message": "method.request.querystring.msg"},
                    method_params={"method.request.querystring.msg": True})
        self.method("GET", "/whoami", "arn:aws:apigateway:us-east-1:sts:action/GetCallerIdentity",
                    credentials="arn:aws:iam::*:user/*", http_method="POST", auth="AWS_IAM")
        self.deploy()
        message = '{"order": 42, "note": "a&b=c"}'
        r = http("POST", self.url("/queue"), headers={"Content-Type": "application/json"}, body=message)
        seen = self.capture.last()
        check(r.status == 200, f"SendMessage: {r.describe()}\ncapture saw: {seen}")
        check(seen["signer"] == SQS_KEY and seen["headers"].get("x-amz-security-token") == SQS_TOKEN,
              f"signed with the role's keys and session token: {seen}")
        check(seen["path"] == f"/{ACCOUNT}/orders" and seen["params"].get("MessageBody") == message
              and seen["params"].get("Version") == "2012-11-05", f"the SQS request: {seen}")
        check(r.json()["SendMessageResponse"]["SendMessageResult"]["MD5OfMessageBody"]
              == hashlib.md5(message.encode()).hexdigest(), f"the service's JSON answer passes through: {r.text}")
        r = http("POST", self.url("/notify?msg=disk%20full"))
        seen = self.capture.last()
        check(r.status == 200 and "PublishResponse" in r.text, f"Publish: {r.describe()}\n{seen}")
        check(seen["params"].get("Action") == "Publish" and seen["params"].get("Version") == "2010-03-31"
              and seen["params"].get("Message") == "disk full"
              and seen["params"].get("TopicArn") == f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts", f"Publish: {seen}")
        unsigned = http("GET", self.url("/whoami"))
        check(unsigned.status == 403, f"an AWS_IAM method refuses an unsigned caller: {unsigned.describe()}")
        r = self.signed_get(self.url("/whoami"))
        seen = self.capture.last()
        check(r.status == 200 and seen["signer"] == "test", f"the caller's own keys sign onwards: {r.describe()} {seen}")

    def signed_get(self, url):
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        req = AWSRequest(method="GET", url=url)
        SigV4Auth(Credentials("test", "test"), "execute-api", "us-east-1").add_auth(req)
        return http("GET", url, headers=dict(req.headers.items()))

    def step_failures_get_api_gateways_answers(self):
        self.method("POST", "/unmapped", "arn:aws:apigateway:us-east-1:sqs:path/1/q", credentials=ROLE_NONE)
        self.method("POST", "/unreachable", "arn:aws:apigateway:us-east-1:kinesis:action/PutRecord", credentials=ROLE_SQS)
        self.method("POST", "/slow", "arn:aws:apigateway:us-east-1:sqs:path/slow", credentials=ROLE_SQS, timeout=1000)
        self.method("POST", "/huge", "arn:aws:apigateway:us-east-1:sqs:path/huge", credentials=ROLE_SQS)
        self.deploy()
        r = http("POST", self.url("/unmapped"), body="x")
        check(r.status == 500 and r.json() == {"message": "Internal server error"}, f"unmapped role: {r.describe()}")
        log = self.test_invoke("POST", "/unmapped", body="x").get("log", "")
        check(f"Execution failed due to configuration error: no AWS credentials for {ROLE_NONE}" in log,
              f"the log says why:\n{log}")
        r = http("POST", self.url("/unreachable"), body="{}")
        check(r.status == 504 and r.json() == {"message": "Internal server error"},
              f"a service nothing answers for is INTEGRATION_FAILURE (504): {r.describe()}")
        r = http("POST", self.url("/slow"), body="x")
        check(r.status == 504 and r.json() == {"message": "Endpoint request timed out"} and r.seconds < 2.9,
              f"past timeoutInMillis: {r.describe()} after {r.seconds:.1f} s")
        r = http("POST", self.url("/huge"), body="x", timeout=30)
        check(r.status == 504 and len(r.body) < 1000 and r.seconds < 20,
              f"a 50 MB answer is cut at 10 MB (INTEGRATION_FAILURE): status {r.status}, {len(r.body)} bytes")
        r = http("GET", self.url("/items/a1"))
        check(r.status == 200, f"Portico still serves: {r.describe()}")

    def step_lambda_code_from_s3(self):
        import io
        import zipfile
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("index.py", "def handler(event, context):\n    return {'from': 's3', 'got': event}\n")
        code = os.path.join(self.workdir, "fn.zip")
        with open(code, "wb") as f:
            f.write(buf.getvalue())
        env = _clean_env({"AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": "S3RVER",
                          "AWS_DEFAULT_REGION": "us-east-1"})
        p = subprocess.run([AWS_CLI, "--endpoint-url", self.s3.url, "s3api", "put-object", "--bucket", "photos-bucket",
                            "--key", "code/fn.zip", "--body", code], capture_output=True, text=True, timeout=60, env=env)
        check(p.returncode == 0, f"upload the zip to s3rver: {p.stderr}")
        lam = AwsCli(self.server, service="lambda")
        common = ["--runtime", "python3.12", "--handler", "index.handler", "--role", ROLE_S3]
        made = lam.json("create-function", "--function-name", "from-s3", *common,
                        "--code", "S3Bucket=photos-bucket,S3Key=code/fn.zip")
        check(made.get("CodeSize") == len(buf.getvalue()), f"the zip read from S3 is the function's code: {made}")
        out = os.path.join(self.workdir, "out.json")
        lam.json("invoke", "--function-name", "from-s3", "--cli-binary-format", "raw-in-base64-out",
                 "--payload", '{"n": 1}', out)
        with open(out) as f:
            result = json.load(f)
        check(result == {"from": "s3", "got": {"n": 1}}, f"the function from S3 runs: {result}")
        err = lam.error("InvalidParameterValueException", "create-function", "--function-name", "missing-code", *common,
                        "--code", "S3Bucket=photos-bucket,S3Key=code/absent.zip")
        check("S3 Error Code: NoSuchKey" in err, f"a missing object is Lambda's error: {err}")
        err = lam.error("InvalidParameterValueException", "update-function-code", "--function-name", "from-s3",
                        "--s3-bucket", "no-such-bucket", "--s3-key", "fn.zip")
        check("S3 Error Code: NoSuchBucket" in err, f"a missing bucket: {err}")
        # A bucket name that would point the signed request elsewhere never reaches the URL.
        err = lam.error("InvalidParameterValueException", "update-function-code", "--function-name", "from-s3",
                        "--s3-bucket", "evil.example:8080", "--s3-key", "fn.zip")
        check("S3 Error Code: InvalidBucketName" in err, f"an invalid bucket name: {err}")

    def step_config_file_endpoints_and_the_code_size_bound(self):
        """--aws-endpoint and --aws-role-credentials from the config file; S3 code over 250 MB is refused
        without being read whole."""
        self.server.stop()
        huge = AwsCapture({"AKIDHUGE": "huge-secret"}, huge_bytes=251 * 1024 * 1024)
        try:
            roles = os.path.join(self.workdir, "roles-huge.txt")
            with open(roles, "w") as f:
                f.write(f"{ROLE_S3} AKIDHUGE huge-secret\n")
            config = os.path.join(self.workdir, "portico.toml")
            with open(config, "w") as f:
                f.write(f'aws-endpoint = ["s3={huge.url}"]\naws-role-credentials = "{roles}"\n')
            bad = os.path.join(self.workdir, "bad.toml")
            with open(bad, "w") as f:
                f.write('aws-endpoitn = ["s3=http://127.0.0.1:1"]\n')
            p = subprocess.run([self.server.binary, "serve", "--config", bad, "--data-dir", self.server.data_dir,
                                "--admin-listen", "127.0.0.1:0", "--listen", "127.0.0.1:0", "--tls-listen", "off"],
                               capture_output=True, text=True, timeout=30)
            check(p.returncode != 0 and "aws-endpoitn" in p.stdout + p.stderr,
                  f"a misspelt config key stops Portico: rc {p.returncode} {p.stdout} {p.stderr}")
            saved = list(self.server.extra_args)
            self.server.extra_args = ["--config", config]
            self.server.start()
            lam = AwsCli(self.server, service="lambda")
            t0 = time.monotonic()
            err = lam.error("InvalidParameterValueException", "create-function", "--function-name", "too-big",
                            "--runtime", "python3.12", "--handler", "index.handler", "--role", ROLE_S3,
                            "--code", "S3Bucket=huge,S3Key=code.zip")
            check("Unzipped size must be smaller than 262144000 bytes" in err, f"the 250 MB bound: {err}")
            check(time.monotonic() - t0 < 20, "refused without reading 251 MB")
            seen = huge.last()
            check(seen and seen["path"] == "/huge/code.zip" and seen["signer"] == "AKIDHUGE",
                  f"the config file's endpoint and role keys were used: {seen}")
            self.server.stop()
            self.server.extra_args = saved
        finally:
            huge.stop()

    def step_truststore_from_s3(self):
        """A custom domain's mutual-TLS truststore read from s3:// (Portico's default keys)."""
        self.server.env.update({"AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": "S3RVER"})
        self.server.start()
        work = os.path.join(self.workdir, "mtls")
        os.makedirs(work, exist_ok=True)

        def openssl(*args):
            p = subprocess.run(["openssl", *args], capture_output=True, text=True, timeout=60, cwd=work)
            check(p.returncode == 0, f"openssl {args[0]}: {p.stderr}")
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30",
                "-subj", "/CN=S3 Truststore CA", "-addext", "basicConstraints=critical,CA:TRUE")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr",
                "-subj", "/CN=client")
        openssl("x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "client.pem", "-days", "10")
        env = _clean_env({"AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": "S3RVER",
                          "AWS_DEFAULT_REGION": "us-east-1"})
        p = subprocess.run([AWS_CLI, "--endpoint-url", self.s3.url, "s3api", "put-object", "--bucket", "photos-bucket",
                            "--key", "trust/ca.pem", "--body", os.path.join(work, "ca.pem")],
                           capture_output=True, text=True, timeout=60, env=env)
        check(p.returncode == 0, f"upload the truststore to s3rver: {p.stderr}")
        acm = AwsCli(self.server, service="acm")
        arn = acm.json("request-certificate", "--domain-name", "api.s3trust.test")["CertificateArn"]
        made = self.apigw.json("create-domain-name", "--domain-name", "api.s3trust.test",
                               "--regional-certificate-arn", arn, "--endpoint-configuration", "types=REGIONAL",
                               "--security-policy", "TLS_1_2",
                               "--mutual-tls-authentication", "truststoreUri=s3://photos-bucket/trust/ca.pem")
        mtls = made.get("mutualTlsAuthentication", {})
        check(mtls.get("truststoreUri") == "s3://photos-bucket/trust/ca.pem" and not mtls.get("truststoreWarnings"),
              f"the truststore read from S3: {made}")
        tls_port = self.server.tls.rpartition(":")[2]
        base = ["curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                "--resolve", f"api.s3trust.test:{tls_port}:127.0.0.1", f"https://api.s3trust.test:{tls_port}/x"]
        with_cert = subprocess.run(base + ["--cert", os.path.join(work, "client.pem"),
                                           "--key", os.path.join(work, "client.key")],
                                   capture_output=True, text=True, timeout=30)
        check(with_cert.returncode == 0 and with_cert.stdout.isdigit(),
              f"a client certificate from the S3 truststore's CA is accepted: rc {with_cert.returncode} "
              f"{with_cert.stdout} {with_cert.stderr}")
        without = subprocess.run(base, capture_output=True, text=True, timeout=30)
        check(without.returncode != 0, f"no client certificate: refused (rc {without.returncode}, {without.stdout})")
        err = self.apigw.error("BadRequestException", "create-domain-name", "--domain-name", "api2.s3trust.test",
                               "--regional-certificate-arn", arn, "--endpoint-configuration", "types=REGIONAL",
                               "--mutual-tls-authentication", "truststoreUri=s3://photos-bucket/trust/absent.pem")
        check("NoSuchKey" in err or "Unable to access the truststore" in err, f"a missing truststore object: {err}")
        self.apigw.json("update-domain-name", "--domain-name", "api.s3trust.test", "--patch-operations",
                        "op=replace,path=/mutualTlsAuthentication/truststoreUri,value=s3://photos-bucket/trust/ca.pem")
        err = self.apigw.error("BadRequestException", "update-domain-name", "--domain-name", "api.s3trust.test",
                               "--patch-operations",
                               "op=replace,path=/mutualTlsAuthentication/truststoreUri,"
                               "value=s3://photos-bucket/trust/absent.pem")
        check("Unable to access the truststore" in err, f"a patch to a missing truststore object: {err}")

    def step_stop(self):
        self.server.stop()
        self.cleanup()
        say("aws integrations: all steps passed")


if __name__ == "__main__":
    sys.exit(run_steps(lambda portico, workdir: AwsIntegrationsE2E(portico, workdir), "aws integrations", __doc__))
