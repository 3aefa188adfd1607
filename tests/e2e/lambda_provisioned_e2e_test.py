#!/usr/bin/env python3
"""End-to-end test of provisioned concurrency (issue 21): the real portico binary, driven by
Debian's AWS CLI v2 and boto3.

    /usr/bin/python3 tests/e2e/lambda_provisioned_e2e_test.py --portico build/asan-ubsan/portico

- put-provisioned-concurrency-config on a version answers 202 IN_PROGRESS; the status becomes
  READY once the environments have run their init (Available = Allocated = Requested).
- The first invoke after that is warm, even after the idle time that reaps other environments: its REPORT line has no Init Duration, and the function
  sees AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency (its init ran before the invoke);
  $LATEST still starts cold, on-demand.
- On an alias: READY, warm; deleting the alias ends it. list-provisioned-concurrency-configs.
- The configuration survives a restart (environments provisioned again at start).
- Refusals as AWS's: $LATEST (and an alias of it), no qualifier, 0, a version that does not
  exist, more than the function's reserved concurrency; a qualifier without a configuration 404.

Steps run in order; the first failure stops the run and prints the server log. Exit code 0 =
every step passed.
"""
import base64
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.portico import (AwsCli, E2EFailure, PorticoServer, check, expect_client_error,  # noqa: E402
                            lambda_client, run_steps, zip_bytes)

ROLE = "arn:aws:iam::000000000000:role/lambda-role"
FN_ARN = "arn:aws:lambda:us-east-1:000000000000:function:"

HANDLER = b'''
import os, time
INIT_AT = time.time()
def handler(event, context):
    return {"init_type": os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"], "init_age": time.time() - INIT_AT,
            "version": os.environ["AWS_LAMBDA_FUNCTION_VERSION"]}
'''


