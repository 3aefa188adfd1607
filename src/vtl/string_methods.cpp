// String methods: java.lang.String semantics over UTF-8 text.
#include "vtl/string_methods.h"

#include <algorithm>
#include <cstdint>

namespace portico::vtl {
namespace {

using Args = std::vector<Value>;
using MethodResult = Result<std::optional<Value>>;

bool allStrings(const Args& args) {
  return std::all_of(args.begin(), args.end(), [](const Value& v) { return v.isString(); });
}

bool allInts(const Args& args) {
  return std::all_of(args.begin(), args.end(), [](const Value& v) { return v.isInt(); });
}

ApiError outOfRange(std::string_view method) {
  return ApiError::internal("StringIndexOutOfBoundsException in String." + std::string(method));
}

char asciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
char asciiUpper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

std::string trimJava(const std::string& s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= ' ') ++b;
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') --e;
  return s.substr(b, e - b);
}

std::string replaceLiteral(const std::string& s, const std::string& from, const std::string& to) {
  std::string out;
  if (from.empty()) {  // Java inserts the replacement around every char
    std::u16string u = toUtf16(s);
    out += to;
    for (char16_t c : u) {
      out += toUtf8(std::u16string_view(&c, 1));
      out += to;
    }
    return out;
  }
  std::size_t pos = 0;
  while (true) {
    std::size_t hit = s.find(from, pos);
    if (hit == std::string::npos) break;
    out.append(s, pos, hit - pos);
    out += to;
    pos = hit + from.size();
  }
  out.append(s, pos);
  return out;
}

// Java String.split(regex) with limit 0: trailing empty strings are dropped, and a
// zero-width match at the start yields no leading empty string.
Value splitJava(const std::string& s, const RE2& re) {
  std::vector<Value> parts;
  re2::StringPiece input(s);
  std::size_t start = 0;
  std::size_t searchFrom = 0;
  re2::StringPiece match;
  while (searchFrom <= s.size() && re.Match(input, searchFrom, s.size(), RE2::UNANCHORED, &match, 1)) {
    std::size_t mStart = static_cast<std::size_t>(match.data() - s.data());
    std::size_t mEnd = mStart + match.size();
    if (match.empty()) {
      if (mStart == 0 || mStart >= s.size()) {
        searchFrom = mStart + 1;
        continue;
      }
    }
    parts.push_back(Value::string(s.substr(start, mStart - start)));
    start = mEnd;
    searchFrom = match.empty() ? mEnd + 1 : mEnd;
  }
  if (parts.empty()) return Value::newList({Value::string(s)});
  parts.push_back(Value::string(s.substr(start)));
  while (!parts.empty() && parts.back().asString().empty()) parts.pop_back();
  return Value::newList(std::move(parts));
}

std::int32_t javaHash(const std::u16string& u) {
  std::uint32_t h = 0;
  for (char16_t c : u) h = 31 * h + c;
  return static_cast<std::int32_t>(h);
}

MethodResult regexMethod(const std::string& s, std::string_view name, const Args& args, RegexCache& regexes) {
  const RE2* re = regexes.get(args[0].asString());
  if (!re) return ApiError::internal("Unsupported regular expression: " + args[0].asString());
  if (name == "matches" && args.size() == 1) return std::optional(Value::boolean(RE2::FullMatch(s, *re)));
  if (name == "split" && args.size() == 1) return std::optional(splitJava(s, *re));
  if ((name == "replaceAll" || name == "replaceFirst") && args.size() == 2) {
    std::string out = s;
    std::string rewrite = javaReplacementToRe2(args[1].asString());
    if (name == "replaceAll") {
      RE2::GlobalReplace(&out, *re, rewrite);
    } else {
      RE2::Replace(&out, *re, rewrite);
    }
    return std::optional(Value::string(std::move(out)));
  }
  return std::optional<Value>();
}

MethodResult indexMethod(const std::string& s, std::string_view name, const Args& args) {
  std::u16string u = toUtf16(s);
  const auto n = static_cast<std::int64_t>(u.size());
  if (name == "length" && args.empty()) return std::optional(Value::integer(n));
  if (name == "charAt" && args.size() == 1 && args[0].isInt()) {
    std::int64_t i = args[0].asInt();
    if (i < 0 || i >= n) return outOfRange(name);
    return std::optional(Value::string(toUtf8(u.substr(static_cast<std::size_t>(i), 1))));
  }
  if (name == "substring" && !args.empty() && args.size() <= 2 && allInts(args)) {
    std::int64_t b = args[0].asInt();
    std::int64_t e = args.size() == 2 ? args[1].asInt() : n;
    if (b < 0 || e > n || b > e) return outOfRange(name);
    return std::optional(Value::string(toUtf8(u.substr(static_cast<std::size_t>(b), static_cast<std::size_t>(e - b)))));
  }
  if ((name == "indexOf" || name == "lastIndexOf") && !args.empty() && args.size() <= 2 && args[0].isString() &&
      (args.size() == 1 || args[1].isInt())) {
    std::u16string needle = toUtf16(args[0].asString());
    std::size_t found;
    if (name == "indexOf") {
      std::int64_t from = args.size() == 2 ? std::max<std::int64_t>(0, args[1].asInt()) : 0;
      found = from > n ? std::u16string::npos : u.find(needle, static_cast<std::size_t>(from));
    } else {
      std::int64_t from = args.size() == 2 ? args[1].asInt() : n;
      found = from < 0 ? std::u16string::npos : u.rfind(needle, static_cast<std::size_t>(from));
    }
    return std::optional(Value::integer(found == std::u16string::npos ? -1 : static_cast<std::int64_t>(found)));
  }
  if (name == "hashCode" && args.empty()) return std::optional(Value::integer(javaHash(u)));
  return std::optional<Value>();
}

}  // namespace

