#!/usr/bin/env python3
"""End-to-end test of custom domain names, base path mappings, ACM certificates and client
certificates: the real portico binary, driven with Debian's AWS CLI v2, curl and openssl.

    /usr/bin/python3 tests/e2e/custom_domains_e2e_test.py --portico build/asan-ubsan/portico

Certificates are made by the test with openssl (a CA, servers for api.example.test and
other.example.test, an expired one, a key that does not match). ACM import / request (the local
CA) / describe / list / get / delete (refused while in use); create-domain-name with PEM and by ARN,
and each bad certificate refused with a 400; base path mappings (none), v1 and, through
apigatewayv2, v1/orders; requests routed by Host to the longest base path, the base path stripped
for routing and kept in $context.path; an unmapped path 403 Forbidden; disableExecuteApiEndpoint;
client certificates generated, listed, attached to a stage (an HTTPS backend that requires it
refuses the stage before and accepts it after) and refused deletion while in use.
Over the TLS listener (--tls-listen): SNI picks each domain's certificate (REGIONAL TLS_1_2 gives
TLS 1.2, EDGE TLS 1.3, ALPN http/1.1, a wildcard domain), unknown or missing SNI and junk bytes are
refused while the server stays up; mutual TLS accepts a client certificate from the truststore's CA
($context.identity.clientCert) and refuses none, a stranger's and an expired one; a certificate
rotated while a keep-alive client stays connected.
Steps run in order; the first failure stops the run.
"""
import json
import os
import socket
import ssl
import subprocess
import sys
import time
from http.client import HTTPSConnection

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.portico import AwsCli, PorticoServer, check, http, run_steps, say  # noqa: E402
from support.upstream import EchoUpstream  # noqa: E402

CURL = "/usr/bin/curl"

OPENSSL = "/usr/bin/openssl"
DOMAIN = "api.example.test"
TEMPLATE = ('{"path":"$context.path","resourcePath":"$context.resourcePath","stage":"$context.stage",'
            '"domainName":"$context.domainName","api":"$context.apiId",'
            '"clientSubject":"$!context.identity.clientCert.subjectDN",'
            '"clientSerial":"$!context.identity.clientCert.serialNumber"}')


def openssl(*args, cwd):
    p = subprocess.run([OPENSSL, *args], cwd=cwd, capture_output=True, timeout=60)
    check(p.returncode == 0, f"openssl {' '.join(args)}: {p.stderr.decode()[-800:]}")


class Certificates:
    """A test CA and certificates it signs, made with the openssl command line."""

    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "certs")
        os.makedirs(self.dir)
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-subj", "/O=E2E/CN=E2E Test CA", "-days", "30", cwd=self.dir)

    def path(self, name):
        return os.path.join(self.dir, name)

    def server(self, name, host, days="30"):
        ext = self.path(name + ".ext")
        with open(ext, "w") as f:
            f.write(f"subjectAltName=DNS:{host}\nbasicConstraints=CA:FALSE\n")
        openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", f"/CN={host}", cwd=self.dir)
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", days, "-extfile", ext, "-out", name + ".pem", cwd=self.dir)
        return self.path(name + ".pem"), self.path(name + ".key")


def read(path):
    with open(path) as f:
        return f.read()


