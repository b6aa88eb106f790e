"""Synthesizes an InsuranceLake with the example configuration from the built Python wheel, checks
the template and runs the three cdk-nag packs (AwsSolutions, HIPAA Security, NIST 800-53 rev 5) on it.
The configuration is validated at synth by the bundled JSON Schema validator against the engine's
schemas, and the jobs' arguments come from the shipped contract.json: both must work from the wheel.

Run by scripts/bindings-smoke.sh inside a fresh virtual environment that has only the wheel
(and what it depends on) installed: proof that Python users get a working construct.
"""

import json
import tempfile

import aws_cdk as cdk
from cdk_insurancelake import Configuration, InsuranceLake
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks

outdir = tempfile.mkdtemp(prefix="insurancelake-py-")
app = cdk.App(outdir=outdir, context={"aws:cdk:bundling-stacks": []})
stack = cdk.Stack(app, "PythonLake", env=cdk.Environment(account="111122223333", region="us-east-2"))
# Run from the repository root (scripts/bindings-smoke.sh): examples/config has the README layout.
lake = InsuranceLake(stack, "Lake", configuration=Configuration.from_asset("examples/config"))
assembly = app.synth()
template = assembly.get_stack_by_name("PythonLake").template

types = [r["Type"] for r in template["Resources"].values()]
expected = {
    "AWS::S3::Bucket": 6,
    "AWS::DynamoDB::Table": 5,
    "AWS::Glue::Job": 3,
    "AWS::StepFunctions::StateMachine": 1,
    "Custom::CDKBucketDeployment": 1,
}
problems = [f"{t}: expected at least {n}, got {types.count(t)}" for t, n in expected.items() if types.count(t) < n]
if problems:
    raise RuntimeError("python bindings smoke test failed: " + "; ".join(problems))
if lake.collect_bucket is None:
    raise RuntimeError("python bindings smoke test failed: InsuranceLake.collect_bucket is not exposed")
try:
    Configuration.from_asset("examples/config/etl")
except RuntimeError as error:
    if "[Configuration.Layout]" not in str(error):
        raise
else:
    raise RuntimeError("python bindings smoke test failed: the etl/ folder itself was accepted as a configuration folder")
findings = [
    f"{violation.rule_name} {resource.construct_path}"
    for pack in (AwsSolutionsChecks(), HIPAASecurityChecks(), NIST80053R5Checks())
    for violation in pack.validate_scope(app).violations
    for resource in violation.violating_resources
]
if findings:
    raise RuntimeError("python bindings smoke test: cdk-nag findings:\n" + "\n".join(findings))
print(json.dumps({"resources": len(types), "glue_jobs": types.count("AWS::Glue::Job"), "nag_findings": 0}))
