// AWS's published SigV4 vectors, shared by the verifier's and the signer's tests: the Signature
// Version 4 test suite and S3's worked examples.
#pragma once
#include <string>
#include <vector>

namespace portico::auth {

inline const std::string kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// --- AWS Signature Version 4 test suite (docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html):
// key AKIDEXAMPLE, scope 20150830/us-east-1/service, X-Amz-Date 20150830T123600Z, Host example.amazonaws.com.
inline constexpr const char* kSuiteKeyId = "AKIDEXAMPLE";
inline constexpr const char* kSuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

struct SuiteCase {
  const char* name;
  const char* method;
  const char* target;
  const char* extraHeaders;  // "Name:value\n" lines, sent between Host and X-Amz-Date
  const char* signedHeaders;
  const char* signature;
};

inline const std::vector<SuiteCase> kSuiteCases = {
    SuiteCase{"get_vanilla", "GET", "/", "", "host;x-amz-date",
              "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
    SuiteCase{"get_vanilla_query_order_key_case", "GET", "/?Param2=value2&Param1=value1", "", "host;x-amz-date",
              "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
    SuiteCase{"get_vanilla_empty_query_key", "GET", "/?Param1=value1", "", "host;x-amz-date",
              "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
    SuiteCase{"get_utf8", "GET", "/\xE1\x88\xB4", "", "host;x-amz-date",
              "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
    SuiteCase{"post_vanilla", "POST", "/", "", "host;x-amz-date",
              "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
    SuiteCase{"normalize_path_get_slashes", "GET", "//example//", "", "host;x-amz-date",
              "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"},
    SuiteCase{"normalize_path_get_slash_pointless_dot", "GET", "/./example", "", "host;x-amz-date",
              "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"},
    SuiteCase{"normalize_path_get_space", "GET", "/example space/", "", "host;x-amz-date",
              "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
    SuiteCase{"get_header_value_trim", "GET", "/", "My-Header1: value1\nMy-Header2: \"a   b   c\"\n",
              "host;my-header1;my-header2;x-amz-date",
              "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
    SuiteCase{"get_header_value_order", "GET", "/",
              "My-Header1:value4\nMy-Header1:value1\nMy-Header1:value3\nMy-Header1:value2\n",
              "host;my-header1;x-amz-date", "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
    SuiteCase{"get_header_key_duplicate", "GET", "/", "My-Header1:value2\nMy-Header1:value2\nMy-Header1:value1\n",
              "host;my-header1;x-amz-date", "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"}};

// --- S3's worked examples (docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html):
// key AKIAIOSFODNN7EXAMPLE, scope 20130524/us-east-1/s3, Host examplebucket.s3.amazonaws.com.
inline constexpr const char* kS3KeyId = "AKIAIOSFODNN7EXAMPLE";
inline constexpr const char* kS3Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
// GET Object /test.txt with Range: bytes=0-9.
inline constexpr const char* kS3GetObjectSignature = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";
// GET Bucket (list objects) /?max-keys=2&prefix=J.
inline constexpr const char* kS3ListObjectsSignature =
    "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7";

}  // namespace portico::auth