class CustomDomainsE2E:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        self.server = PorticoServer(portico, workdir)
        self.apigw = AwsCli(self.server)
        self.v2 = AwsCli(self.server, service="apigatewayv2")
        self.acm = AwsCli(self.server, service="acm")
        self.certs = None

    def get(self, path, host=DOMAIN):
        return http("GET", self.server.data_url + path, host=host)

    def tls_port(self):
        return int(self.server.tls.rsplit(":", 1)[1])

    def handshake(self, name, cert=None, key=None, cafile=None):
        """A TLS handshake with SNI `name` (None: no SNI); (version, ALPN, peer certificate DER) or the SSLError."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(cafile or self.certs.path("ca.pem"))
        ctx.check_hostname = name is not None
        ctx.set_alpn_protocols(["h2", "http/1.1"])
        if cert:
            ctx.load_cert_chain(cert, key)
        raw = socket.create_connection(("127.0.0.1", self.tls_port()), timeout=10)
        try:
            with ctx.wrap_socket(raw, server_hostname=name) as s:
                s.sendall(f"GET /v1/items HTTP/1.1\r\nHost: {name}\r\nConnection: close\r\n\r\n".encode())
                reply = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    reply += chunk
                return s.version(), s.selected_alpn_protocol(), s.getpeercert(binary_form=True), reply
        except (ssl.SSLError, ConnectionError, OSError) as e:
            return e

    def curl_tls(self, host, path, *extra):
        port = self.tls_port()
        p = subprocess.run([CURL, "-sS", "--noproxy", "*", "--max-time", "10", "--resolve", f"{host}:{port}:127.0.0.1",
                            "--cacert", self.certs.path("ca.pem"), *extra, f"https://{host}:{port}{path}"],
                           capture_output=True, timeout=20)
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")

    def mock_api(self, name):
        api = self.apigw.json("create-rest-api", "--name", name)["id"]
        root = self.apigw.text("get-resources", "--rest-api-id", api, query="items[?path=='/'].id | [0]")
        res = self.apigw.json("create-resource", "--rest-api-id", api, "--parent-id", root, "--path-part", "items")["id"]
        for rid in (root, res):
            self.apigw.json("put-method", "--rest-api-id", api, "--resource-id", rid, "--http-method", "GET",
                            "--authorization-type", "NONE")
            self.apigw.json("put-integration", "--rest-api-id", api, "--resource-id", rid, "--http-method", "GET",
                            "--type", "MOCK", "--request-templates", json.dumps({"application/json": '{"statusCode": 200}'}))
            self.apigw.json("put-method-response", "--rest-api-id", api, "--resource-id", rid, "--http-method", "GET",
                            "--status-code", "200")
            self.apigw.json("put-integration-response", "--rest-api-id", api, "--resource-id", rid, "--http-method",
                            "GET", "--status-code", "200", "--response-templates",
                            json.dumps({"application/json": TEMPLATE}))
        for stage in ("prod", "beta"):
            self.apigw.json("create-deployment", "--rest-api-id", api, "--stage-name", stage)
        return api

    # -- steps
    def step_start(self):
        self.certs = Certificates(self.workdir)
        self.server.env["SSL_CERT_FILE"] = self.certs.path("ca.pem")  # trusts the test's HTTPS backend
        self.server.start()
        self.api1 = self.mock_api("one")
        self.api2 = self.mock_api("two")

    def step_acm_import_describe_list_get(self):
        cert, key = self.certs.server("api", DOMAIN)
        self.arn = self.acm.json("import-certificate", "--certificate", f"fileb://{cert}", "--private-key",
                                 f"fileb://{key}", "--certificate-chain", f"fileb://{self.certs.path('ca.pem')}",
                                 query=None)["CertificateArn"]
        check(self.arn.startswith("arn:aws:acm:us-east-1:000000000000:certificate/"), self.arn)
        d = self.acm.json("describe-certificate", "--certificate-arn", self.arn)["Certificate"]
        check(d["DomainName"] == DOMAIN and d["SubjectAlternativeNames"] == [DOMAIN], d)
        check(d["Type"] == "IMPORTED" and d["Status"] == "ISSUED" and d["KeyAlgorithm"] == "RSA-2048", d)
        check(d["Issuer"] == "CN=E2E Test CA,O=E2E" and d["InUseBy"] == [], d)
        got = self.acm.json("get-certificate", "--certificate-arn", self.arn)
        check(got["Certificate"].strip() == read(cert).strip(), got)
        check(got["CertificateChain"].strip() == read(self.certs.path("ca.pem")).strip(), got)
        listed = self.acm.json("list-certificates")["CertificateSummaryList"]
        check([c["CertificateArn"] for c in listed] == [self.arn], listed)
        # Refusals: a key that is not the certificate's, garbage, an expired certificate.
        _, other_key = self.certs.server("other", "other.example.test")
        expired, expired_key = self.certs.server("expired", DOMAIN, days="-1")
        for c, k, words in ((cert, other_key, "does not match"), (self.certs.path("api.csr"), key, "no PEM-encoded"),
                            (expired, expired_key, "expired")):
            err = self.acm.error("ValidationException", "import-certificate", "--certificate", f"fileb://{c}",
                                 "--private-key", f"fileb://{k}")
            check(words in err, err)
        self.acm.error("ResourceNotFoundException", "describe-certificate", "--certificate-arn",
                       "arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-4000-8000-000000000000")

    def step_acm_request_certificate_from_the_local_ca(self):
        self.requested = self.acm.json("request-certificate", "--domain-name", "*.apps.example.test")["CertificateArn"]
        d = self.acm.json("describe-certificate", "--certificate-arn", self.requested)["Certificate"]
        check(d["Type"] == "AMAZON_ISSUED" and d["DomainName"] == "*.apps.example.test", d)
        ca = subprocess.run([self.server.binary, "ca", "--data-dir", self.server.data_dir], capture_output=True,
                            timeout=30)
        check(ca.returncode == 0 and b"BEGIN CERTIFICATE" in ca.stdout, ca.stderr[-500:])
        chain = self.acm.json("get-certificate", "--certificate-arn", self.requested)
        check(chain["CertificateChain"].strip() == ca.stdout.decode().strip(), "chain must be the local CA")
        leaf = os.path.join(self.workdir, "requested.pem")
        with open(leaf, "w") as f:
            f.write(chain["Certificate"])
        cafile = os.path.join(self.workdir, "local-ca.pem")
        with open(cafile, "wb") as f:
            f.write(ca.stdout)
        p = subprocess.run([OPENSSL, "verify", "-CAfile", cafile, leaf], capture_output=True, timeout=30)
        check(p.returncode == 0, p.stdout + p.stderr)

    def step_domain_names_refuse_bad_certificates(self):
        cert, key = self.certs.path("api.pem"), self.certs.path("api.key")
        other_cert, other_key = self.certs.path("other.pem"), self.certs.path("other.key")
        big = os.path.join(self.workdir, "big.pem")
        with open(big, "w") as f:
            f.write("-----BEGIN CERTIFICATE-----\n" + "A" * (1024 * 1024) + "\n-----END CERTIFICATE-----\n")
        cases = [
            (["--certificate-body", "file://" + self.certs.path("api.csr"), "--certificate-private-key", "file://" + key],
             "no PEM-encoded certificate"),
            (["--certificate-body", "file://" + cert, "--certificate-private-key", "file://" + other_key],
             "does not match"),
            (["--certificate-body", "file://" + self.certs.path("expired.pem"), "--certificate-private-key",
              "file://" + self.certs.path("expired.key")], "expired"),
            (["--certificate-body", "file://" + other_cert, "--certificate-private-key", "file://" + other_key],
             "does not cover the domain name api.example.test"),
            (["--certificate-body", "file://" + big, "--certificate-private-key", "file://" + key], ""),
            ([], "A certificate is required"),
            (["--regional-certificate-arn", self.arn.replace(self.arn[-12:], "000000000000"), "--endpoint-configuration",
              "types=REGIONAL"], "Certificate not found"),
        ]
        for args, words in cases:
            res = self.apigw.run("create-domain-name", "--domain-name", DOMAIN, "--certificate-name", "c", *args)
            check(res.rc == 254 and ("BadRequestException" in res.stderr or "RequestTooLarge" in res.stderr
                                     or "(413)" in res.stderr), res.describe())
            check(words in res.stderr, res.describe())
        self.apigw.error("NotFoundException", "get-domain-name", "--domain-name", DOMAIN)

    def step_domain_names_by_pem_and_by_arn(self):
        d = self.apigw.json("create-domain-name", "--domain-name", DOMAIN, "--regional-certificate-arn", self.arn,
                            "--endpoint-configuration", "types=REGIONAL", "--security-policy", "TLS_1_2")
        check(d["domainName"] == DOMAIN and d["domainNameStatus"] == "AVAILABLE", d)
        check(d["regionalDomainName"].startswith("d-") and d["regionalDomainName"].endswith(
            ".execute-api.us-east-1.amazonaws.com") and d["regionalHostedZoneId"] == "Z1UJRXOUMOOFQ8", d)
        check("certificatePrivateKey" not in json.dumps(d) and "BEGIN" not in json.dumps(d), d)
        self.apigw.error("ConflictException", "create-domain-name", "--domain-name", DOMAIN,
                         "--regional-certificate-arn", self.arn, "--endpoint-configuration", "types=REGIONAL")
        other = self.apigw.json("create-domain-name", "--domain-name", "other.example.test", "--certificate-name", "o",
                                "--certificate-body", "file://" + self.certs.path("other.pem"),
                                "--certificate-private-key", "file://" + self.certs.path("other.key"),
                                "--certificate-chain", "file://" + self.certs.path("ca.pem"))
        check(other["distributionDomainName"].endswith(".cloudfront.net") and
              other["distributionHostedZoneId"] == "Z2FDTNDATAQYW2", other)
        names = self.apigw.text("get-domain-names", query="items[].domainName")
        check(names.split() == [DOMAIN, "other.example.test"], names)
        used = self.acm.json("describe-certificate", "--certificate-arn", self.arn)["Certificate"]["InUseBy"]
        check(used == [f"arn:aws:apigateway:us-east-1::/domainnames/{DOMAIN}"], used)
        self.acm.error("ResourceInUseException", "delete-certificate", "--certificate-arn", self.arn)
        # A wildcard domain by the ACM certificate the local CA issued.
        self.apigw.json("create-domain-name", "--domain-name", "*.apps.example.test", "--regional-certificate-arn",
                        self.requested, "--endpoint-configuration", "types=REGIONAL")

    def step_base_path_mappings(self):
        m = self.apigw.json("create-base-path-mapping", "--domain-name", DOMAIN, "--rest-api-id", self.api1,
                            "--stage", "prod", "--base-path", "v1")
        check(m == {"basePath": "v1", "restApiId": self.api1, "stage": "prod"}, m)
        self.apigw.error("ConflictException", "create-base-path-mapping", "--domain-name", DOMAIN, "--rest-api-id",
                         self.api1, "--stage", "prod", "--base-path", "v1")
        err = self.apigw.error("ConflictException", "create-base-path-mapping", "--domain-name", DOMAIN,
                               "--rest-api-id", self.api1, "--stage", "prod")
        check("Only one base path mapping is allowed if the base path is empty." in err, err)
        err = self.apigw.error("BadRequestException", "create-base-path-mapping", "--domain-name", DOMAIN,
                               "--rest-api-id", "missing", "--stage", "prod", "--base-path", "x")
        check("Invalid REST API identifier specified" in err, err)
        err = self.apigw.error("BadRequestException", "create-base-path-mapping", "--domain-name", DOMAIN,
                               "--rest-api-id", self.api1, "--stage", "nope", "--base-path", "x")
        check("Invalid stage identifier specified" in err, err)
        self.apigw.error("BadRequestException", "create-base-path-mapping", "--domain-name", DOMAIN, "--rest-api-id",
                         self.api1, "--stage", "prod", "--base-path", "a/b")
        self.apigw.error("NotFoundException", "create-base-path-mapping", "--domain-name", "nope.example.test",
                         "--rest-api-id", self.api1, "--base-path", "x")
        # apigatewayv2 for the multi-level key.
        v2 = self.v2.json("create-api-mapping", "--domain-name", DOMAIN, "--api-id", self.api2, "--stage", "beta",
                          "--api-mapping-key", "v1/orders")
        check(v2["ApiMappingKey"] == "v1/orders" and v2["ApiId"] == self.api2 and v2["Stage"] == "beta", v2)
        self.mapping_id = v2["ApiMappingId"]
        keys = self.v2.text("get-api-mappings", "--domain-name", DOMAIN, query="Items[].ApiMappingKey")
        check(keys.split() == ["v1", "v1/orders"], keys)
        # other.example.test: the (none) mapping without a stage (the stage comes from the path).
        none = self.apigw.json("create-base-path-mapping", "--domain-name", "other.example.test", "--rest-api-id",
                               self.api2)
        check(none == {"basePath": "(none)", "restApiId": self.api2}, none)
        got = self.apigw.json("get-base-path-mapping", "--domain-name", "other.example.test", "--base-path", "(none)")
        check(got["basePath"] == "(none)", got)
        self.apigw.json("create-base-path-mapping", "--domain-name", "*.apps.example.test", "--rest-api-id",
                        self.api1, "--stage", "beta")

    def step_requests_are_routed_by_host_and_base_path(self):
        for path, host, api, stage, ctx_path, resource in (
                ("/v1/items", DOMAIN, self.api1, "prod", "/v1/items", "/items"),
                ("/v1", DOMAIN, self.api1, "prod", "/v1", "/"),
                ("/v1/orders/items", DOMAIN, self.api2, "beta", "/v1/orders/items", "/items"),
                ("/prod/items", "other.example.test", self.api2, "prod", "/prod/items", "/items"),
                ("/beta", "Other.Example.Test:9999", self.api2, "beta", "/beta", "/"),
                ("/items", "orders.apps.example.test", self.api1, "beta", "/items", "/items")):
            resp = self.get(path, host=host)
            check(resp.status == 200, resp.describe())
            body = resp.json()
            check(body["api"] == api and body["stage"] == stage and body["path"] == ctx_path and
                  body["resourcePath"] == resource and body["domainName"] == host, f"{host}{path}: {body}")
        # No mapping covers the path: 403 Forbidden; a mapped path without a resource: the API's 403.
        for path, host, message in (("/v2/items", DOMAIN, "Forbidden"), ("/v10", DOMAIN, "Forbidden"),
                                    ("/v1/nothing", DOMAIN, "Missing Authentication Token"),
                                    ("/", "other.example.test", "Forbidden")):
            resp = self.get(path, host=host)
            check(resp.status == 403 and resp.json() == {"message": message}, resp.describe())
            check(resp.header("x-amzn-RequestId"), resp.describe())
        # The default addressing still serves the API.
        resp = self.get(f"/restapis/{self.api1}/prod/_user_request_/items", host="localhost")
        check(resp.status == 200 and resp.json()["path"] == "/prod/items", resp.describe())

    def step_tls_listener_picks_the_certificate_by_sni(self):
        rc, out, err = self.curl_tls(DOMAIN, "/v1/items")
        check(rc == 0, err)
        body = json.loads(out)
        check(body["api"] == self.api1 and body["path"] == "/v1/items" and body["clientSubject"] == "", body)
        rc, out, err = self.curl_tls("other.example.test", "/prod/items")
        check(rc == 0 and json.loads(out)["api"] == self.api2, err + out)
        regional = self.handshake(DOMAIN)
        check(not isinstance(regional, Exception), f"handshake with {DOMAIN}: {regional}")
        check(regional[0] == "TLSv1.2" and regional[1] == "http/1.1", regional[:2])  # REGIONAL TLS_1_2: 1.2 only
        check(regional[2] == ssl.PEM_cert_to_DER_cert(read(self.certs.path("api.pem"))), "the api.example.test cert")
        check(regional[3].startswith(b"HTTP/1.1 200 "), regional[3][:200])
        edge = self.handshake("other.example.test")
        check(not isinstance(edge, Exception) and edge[0] == "TLSv1.3", f"EDGE allows TLS 1.3: {edge}")
        check(edge[2] == ssl.PEM_cert_to_DER_cert(read(self.certs.path("other.pem"))), "the other.example.test cert")
        wildcard = self.handshake("orders.apps.example.test", cafile=os.path.join(self.workdir, "local-ca.pem"))
        check(not isinstance(wildcard, Exception), f"the wildcard domain: {wildcard}")
        for name in ("unknown.example.test", None):
            refused = self.handshake(name)
            check(isinstance(refused, Exception), f"SNI {name!r} must be refused: {refused}")
        # Random bytes and a truncated ClientHello: the connection ends, the server stays up.
        for junk in (os.urandom(4096), b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"):
            with socket.create_connection(("127.0.0.1", self.tls_port()), timeout=10) as s:
                s.sendall(junk)
                s.shutdown(socket.SHUT_WR)
                try:
                    while s.recv(4096):
                        pass
                except OSError:
                    pass
        check(self.curl_tls(DOMAIN, "/v1/items")[0] == 0, "the TLS listener must survive junk")

    def step_mutual_tls(self):
        cert, key = self.certs.server("mtls", "mtls.example.test")
        arn = self.acm.json("import-certificate", "--certificate", f"fileb://{cert}", "--private-key",
                            f"fileb://{key}")["CertificateArn"]
        truststore = self.certs.path("truststore.pem")
        with open(truststore, "w") as f:
            f.write(read(self.certs.path("ca.pem")))
        mtls_args = ["--domain-name", "mtls.example.test", "--regional-certificate-arn", arn,
                     "--endpoint-configuration", "types=REGIONAL", "--security-policy", "TLS_1_2",
                     "--mutual-tls-authentication", f"truststoreUri=file://{truststore}"]
        # An imported certificate with mutual TLS needs an ACM-issued one proving ownership of the name.
        err = self.apigw.error("BadRequestException", "create-domain-name", *mtls_args)
        check("ownershipVerificationCertificateArn" in err, err)
        err = self.apigw.error("BadRequestException", "create-domain-name", *mtls_args,
                               "--ownership-verification-certificate-arn", arn)
        check("issued by ACM" in err, err)
        other = self.acm.json("request-certificate", "--domain-name", "other.example.test")["CertificateArn"]
        err = self.apigw.error("BadRequestException", "create-domain-name", *mtls_args,
                               "--ownership-verification-certificate-arn", other)
        check("does not cover" in err, err)
        self.acm.silent("delete-certificate", "--certificate-arn", other)
        owner = self.acm.json("request-certificate", "--domain-name", "mtls.example.test")["CertificateArn"]
        # Truststores past the bounds are refused at once: 10,000 certificates (past 1 MB), and 1,001
        # small ones (under 1 MB, past the 1,000-certificate bound).
        small_key, small_ca = self.certs.path("small-ca.key"), self.certs.path("small-ca.pem")
        p = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                            "-nodes", "-keyout", small_key, "-out", small_ca, "-days", "30", "-subj", "/CN=s"],
                           capture_output=True, text=True, timeout=60)
        check(p.returncode == 0, p.stderr)
        for name, source, copies, words in (("big-truststore.pem", self.certs.path("ca.pem"), 10000, "longer than"),
                                            ("many-truststore.pem", small_ca, 1001, "more than 1000 certificates")):
            path = self.certs.path(name)
            with open(path, "w") as f:
                f.write(read(source) * copies)
            check(os.path.getsize(path) > 1024 * 1024 if copies == 10000 else os.path.getsize(path) < 1024 * 1024,
                  f"{name}: {os.path.getsize(path)} bytes")
            args = [a if not a.startswith("truststoreUri=") else f"truststoreUri=file://{path}" for a in mtls_args]
            t0 = time.monotonic()
            err = self.apigw.error("BadRequestException", "create-domain-name", *args,
                                   "--ownership-verification-certificate-arn", owner)
            check(words in err and time.monotonic() - t0 < 10, f"{name}: {err}")
        d = self.apigw.json("create-domain-name", *mtls_args, "--ownership-verification-certificate-arn", owner)
        check(d.get("ownershipVerificationCertificateArn") == owner, d)
        self.owner = owner
        check(d["mutualTlsAuthentication"]["truststoreUri"] == f"file://{truststore}", d)
        check(d["mutualTlsAuthentication"].get("truststoreWarnings", []) == [], d)
        self.apigw.json("create-base-path-mapping", "--domain-name", "mtls.example.test", "--rest-api-id", self.api1,
                        "--stage", "prod")
        client, client_key = self.certs.server("client", "client.example.test")
        rc, out, err = self.curl_tls("mtls.example.test", "/items", "--cert", client, "--key", client_key)
        check(rc == 0, err)
        body = json.loads(out)
        serial = subprocess.run([OPENSSL, "x509", "-noout", "-serial", "-in", client], capture_output=True,
                                timeout=30).stdout.decode().strip().split("=")[1].lower()
        check(body["clientSubject"] == "CN=client.example.test", body)
        check(body["clientSerial"].replace(":", "") == serial.lstrip("0") or
              body["clientSerial"].replace(":", "") == serial, (body, serial))
        # Refused in the handshake: no certificate, one from another CA, an expired one.
        stranger = os.path.join(self.workdir, "stranger")
        subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", stranger + ".key", "-out",
                        stranger + ".pem", "-subj", "/CN=stranger", "-days", "5"], capture_output=True, timeout=60)
        for args in ([], ["--cert", stranger + ".pem", "--key", stranger + ".key"],
                     ["--cert", self.certs.path("expired.pem"), "--key", self.certs.path("expired.key")]):
            rc, out, err = self.curl_tls("mtls.example.test", "/items", *args)
            check(rc != 0 and out == "", f"mutual TLS must refuse {args}: rc {rc} {out} {err}")
        # A truststore that cannot be read is AWS's 400; one with an expired CA gives a warning.
        self.apigw.error("BadRequestException", "update-domain-name", "--domain-name", "mtls.example.test",
                         "--patch-operations", "op=replace,path=/mutualTlsAuthentication/truststoreUri,"
                         "value=file:///nonexistent.pem")
        with open(truststore + ".2", "w") as f:
            f.write(read(self.certs.path("ca.pem")) + read(self.certs.path("expired.pem")))
        d = self.apigw.json("update-domain-name", "--domain-name", "mtls.example.test", "--patch-operations",
                            f"op=replace,path=/mutualTlsAuthentication/truststoreUri,value=file://{truststore}.2")
        warnings = d["mutualTlsAuthentication"]["truststoreWarnings"]
        check(any("has expired" in w for w in warnings) and any("is not a CA" in w for w in warnings), warnings)
        # The ownership certificate is in use until the domain goes.
        self.acm.error("ResourceInUseException", "delete-certificate", "--certificate-arn", self.owner)
        self.apigw.silent("delete-domain-name", "--domain-name", "mtls.example.test")
        self.acm.silent("delete-certificate", "--certificate-arn", arn)
        self.acm.silent("delete-certificate", "--certificate-arn", self.owner)

    def step_certificate_rotation_keeps_connections(self):
        ctx = ssl.create_default_context(cafile=self.certs.path("ca.pem"))
        conn = HTTPSConnection("127.0.0.1", self.tls_port(), context=ctx, timeout=10)
        # SNI and Host are the domain's: the connection is made here and handed to http.client.
        raw = socket.create_connection(("127.0.0.1", self.tls_port()), timeout=10)
        conn.sock = ctx.wrap_socket(raw, server_hostname=DOMAIN)
        before = conn.sock.getpeercert(binary_form=True)
        conn.request("GET", "/v1/items", headers={"Host": DOMAIN})
        check(conn.getresponse().read() and True, "first request")
        new_cert, new_key = self.certs.server("api2", DOMAIN)
        arn = self.acm.json("import-certificate", "--certificate", f"fileb://{new_cert}", "--private-key",
                            f"fileb://{new_key}")["CertificateArn"]
        self.apigw.json("update-domain-name", "--domain-name", DOMAIN, "--patch-operations",
                        f"op=replace,path=/regionalCertificateArn,value={arn}")
        conn.request("GET", "/v1/items", headers={"Host": DOMAIN})
        resp = conn.getresponse()
        check(resp.status == 200 and json.loads(resp.read())["api"] == self.api1, "the kept connection still serves")
        check(conn.sock.getpeercert(binary_form=True) == before, "the same connection")
        conn.close()
        fresh = self.handshake(DOMAIN)
        check(not isinstance(fresh, Exception) and fresh[2] == ssl.PEM_cert_to_DER_cert(read(new_cert)),
              "a new handshake gets the rotated certificate")
        self.apigw.json("update-domain-name", "--domain-name", DOMAIN, "--patch-operations",
                        f"op=replace,path=/regionalCertificateArn,value={self.arn}")
        self.acm.silent("delete-certificate", "--certificate-arn", arn)

    def step_mappings_change_at_once(self):
        self.apigw.json("update-base-path-mapping", "--domain-name", DOMAIN, "--base-path", "v1",
                        "--patch-operations", "op=replace,path=/stage,value=beta")
        check(self.get("/v1/items").json()["stage"] == "beta", "the patched stage must serve at once")
        self.v2.silent("delete-api-mapping", "--domain-name", DOMAIN, "--api-mapping-id", self.mapping_id)
        resp = self.get("/v1/orders/items")
        check(resp.status == 403 and resp.json() == {"message": "Missing Authentication Token"}, resp.describe())
        self.apigw.silent("delete-base-path-mapping", "--domain-name", DOMAIN, "--base-path", "v1")
        check(self.get("/v1/items").status == 403, "a deleted mapping must stop serving")
        self.apigw.json("create-base-path-mapping", "--domain-name", DOMAIN, "--rest-api-id", self.api1, "--stage",
                        "prod", "--base-path", "v1")

    def step_disable_execute_api_endpoint(self):
        self.apigw.json("update-rest-api", "--rest-api-id", self.api1, "--patch-operations",
                        "op=replace,path=/disableExecuteApiEndpoint,value=true")
        self.apigw.json("create-deployment", "--rest-api-id", self.api1, "--stage-name", "prod")
        resp = self.get(f"/restapis/{self.api1}/prod/_user_request_/items", host="localhost")
        check(resp.status == 403 and resp.json() == {"message": "Forbidden"}, resp.describe())
        resp = self.get("/prod/items", host=f"{self.api1}.execute-api.localhost")
        check(resp.status == 403, resp.describe())
        check(self.get("/v1/items").status == 200, "the custom domain still serves the API")

    def step_client_certificates(self):
        c = self.apigw.json("generate-client-certificate", "--description", "to the backend")
        cid = c["clientCertificateId"]
        check(len(cid) == 6 and c["description"] == "to the backend", c)
        pem = c["pemEncodedCertificate"]
        check("PRIVATE KEY" not in json.dumps(c), "the private key must never be returned")
        p = subprocess.run([OPENSSL, "x509", "-noout", "-subject", "-issuer", "-text"], input=pem.encode(),
                           capture_output=True, timeout=30)
        text = p.stdout.decode()
        check("subject=C = US, L = Seattle, CN = ApiGateway" in text and "Public-Key: (2048 bit)" in text and
              "sha256WithRSAEncryption" in text, text[:800])
        listed = self.apigw.text("get-client-certificates", query="items[].clientCertificateId")
        check(listed.split() == [cid], listed)
        self.apigw.json("update-client-certificate", "--client-certificate-id", cid, "--patch-operations",
                        "op=replace,path=/description,value=renamed")
        got = self.apigw.json("get-client-certificate", "--client-certificate-id", cid)
        check(got["description"] == "renamed" and got["pemEncodedCertificate"] == pem, got)
        self.apigw.error("BadRequestException", "update-stage", "--rest-api-id", self.api1, "--stage-name", "prod",
                         "--patch-operations", "op=replace,path=/clientCertificateId,value=nope00")
        # An HTTPS backend that accepts only clients presenting this certificate.
        backend_cert, backend_key = self.certs.server("backend", "localhost")
        backend = EchoUpstream(tls=(backend_cert, backend_key), client_ca=pem)
        root = self.apigw.text("get-resources", "--rest-api-id", self.api1, query="items[?path=='/'].id | [0]")
        rid = self.apigw.json("create-resource", "--rest-api-id", self.api1, "--parent-id", root, "--path-part",
                              "backend")["id"]
        self.apigw.json("put-method", "--rest-api-id", self.api1, "--resource-id", rid, "--http-method", "GET",
                        "--authorization-type", "NONE")
        self.apigw.json("put-integration", "--rest-api-id", self.api1, "--resource-id", rid, "--http-method", "GET",
                        "--type", "HTTP_PROXY", "--integration-http-method", "GET", "--uri",
                        f"https://localhost:{backend.port}/seen")
        self.apigw.json("create-deployment", "--rest-api-id", self.api1, "--stage-name", "prod")
        resp = self.get("/v1/backend")
        check(resp.status >= 500, f"without the client certificate the backend refuses: {resp.describe()}")
        stage = self.apigw.json("update-stage", "--rest-api-id", self.api1, "--stage-name", "prod",
                                "--patch-operations", f"op=replace,path=/clientCertificateId,value={cid}")
        check(stage["clientCertificateId"] == cid, stage)
        resp = self.get("/v1/backend")
        check(resp.status == 200, f"with the stage's client certificate the backend accepts: {resp.describe()}")
        # The Test button: test-invoke-method presents the certificate it is given, and none otherwise.
        args = ["--rest-api-id", self.api1, "--resource-id", rid, "--http-method", "GET"]
        plain = self.apigw.json("test-invoke-method", *args)
        check(plain["status"] >= 500, f"test invoke without a client certificate: {plain.get('status')}")
        tested = self.apigw.json("test-invoke-method", *args, "--client-certificate-id", cid)
        check(tested["status"] == 200, f"test invoke with --client-certificate-id: {tested.get('status')} "
                                       f"{tested.get('body', '')[:300]}")
        self.apigw.error("BadRequestException", "test-invoke-method", *args, "--client-certificate-id", "nope00")
        backend.close()
        err = self.apigw.error("BadRequestException", "delete-client-certificate", "--client-certificate-id", cid)
        check("in use" in err, err)
        self.apigw.json("update-stage", "--rest-api-id", self.api1, "--stage-name", "prod", "--patch-operations",
                        "op=replace,path=/clientCertificateId,value=")
        self.apigw.silent("delete-client-certificate", "--client-certificate-id", cid)
        self.apigw.error("NotFoundException", "get-client-certificate", "--client-certificate-id", cid)

    def step_state_survives_a_restart_and_domains_delete(self):
        self.server.stop()
        # Without the TLS listener (--tls-listen off) the domains are still served on the plain one.
        self.server.extra_args += ["--tls-listen", "off"]
        self.server.start()
        check(self.server.tls is None, "no TLS listener with --tls-listen off")
        check("Custom domain names over TLS:    off" in self.server.log_tail(), "the banner says the TLS listener is off")
        check(self.get("/v1/items").status == 200, "domains and mappings must be served again after a restart")
        self.server.stop()
        self.server.extra_args = self.server.extra_args[:-2]
        self.server.start()
        check(self.get("/v1/items").status == 200, "domains and mappings must be served again after a restart")
        code, out, err = self.curl_tls(DOMAIN, "/v1/items")
        check(code == 0 and '"path":"/v1/items"' in out, f"the TLS listener serves the domain again: {code} {out} {err}")
        self.apigw.silent("delete-domain-name", "--domain-name", "other.example.test")
        check(self.get("/prod/items", host="other.example.test").status == 403, "a deleted domain stops serving")
        self.apigw.error("NotFoundException", "get-base-path-mappings", "--domain-name", "other.example.test")
        self.apigw.silent("delete-domain-name", "--domain-name", DOMAIN)
        self.apigw.silent("delete-domain-name", "--domain-name", "*.apps.example.test")
        self.acm.silent("delete-certificate", "--certificate-arn", self.arn)
        listed = [c["CertificateArn"] for c in self.acm.json("list-certificates")["CertificateSummaryList"]]
        check(self.requested in listed and self.arn not in listed, listed)

        say("custom domains: all steps passed")


if __name__ == "__main__":
    sys.exit(run_steps(lambda portico, workdir: CustomDomainsE2E(portico, workdir), "custom domains", __doc__))
