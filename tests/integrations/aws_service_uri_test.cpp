// Tests for parsing AWS integration URIs of services other than Lambda, and the protocol table.
#include "integrations/aws_service_uri.h"

#include <gtest/gtest.h>

namespace portico::integrations {
namespace {

TEST(AwsServiceUri, ActionWithParameters) {
  auto u = parseAwsServiceUri("arn:aws:apigateway:us-west-2:s3:action/GetObject&Bucket=b&Key=a%20b");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->region, "us-west-2");
  EXPECT_EQ(u->service, "s3");
  EXPECT_TRUE(u->action);
  EXPECT_EQ(u->actionName, "GetObject");
  ASSERT_EQ(u->actionParams.size(), 2u);
  EXPECT_EQ(u->actionParams[1].first, "Key");
  EXPECT_EQ(u->actionParams[1].second, "a b");
}

TEST(AwsServiceUri, PathsSubdomainsAndTheRoot) {
  auto s3 = parseAwsServiceUri("arn:aws:apigateway:us-east-1:s3:path/bucket/some/key");
  ASSERT_TRUE(s3);
  EXPECT_FALSE(s3->action);
  EXPECT_EQ(s3->path, "/bucket/some/key");
  auto root = parseAwsServiceUri("arn:aws:apigateway:us-east-1:sns:path//");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->path, "/");
  auto sub = parseAwsServiceUri("arn:aws:apigateway:eu-central-1:mybucket.s3:path/key");
  ASSERT_TRUE(sub);
  EXPECT_EQ(sub->subdomain, "mybucket");
  EXPECT_EQ(sub->service, "s3");
  EXPECT_TRUE(parseAwsServiceUri("arn:aws-cn:apigateway:cn-north-1:dynamodb:action/PutItem"));
}

TEST(AwsServiceUri, NotAnAwsServiceUri) {
  for (const char* uri : {"https://example.com/x", "arn:aws:apigateway:us-east-1:dynamodb:action/",
                          "arn:aws:apigateway:us-east-1:dynamodb:PutItem", "arn:aws:lambda:us-east-1:1:function:f",
                          "arn:aws:apigateway:us-east-1::path/x", "arn:aws:apigateway"}) {
    EXPECT_FALSE(parseAwsServiceUri(uri)) << uri;
  }
}

TEST(AwsServiceProtocols, JsonQueryAndRest) {
  auto ddb = protocolOf("dynamodb");
  EXPECT_EQ(ddb.kind, ServiceProtocol::kJson);
  EXPECT_EQ(ddb.targetPrefix, "DynamoDB_20120810");
  EXPECT_EQ(ddb.contentType, "application/x-amz-json-1.0");
  EXPECT_EQ(protocolOf("states").targetPrefix, "AWSStepFunctions");
  EXPECT_EQ(protocolOf("kinesis").contentType, "application/x-amz-json-1.1");
  EXPECT_EQ(protocolOf("events").targetPrefix, "");  // EventBridge templates set their own target
  auto sqs = protocolOf("sqs");
  EXPECT_EQ(sqs.kind, ServiceProtocol::kQuery);
  EXPECT_EQ(sqs.version, "2012-11-05");
  EXPECT_EQ(protocolOf("s3").kind, ServiceProtocol::kRest);
}

}  // namespace
}  // namespace portico::integrations
