// s3_object: s3:// URIs and S3's bucket-name rules (a bucket name goes into the URL's host or
// path, so nothing but a valid name may reach it).
#include "aws/s3_object.h"

#include <gtest/gtest.h>

namespace portico::aws {
namespace {

TEST(S3Object, ParsesS3Uris) {
  auto a = parseS3Uri("s3://my-bucket/trust/ca.pem");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->bucket, "my-bucket");
  EXPECT_EQ(a->key, "trust/ca.pem");
  EXPECT_FALSE(parseS3Uri("s3://bucket"));
  EXPECT_FALSE(parseS3Uri("s3://bucket/"));
  EXPECT_FALSE(parseS3Uri("s3:///key"));
  EXPECT_FALSE(parseS3Uri("https://bucket/key"));
}

TEST(S3Object, BucketNamesFollowS3sRules) {
  for (const char* ok :
       {"abc", "my.bucket-1", "0numbers9", "a23456789012345678901234567890123456789012345678901234567890123"}) {
    EXPECT_TRUE(validBucketName(ok)) << ok;
  }
  for (const char* bad : {"ab", "-abc", "abc-", "Upper", "evil.example:8080", "a/b", "b?x=1", "b#f", "b@h", "b c", "",
                          "a234567890123456789012345678901234567890123456789012345678901234"}) {
    EXPECT_FALSE(validBucketName(bad)) << bad;
  }
}

}  // namespace
}  // namespace portico::aws
