"""Synthesizes a default InsuranceLake from the built Python wheel and checks the template.

Run by scripts/python-bindings-smoke.sh inside a fresh virtual environment that has only the wheel
(and what it depends on) installed: proof that Python users get a working construct.
"""

import json
import sys
import tempfile

import aws_cdk as cdk
from cdk_insurancelake import InsuranceLake

outdir = tempfile.mkdtemp(prefix="insurancelake-py-")
app = cdk.App(outdir=outdir, context={"aws:cdk:bundling-stacks": []})
stack = cdk.Stack(app, "PythonLake", env=cdk.Environment(account="111122223333", region="us-east-2"))
lake = InsuranceLake(stack, "Lake")
assembly = app.synth()
template = assembly.get_stack_by_name("PythonLake").template

types = [r["Type"] for r in template["Resources"].values()]
expected = {
    "AWS::S3::Bucket": 6,
    "AWS::DynamoDB::Table": 5,
    "AWS::Glue::Job": 3,
    "AWS::StepFunctions::StateMachine": 1,
}
problems = [f"{t}: expected at least {n}, got {types.count(t)}" for t, n in expected.items() if types.count(t) < n]
if problems:
    sys.exit("python bindings smoke test failed: " + "; ".join(problems))
if lake.collect_bucket is None:
    sys.exit("python bindings smoke test failed: InsuranceLake.collect_bucket is not exposed")
print(json.dumps({"resources": len(types), "glue_jobs": types.count("AWS::Glue::Job")}))
