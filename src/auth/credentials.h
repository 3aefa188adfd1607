// StaticCredentials: the access keys the management API accepts, loaded at start
// (the dev default test/test unless disabled, plus any from a credentials file).
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "auth/sigv4_verifier.h"

namespace portico::auth {

class StaticCredentials final : public CredentialSource {
 public:
  void add(std::string accessKeyId, std::string secret) { keys_[std::move(accessKeyId)] = std::move(secret); }
  /// Reads "ACCESS_KEY_ID SECRET" or "ACCESS_KEY_ID:SECRET" lines ('#' comments); throws on I/O errors.
  void loadFile(const std::filesystem::path& file);
  std::optional<std::string> secretFor(std::string_view accessKeyId) const override;
  bool empty() const { return keys_.empty(); }

 private:
  std::map<std::string, std::string, std::less<>> keys_;
};

}  // namespace portico::auth
