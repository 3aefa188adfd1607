"""A non-proxy (AWS integration) Lambda function: adds, or fails with a message a selectionPattern maps."""


def handler(event, context):
    if "fail" in event:
        raise ValueError("BadInput: " + str(event["fail"]))
    return {"sum": event.get("a", 0) + event.get("b", 0), "version": context.function_version, "event": event}