MethodResult callStringMethod(const std::string& s, std::string_view name, const Args& args, RegexCache& regexes) {
  if ((name == "matches" || name == "split" || name == "replaceAll" || name == "replaceFirst") && !args.empty() &&
      allStrings(args)) {
    return regexMethod(s, name, args, regexes);
  }
  if (name == "length" || name == "charAt" || name == "substring" || name == "indexOf" || name == "lastIndexOf" ||
      name == "hashCode") {
    return indexMethod(s, name, args);
  }
  if (args.empty()) {
    if (name == "isEmpty") return std::optional(Value::boolean(s.empty()));
    if (name == "toString" || name == "intern") return std::optional(Value::string(s));
    if (name == "trim") return std::optional(Value::string(trimJava(s)));
    if (name == "toLowerCase" || name == "toUpperCase") {
      std::string out = s;
      std::transform(out.begin(), out.end(), out.begin(), name == "toLowerCase" ? asciiLower : asciiUpper);
      return std::optional(Value::string(std::move(out)));
    }
  }
  if (name == "equals" && args.size() == 1) return std::optional(Value::boolean(javaEquals(Value::string(s), args[0])));
  if (!allStrings(args)) return std::optional<Value>();
  if (args.size() == 1) {
    const std::string& a = args[0].asString();
    if (name == "contains") return std::optional(Value::boolean(s.find(a) != std::string::npos));
    if (name == "startsWith") return std::optional(Value::boolean(s.compare(0, a.size(), a) == 0));
    if (name == "endsWith") {
      return std::optional(Value::boolean(s.size() >= a.size() && s.compare(s.size() - a.size(), a.size(), a) == 0));
    }
    if (name == "concat") return std::optional(Value::string(s + a));
    if (name == "equalsIgnoreCase") {
      bool same = s.size() == a.size() && std::equal(s.begin(), s.end(), a.begin(),
                                                     [](char x, char y) { return asciiLower(x) == asciiLower(y); });
      return std::optional(Value::boolean(same));
    }
    if (name == "compareTo") {
      int c = s.compare(a);
      return std::optional(Value::integer(c < 0 ? -1 : c > 0 ? 1 : 0));
    }
  }
  if (args.size() == 2 && name == "replace") {
    return std::optional(Value::string(replaceLiteral(s, args[0].asString(), args[1].asString())));
  }
  return std::optional<Value>();
}

std::u16string toUtf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = c;
    std::size_t len = 1;
    if (c >= 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else if (c >= 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xC0) {
      len = 2;
      cp = c & 0x1F;
    }
    if (i + len > s.size()) {  // truncated sequence: keep the byte as is
      len = 1;
      cp = c;
    } else {
      for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out += static_cast<char16_t>(0xD800 + (cp >> 10));
      out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
    } else {
      out += static_cast<char16_t>(cp);
    }
    i += len;
  }
  return out;
}

std::string toUtf8(std::u16string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    std::uint32_t cp = s[i];
    if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < s.size() && s[i + 1] >= 0xDC00 && s[i + 1] < 0xE000) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (s[i + 1] - 0xDC00);
      ++i;
    }
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

}  // namespace portico::vtl
