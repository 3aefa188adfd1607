#include "control/console/console_sessions.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "auth/credentials.h"
#include "support/fixed_clock.h"

namespace portico::control::console {
namespace {

using namespace std::chrono_literals;

class ConsoleSessionsTest : public ::testing::Test {
 protected:
  ConsoleSessionsTest() : clock_(std::chrono::system_clock::time_point(1'800'000'000s)) {
    creds_.add("alice", "alice-secret");
    creds_.add("bob", "bob-secret");
  }
  auth::StaticCredentials creds_;
  FixedClock clock_;
  ConsoleSessions sessions_{creds_, clock_, std::string(32, 'k')};
};

TEST_F(ConsoleSessionsTest, LoginNeedsTheKeysOwnSecret) {
  EXPECT_FALSE(sessions_.login("alice", "bob-secret"));
  EXPECT_FALSE(sessions_.login("alice", ""));
  EXPECT_FALSE(sessions_.login("carol", "alice-secret"));
  auto s = sessions_.login("alice", "alice-secret");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->accessKeyId, "alice");
  EXPECT_EQ(s->expires, clock_.now() + ConsoleSessions::kLifetime);
  EXPECT_EQ(s->csrfToken.size(), 64u);
}

TEST_F(ConsoleSessionsTest, TokenVerifiesToTheSameSession) {
  auto s = sessions_.login("alice", "alice-secret");
  ASSERT_TRUE(s);
  auto v = sessions_.verify(s->token);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->accessKeyId, "alice");
  EXPECT_EQ(v->csrfToken, s->csrfToken);
  // Each login is a new session with its own CSRF token.
  EXPECT_NE(sessions_.login("alice", "alice-secret")->csrfToken, s->csrfToken);
}

TEST_F(ConsoleSessionsTest, TamperedOrForeignTokensAreRefused) {
  auto s = sessions_.login("alice", "alice-secret");
  ASSERT_TRUE(s);
  std::string t = s->token;
  for (std::size_t i : {0ul, t.find('.') + 1, t.size() - 1}) {
    std::string bad = t;
    bad[i] = bad[i] == '0' ? '1' : '0';
    EXPECT_FALSE(sessions_.verify(bad)) << bad;
  }
  EXPECT_FALSE(sessions_.verify(""));
  EXPECT_FALSE(sessions_.verify("a.b.c.d"));
  EXPECT_FALSE(sessions_.verify(t + ".x"));
  // Another server's key signs a different token.
  ConsoleSessions other(creds_, clock_, std::string(32, 'x'));
  EXPECT_FALSE(other.verify(t));
}

TEST_F(ConsoleSessionsTest, ExpiryRevocationAndRemovedKeys) {
  auto s = sessions_.login("alice", "alice-secret");
  auto b = sessions_.login("bob", "bob-secret");
  ASSERT_TRUE(s && b);
  clock_.set(clock_.now() + ConsoleSessions::kLifetime - 1s);
  EXPECT_TRUE(sessions_.verify(s->token));
  sessions_.revoke(*s);
  EXPECT_FALSE(sessions_.verify(s->token));
  EXPECT_TRUE(sessions_.verify(b->token));
  clock_.set(clock_.now() + 1s);
  EXPECT_FALSE(sessions_.verify(b->token));

  auth::StaticCredentials fewer;
  fewer.add("bob", "bob-secret");
  ConsoleSessions later(fewer, clock_, std::string(32, 'k'));
  auto fresh = sessions_.login("alice", "alice-secret");
  EXPECT_TRUE(sessions_.verify(fresh->token));
  EXPECT_FALSE(later.verify(fresh->token)) << "a key no longer configured ends its sessions";
}

TEST(ConsoleSessionKeyTest, KeyIsMadeOnceAndKept) {
  auto dir = std::filesystem::temp_directory_path() / ("portico-console-key-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto key = ConsoleSessions::loadOrCreateKey(dir / "console.key");
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(ConsoleSessions::loadOrCreateKey(dir / "console.key"), key);
  EXPECT_EQ(std::filesystem::status(dir / "console.key").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::remove_all(dir);
}

TEST(CookieValueTest, FindsTheNamedCookie) {
  EXPECT_EQ(cookieValue("a=1; portico_console=xyz; b=2", "portico_console"), "xyz");
  EXPECT_EQ(cookieValue("portico_console=", "portico_console"), "");
  EXPECT_EQ(cookieValue("xportico_console=1", "portico_console"), std::nullopt);
  EXPECT_EQ(cookieValue("", "portico_console"), std::nullopt);
}

}  // namespace
}  // namespace portico::control::console
