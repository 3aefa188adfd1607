// Tests for AwsEndpoints (where each service is reached, and which override wins) and
// AwsCredentialChain (role mappings, the environment, the shared credentials file).
#include "aws/aws_endpoints.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "aws/aws_credentials.h"

namespace portico::aws {
namespace {

TEST(AwsEndpoints, AwsRegionalEndpointByDefault) {
  auto e = AwsEndpoints::configure({}, {});
  ASSERT_TRUE(e);
  auto d = e->forService("dynamodb", "eu-west-1");
  EXPECT_EQ(d.url, "https://dynamodb.eu-west-1.amazonaws.com");
  EXPECT_TRUE(d.aws);
  EXPECT_EQ(e->forService("states", "us-east-1").url, "https://states.us-east-1.amazonaws.com");
}

TEST(AwsEndpoints, FlagsBeatOurVariablesWhichBeatTheSdksWhichBeatTheGlobalOne) {
  Environment env{
      {"AWS_ENDPOINT_URL", "http://127.0.0.1:1"},        {"AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:2"},
      {"AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:3/"},   {"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:4"},
      {"PORTICO_AWS_ENDPOINT_S3", "http://127.0.0.1:5"}, {"PORTICO_AWS_ENDPOINT_SQS", "http://127.0.0.1:6"}};
  auto e = AwsEndpoints::configure({"sqs=http://127.0.0.1:7/", "kinesis=https://localhost:8"}, env);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->forService("dynamodb", "us-east-1").url, "http://127.0.0.1:2");
  EXPECT_EQ(e->forService("states", "us-east-1").url, "http://127.0.0.1:3");  // SFN is the SDK's id for states
  EXPECT_EQ(e->forService("s3", "us-east-1").url, "http://127.0.0.1:5");
  EXPECT_EQ(e->forService("sqs", "us-east-1").url, "http://127.0.0.1:7");
  EXPECT_EQ(e->forService("kinesis", "us-east-1").url, "https://localhost:8");
  EXPECT_EQ(e->forService("sns", "us-east-1").url, "http://127.0.0.1:1");  // the global one
  EXPECT_FALSE(e->forService("sns", "us-east-1").aws);
}

TEST(AwsEndpoints, ServiceIdsBothWays) {
  EXPECT_EQ(sdkServiceId("states"), "SFN");
  EXPECT_EQ(sdkServiceId("apigateway"), "API_GATEWAY");
  EXPECT_EQ(sdkServiceId("dynamodb"), "DYNAMODB");
  EXPECT_EQ(serviceOfSdkId("SFN"), "states");
  EXPECT_EQ(serviceOfSdkId("API_GATEWAY"), "apigateway");
  EXPECT_EQ(serviceOfSdkId("S3"), "s3");
}

TEST(AwsEndpoints, MalformedOverridesAreRefused) {
  for (const char* flag : {"s3", "=http://x", "s3=ftp://x", "s3=not a url"}) {
    auto e = AwsEndpoints::configure({flag}, {});
    EXPECT_FALSE(e) << flag;
  }
  EXPECT_FALSE(AwsEndpoints::configure({}, {{"AWS_ENDPOINT_URL_S3", "127.0.0.1:9000"}}));
}

class CredentialChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("portico-creds-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / ".aws");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }
  std::filesystem::path dir_;
};

TEST_F(CredentialChainTest, RolesFromTheFileElseTheEnvironment) {
  auto roles = write("roles", "# role keys\narn:aws:iam::1:role/a AKIA1 s1\n\narn:aws:iam::1:role/b AKIA2 s2 tok2\n");
  auto chain = AwsCredentialChain::load(
      roles, {{"AWS_ACCESS_KEY_ID", "ENV"}, {"AWS_SECRET_ACCESS_KEY", "es"}, {"AWS_SESSION_TOKEN", "et"}});
  ASSERT_TRUE(chain) << chain.error().message;
  EXPECT_EQ(chain->forRole("arn:aws:iam::1:role/a")->accessKeyId, "AKIA1");
  EXPECT_EQ(chain->forRole("arn:aws:iam::1:role/b")->sessionToken, "tok2");
  auto other = chain->forRole("arn:aws:iam::1:role/unmapped");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->accessKeyId, "ENV");
  EXPECT_EQ(other->sessionToken, "et");
  EXPECT_EQ(chain->defaultsSource(), "environment");
  EXPECT_TRUE(chain->hasRole("arn:aws:iam::1:role/a"));
}

TEST_F(CredentialChainTest, SharedCredentialsFileWithAProfile) {
  write(".aws/credentials",
        "[default]\naws_access_key_id = DEF\naws_secret_access_key = ds\n\n[dev]\naws_access_key_id=DEV\n"
        "aws_secret_access_key=dv\naws_session_token=dt\n");
  auto chain = AwsCredentialChain::load({}, {{"HOME", dir_.string()}, {"AWS_PROFILE", "dev"}});
  ASSERT_TRUE(chain);
  ASSERT_TRUE(chain->defaults());
  EXPECT_EQ(chain->defaults()->accessKeyId, "DEV");
  EXPECT_EQ(chain->defaults()->sessionToken, "dt");
  auto byDefault = AwsCredentialChain::load({}, {{"HOME", dir_.string()}});
  EXPECT_EQ(byDefault->defaults()->accessKeyId, "DEF");
}

TEST_F(CredentialChainTest, NothingConfiguredMeansNoKeys) {
  auto chain = AwsCredentialChain::load({}, {{"HOME", (dir_ / "nowhere").string()}});
  ASSERT_TRUE(chain);
  EXPECT_FALSE(chain->forRole("arn:aws:iam::1:role/a"));
}

TEST_F(CredentialChainTest, MalformedOrHugeRoleFilesAreRefused) {
  auto bad = AwsCredentialChain::load(write("bad", "arn:aws:iam::1:role/a ONLYKEY\n"), {});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("line 1"), std::string::npos) << bad.error().message;
  EXPECT_FALSE(AwsCredentialChain::load(write("notarn", "role KEY SECRET\n"), {}));
  EXPECT_FALSE(AwsCredentialChain::load(dir_ / "missing", {}));
  std::string big(AwsCredentialChain::kMaxFileBytes + 1, '#');
  EXPECT_FALSE(AwsCredentialChain::load(write("big", big), {}));
}

}  // namespace
}  // namespace portico::aws
