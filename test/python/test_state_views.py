"""insurancelake_local.state_views: the kept tables of a working folder's state.json as query views."""

from __future__ import annotations

import json

from insurancelake_local.state_views import register_state_views


def test_the_kept_tables_become_views_with_their_attribute_names(spark, tmp_path):
    state = {
        "version": 1,
        "tables": {
            "audit": [
                {
                    "execution_id": {"S": "e1"},
                    "job_latest_status": {"S": "SUCCEEDED"},
                    "job_start_date_int": {"N": "17"},
                },
                {
                    "execution_id": {"S": "e2"},
                    "job_latest_status": {"S": "REJECTED"},
                    "job_start_date_int": {"N": "18"},
                },
            ],
            "dqResults": [{"execution_id": {"S": "e1"}, "Rule": {"S": 'IsComplete "id"'}, "Outcome": {"S": "Passed"}}],
        },
        "executions": [],
    }
    file = tmp_path / "state.json"
    file.write_text(json.dumps(state))
    assert register_state_views(spark, str(file)) == ["audit", "dq_results", "lineage"]
    rows = spark.sql(
        "SELECT a.execution_id, a.job_start_date_int, d.Outcome FROM audit a "
        "LEFT JOIN dq_results d ON d.execution_id = a.execution_id ORDER BY 1"
    ).collect()
    assert [tuple(r) for r in rows] == [("e1", 17, "Passed"), ("e2", 18, None)]
    assert spark.sql("SELECT COUNT(*) FROM lineage").collect()[0][0] == 0
    assert register_state_views(spark, str(tmp_path / "missing.json")) == []
