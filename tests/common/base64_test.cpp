#include "common/base64.h"

#include <gtest/gtest.h>

namespace portico {
namespace {

TEST(Base64, EncodesRfc4648Vectors) {
  EXPECT_EQ(base64Encode(""), "");
  EXPECT_EQ(base64Encode("f"), "Zg==");
  EXPECT_EQ(base64Encode("fo"), "Zm8=");
  EXPECT_EQ(base64Encode("foo"), "Zm9v");
  EXPECT_EQ(base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, DecodesAndRoundTripsBinary) {
  EXPECT_EQ(base64Decode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(base64Decode("Zm9vYg=="), "foob");
  EXPECT_EQ(base64Decode("Zm9vYg"), "foob");
  EXPECT_EQ(base64Decode("Zm9v\nYmFy"), "foobar");
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(base64Decode(base64Encode(all)), all);
}

TEST(Base64, DecodesUrlSafeAlphabet) {
  EXPECT_EQ(base64UrlDecode(""), "");
  EXPECT_EQ(base64UrlDecode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(base64UrlDecode("Zm9vYg"), "foob");
  EXPECT_EQ(base64UrlDecode("Zm9vYg=="), "foob");
  EXPECT_EQ(base64UrlDecode("Zm9vYmE="), "fooba");
  EXPECT_EQ(base64UrlDecode("-_8"), "\xfb\xff");  // "+/8=" in the standard alphabet
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  std::string url = base64Encode(all);
  for (char& c : url) c = c == '+' ? '-' : c == '/' ? '_' : c;
  EXPECT_EQ(base64UrlDecode(url), all);
}

TEST(Base64, UrlDecodingIsStrict) {
  EXPECT_FALSE(base64UrlDecode("+/8"));        // the standard alphabet's characters
  EXPECT_FALSE(base64UrlDecode("Zm9v YmFy"));  // whitespace
  EXPECT_FALSE(base64UrlDecode("Zm9v\n"));
  EXPECT_FALSE(base64UrlDecode("Z"));  // a lone sextet
  EXPECT_FALSE(base64UrlDecode("Zm9vY"));
  EXPECT_FALSE(base64UrlDecode("Zg="));  // padding that does not complete a quantum
  EXPECT_FALSE(base64UrlDecode("Zg==="));
  EXPECT_FALSE(base64UrlDecode("Zg=g"));  // padding inside the text
  EXPECT_FALSE(base64UrlDecode("=Zg"));
  EXPECT_FALSE(base64UrlDecode("===="));
  EXPECT_FALSE(base64UrlDecode("Zh"));   // non-zero unused bits ("Zg" is canonical)
  EXPECT_FALSE(base64UrlDecode("Zm9"));  // ("Zm8" is canonical)
}

TEST(Base64, RejectsMalformed) {
  EXPECT_FALSE(base64Decode("Zm9v!"));
  EXPECT_FALSE(base64Decode("Zg==Zg"));
  EXPECT_FALSE(base64Decode("Z"));
}

}  // namespace
}  // namespace portico
