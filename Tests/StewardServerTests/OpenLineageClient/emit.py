"""Emits lineage with the real OpenLineage Python client (HTTP transport, API key) to a running
steward serve. Used by OpenLineageClientTests; prints the run ids it used as JSON.

usage: emit.py URL API_KEY
"""
import json
import sys
import uuid
from datetime import datetime, timezone

from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import (
    column_lineage_dataset,
    data_quality_assertions_dataset,
    error_message_run,
    output_statistics_output_dataset,
    schema_dataset,
)
from openlineage.client.transport.http import ApiKeyTokenProvider, HttpConfig, HttpTransport

url, api_key = sys.argv[1], sys.argv[2]
client = OpenLineageClient(transport=HttpTransport(HttpConfig(url=url, auth=ApiKeyTokenProvider({"apiKey": api_key}))))
PRODUCER = "https://github.com/steward/tests/emit.py"
ORDERS = ("postgres://payments-db:5432/payments", "public.orders")
SHIPMENTS = ("postgres://logistics-db:5432/logistics", "public.shipments")


def now():
    return datetime.now(timezone.utc).isoformat()


def shipments_output():
    return OutputDataset(
        namespace=SHIPMENTS[0],
        name=SHIPMENTS[1],
        facets={
            "schema": schema_dataset.SchemaDatasetFacet(fields=[
                schema_dataset.SchemaDatasetFacetFields(name="order_id", type="bigint"),
                schema_dataset.SchemaDatasetFacetFields(name="customer_email", type="text"),
            ]),
            "columnLineage": column_lineage_dataset.ColumnLineageDatasetFacet(fields={
                "customer_email": column_lineage_dataset.Fields(inputFields=[
                    column_lineage_dataset.InputField(namespace=ORDERS[0], name=ORDERS[1], field="email",
                                                      transformations=[column_lineage_dataset.Transformation(type="DIRECT", subtype="IDENTITY")]),
                ]),
                "order_id": column_lineage_dataset.Fields(inputFields=[
                    column_lineage_dataset.InputField(namespace=ORDERS[0], name=ORDERS[1], field="id"),
                ]),
            }),
            "dataQualityAssertions": data_quality_assertions_dataset.DataQualityAssertionsDatasetFacet(assertions=[
                data_quality_assertions_dataset.Assertion(assertion="not_null", success=True, column="order_id"),
                data_quality_assertions_dataset.Assertion(assertion="unique", success=False, column="order_id"),
            ]),
        },
        outputFacets={"outputStatistics": output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet(rowCount=1234)},
    )


job = Job(namespace="airflow", name="logistics.build_shipments")
inputs = [InputDataset(namespace=ORDERS[0], name=ORDERS[1])]
ok_run, failed_run = str(uuid.uuid4()), str(uuid.uuid4())

client.emit(RunEvent(eventType=RunState.START, eventTime=now(), run=Run(runId=ok_run), job=job, producer=PRODUCER,
                     inputs=inputs, outputs=[shipments_output()]))
client.emit(RunEvent(eventType=RunState.COMPLETE, eventTime=now(), run=Run(runId=ok_run), job=job, producer=PRODUCER,
                     inputs=inputs, outputs=[shipments_output()]))
client.emit(RunEvent(eventType=RunState.START, eventTime=now(), run=Run(runId=failed_run), job=job, producer=PRODUCER,
                     inputs=inputs, outputs=[shipments_output()]))
client.emit(RunEvent(eventType=RunState.FAIL, eventTime=now(), job=job, producer=PRODUCER, inputs=inputs,
                     outputs=[shipments_output()],
                     run=Run(runId=failed_run, facets={"errorMessage": error_message_run.ErrorMessageRunFacet(
                         message="division by zero", programmingLanguage="python")})))
client.close()
print(json.dumps({"completed": ok_run, "failed": failed_run}))
