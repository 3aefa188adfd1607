// Property tests for the VTL engine: $input.json('$') reproduces random JSON
// bodies, $input.path reads back every member, and the $util encoders invert
// their decoders on random text.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <random>

#include "vtl/template_engine.h"

namespace portico::vtl {
namespace {

class RandomJson {
 public:
  explicit RandomJson(unsigned seed) : rng_(seed) {}

  boost::json::value value(int depth) {
    int pick = std::uniform_int_distribution<int>(0, depth > 3 ? 4 : 6)(rng_);
    switch (pick) {
      case 0:
        return nullptr;
      case 1:
        return coin();
      case 2:
        return std::uniform_int_distribution<std::int64_t>(-1'000'000'000'000, 1'000'000'000'000)(rng_);
      case 3:
        return std::uniform_real_distribution<double>(-1e6, 1e6)(rng_) * std::pow(10.0, exponent());
      case 4:
        return boost::json::string(text());
      case 5: {
        boost::json::array a;
        int n = std::uniform_int_distribution<int>(0, 4)(rng_);
        for (int i = 0; i < n; ++i) a.push_back(value(depth + 1));
        return a;
      }
      default: {
        boost::json::object o;
        int n = std::uniform_int_distribution<int>(0, 4)(rng_);
        for (int i = 0; i < n; ++i) o[text()] = value(depth + 1);
        return o;
      }
    }
  }

  std::string text() {
    static const char* kPieces[] = {"a",
                                    "Z",
                                    "0",
                                    " ",
                                    "\"",
                                    "\\",
                                    "/",
                                    "\n",
                                    "\t",
                                    "'",
                                    "$",
                                    "#",
                                    "{",
                                    "\xC3\xA9",
                                    "\xE2\x82\xAC",
                                    "\xF0\x9F\x98\x80",
                                    "\x01",
                                    "=",
                                    "&",
                                    "%",
                                    "+"};
    std::string out;
    int n = std::uniform_int_distribution<int>(0, 8)(rng_);
    for (int i = 0; i < n; ++i)
      out += kPieces[std::uniform_int_distribution<std::size_t>(0, std::size(kPieces) - 1)(rng_)];
    return out;
  }

 private:
  bool coin() { return std::uniform_int_distribution<int>(0, 1)(rng_) == 1; }
  int exponent() { return std::uniform_int_distribution<int>(-12, 12)(rng_); }
  std::mt19937 rng_;
};

// Structural equality, with doubles equal to the last bit or two: Boost.JSON 1.81's
// parser may round a 17-digit number one ulp away from strtod.
bool sameJson(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_double() && b.is_double()) {
    double x = a.get_double();
    double y = b.get_double();
    return x == y || std::fabs(x - y) <= 4e-16 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto& x = a.get_array();
    const auto& y = b.get_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!sameJson(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    const auto& x = a.get_object();
    const auto& y = b.get_object();
    if (x.size() != y.size()) return false;
    auto yi = y.begin();
    for (const auto& [key, item] : x) {
      if (yi->key() != key || !sameJson(item, yi->value())) return false;
      ++yi;
    }
    return true;
  }
  return a == b;
}

std::string render(std::string_view text, std::string_view body) {
  auto compiled = makeVelocityTemplateEngine()->compile(text);
  EXPECT_TRUE(compiled.ok());
  if (!compiled) return {};
  TemplateInput input;
  input.body = body;
  auto out = (*compiled)->render(input);
  EXPECT_TRUE(out.ok()) << out.error().message;
  return out.ok() ? *out : std::string();
}

TEST(VtlPropertyTest, InputJsonRoundTripsRandomBodies) {
  RandomJson random(20240601);
  for (int i = 0; i < 300; ++i) {
    boost::json::object root;
    root["v"] = random.value(0);
    std::string body = boost::json::serialize(root);
    std::string out = render("$input.json('$')", body);
    boost::system::error_code ec;
    boost::json::value back = boost::json::parse(out, ec);
    ASSERT_FALSE(ec) << "not JSON: " << out;
    EXPECT_TRUE(sameJson(back, boost::json::value(root))) << body << "\n" << out;
    // A member selected by path comes back as the same JSON.
    boost::json::value member = boost::json::parse(render("$input.json('$.v')", body), ec);
    ASSERT_FALSE(ec);
    EXPECT_TRUE(sameJson(member, root["v"])) << body;
  }
}

TEST(VtlPropertyTest, UtilEncodersInvertOnRandomText) {
  RandomJson random(7);
  for (int i = 0; i < 300; ++i) {
    boost::json::object root;
    root["s"] = random.text();
    std::string body = boost::json::serialize(root);
    std::string expected(root["s"].as_string());
    EXPECT_EQ(render("$util.base64Decode($util.base64Encode($input.path('$.s')))", body), expected);
    EXPECT_EQ(render("$util.urlDecode($util.urlEncode($input.path('$.s')))", body), expected);
    // escapeJavaScript output is a valid JSON string body once \' is undone.
    std::string js = render("\"$util.escapeJavaScript($input.path('$.s')).replaceAll(\"\\\\'\", \"'\")\"", body);
    boost::system::error_code ec;
    boost::json::value back = boost::json::parse(js, ec);
    ASSERT_FALSE(ec) << js;
    EXPECT_EQ(back.as_string(), expected);
  }
}

}  // namespace
}  // namespace portico::vtl
