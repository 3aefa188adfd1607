"""A Lambda proxy function for the gateway e2e test: answers 201 with the event it saw."""
import json


def handler(event, context):
    return {"statusCode": "201", "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"event": event, "function": context.function_name})}
