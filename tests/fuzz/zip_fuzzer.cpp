// libFuzzer target: the code store's zip unpacking (libarchive + Portico's path, link, size and
// entry checks) over arbitrary bytes, into a fresh directory each time. Whatever the input,
// nothing may be created outside that directory, and a refused archive leaves nothing behind.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "functions/code_store.h"

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fs::path base = fs::temp_directory_path() / ("portico-zip-fuzz-" + std::to_string(::getpid()));
  const fs::path root = base / "store";
  fs::remove_all(base);
  fs::create_directories(root);
  {
    portico::functions::CodeStore store(root, portico::functions::UnpackLimits{8 * 1024 * 1024, 2000});
    auto stored = store.put(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!stored) {
      for (const auto& e : fs::directory_iterator(root)) {
        if (e.path().filename().string().find(".tmp") != std::string::npos) __builtin_trap();  // left behind
      }
    }
  }
  for (const auto& e : fs::directory_iterator(base)) {
    if (e.path() != root) __builtin_trap();  // something escaped the store's root
  }
  fs::remove_all(base);
  return 0;
}
