// The AWS event stream encoding (application/vnd.amazon.eventstream) InvokeWithResponseStream
// answers in: each message is a prelude (total and headers length, CRC32), string headers
// (":event-type", ":content-type", ":message-type"), the payload and the message's CRC32.
// https://docs.aws.amazon.com/lambda/latest/api/API_InvokeWithResponseStream.html
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portico::control::lambda {

/// One message with these string headers and payload.
std::string eventStreamMessage(const std::vector<std::pair<std::string_view, std::string_view>>& headers,
                               std::string_view payload);

/// An "event" message of `eventType` (":message-type" event) with `contentType`.
std::string eventStreamEvent(std::string_view eventType, std::string_view contentType, std::string_view payload);

}  // namespace portico::control::lambda