class ProvisionedE2E:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        # Idle environments are reaped after a second here: provisioned ones must stay.
        self.server = PorticoServer(portico, workdir, ["--threads", "2", "--drain-seconds", "1",
                                                       "--function-idle-seconds", "1"])

    def wait_ready(self, qualifier, requested):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            got = self.lam.get_provisioned_concurrency_config(FunctionName="prov", Qualifier=qualifier)
            if got["Status"] == "READY":
                check(got["AvailableProvisionedConcurrentExecutions"] == requested
                      and got["AllocatedProvisionedConcurrentExecutions"] == requested
                      and got["RequestedProvisionedConcurrentExecutions"] == requested, got)
                return got
            check(got["Status"] == "IN_PROGRESS", got)
            time.sleep(0.2)
        raise E2EFailure(f"provisioned concurrency of {qualifier} never became READY: {got}")

    def invoke(self, qualifier):
        r = self.lam.invoke(FunctionName="prov", Qualifier=qualifier, Payload=b"{}", LogType="Tail")
        body = json.loads(r["Payload"].read())
        check("FunctionError" not in r, body)
        log = base64.b64decode(r["LogResult"]).decode()
        report = [line for line in log.splitlines() if line.startswith("REPORT")]
        check(len(report) == 1, log)
        return body, report[0]

    # -- steps
    def step_start_and_publish(self):
        self.server.start()
        self.cli = AwsCli(self.server, service="lambda")
        self.lam = lambda_client(self.server, parameter_validation=False)
        self.lam.create_function(FunctionName="prov", Runtime="python3.12", Handler="app.handler", Role=ROLE,
                                 Code={"ZipFile": zip_bytes({"app.py": HANDLER})})
        check(self.lam.publish_version(FunctionName="prov")["Version"] == "1", "version 1")

    def step_version_becomes_ready_and_warm(self):
        out = self.cli.json("put-provisioned-concurrency-config", "--function-name", "prov", "--qualifier", "1",
                            "--provisioned-concurrent-executions", "2")
        check(out["RequestedProvisionedConcurrentExecutions"] == 2 and out["Status"] == "IN_PROGRESS"
              and out["LastModified"].endswith("+0000"), out)
        self.wait_ready("1", 2)
        time.sleep(2.5)  # past the idle time: not reaped
        body, report = self.invoke("1")
        check(body["init_type"] == "provisioned-concurrency" and body["version"] == "1", body)
        check("Init Duration" not in report, f"a provisioned environment is warm: {report}")
        check(body["init_age"] >= 0.25, f"its init ran before the invoke: {body}")
        # Both environments are warm: two invocations at once, neither cold.
        import concurrent.futures
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            reports = [r for _, r in pool.map(lambda _: self.invoke("1"), range(2))]
        check(all("Init Duration" not in r for r in reports), reports)
        body, report = self.invoke("$LATEST")
        check(body["init_type"] == "on-demand" and "Init Duration" in report, (body, report))

    def step_alias_and_list(self):
        self.lam.create_alias(FunctionName="prov", Name="live", FunctionVersion="1")
        self.lam.put_provisioned_concurrency_config(FunctionName="prov", Qualifier="live",
                                                    ProvisionedConcurrentExecutions=1)
        self.wait_ready("live", 1)
        listed = self.cli.json("list-provisioned-concurrency-configs", "--function-name", "prov")
        arns = sorted(c["FunctionArn"] for c in listed["ProvisionedConcurrencyConfigs"])
        check(arns == [FN_ARN + "prov:1", FN_ARN + "prov:live"], listed)
        self.lam.delete_alias(FunctionName="prov", Name="live")
        listed = self.lam.list_provisioned_concurrency_configs(FunctionName="prov")["ProvisionedConcurrencyConfigs"]
        check([c["FunctionArn"] for c in listed] == [FN_ARN + "prov:1"], listed)

    def step_survives_a_restart(self):
        self.server.stop()
        self.server.start()
        self.lam = lambda_client(self.server, parameter_validation=False)
        self.cli = AwsCli(self.server, service="lambda")
        self.wait_ready("1", 2)
        _, report = self.invoke("1")
        check("Init Duration" not in report, report)

    def step_refusals(self):
        expect_client_error("InvalidParameterValueException", self.lam.put_provisioned_concurrency_config,
                     "unpublished function versions", FunctionName="prov", Qualifier="$LATEST",
                     ProvisionedConcurrentExecutions=1)
        self.lam.create_alias(FunctionName="prov", Name="latest", FunctionVersion="$LATEST")
        expect_client_error("InvalidParameterValueException", self.lam.put_provisioned_concurrency_config,
                     "unpublished function versions", FunctionName="prov", Qualifier="latest",
                     ProvisionedConcurrentExecutions=1)
        expect_client_error("ValidationException", self.lam.put_provisioned_concurrency_config, "qualifier",
                     FunctionName="prov", ProvisionedConcurrentExecutions=1)
        expect_client_error("ValidationException", self.lam.put_provisioned_concurrency_config,
                     "provisionedConcurrentExecutions", FunctionName="prov", Qualifier="1",
                     ProvisionedConcurrentExecutions=0)
        expect_client_error("ResourceNotFoundException", self.lam.put_provisioned_concurrency_config, "Function not found",
                     FunctionName="prov", Qualifier="9", ProvisionedConcurrentExecutions=1)
        self.lam.put_function_concurrency(FunctionName="prov", ReservedConcurrentExecutions=2)
        self.lam.publish_version(FunctionName="prov", Description="v2")  # (no change: still version 1)
        expect_client_error("InvalidParameterValueException", self.lam.put_provisioned_concurrency_config,
                     "reservedConcurrentExecution", FunctionName="prov", Qualifier="1",
                     ProvisionedConcurrentExecutions=3)
        self.cli.error("ProvisionedConcurrencyConfigNotFoundException", "get-provisioned-concurrency-config",
                       "--function-name", "prov", "--qualifier", "latest")
        self.cli.silent("delete-provisioned-concurrency-config", "--function-name", "prov", "--qualifier", "1")
        self.cli.error("ProvisionedConcurrencyConfigNotFoundException", "get-provisioned-concurrency-config",
                       "--function-name", "prov", "--qualifier", "1")
        self.cli.error("ProvisionedConcurrencyConfigNotFoundException", "delete-provisioned-concurrency-config",
                       "--function-name", "prov", "--qualifier", "1")


def main():
    return run_steps(ProvisionedE2E, "LAMBDA PROVISIONED", __doc__)


if __name__ == "__main__":
    sys.exit(main())
