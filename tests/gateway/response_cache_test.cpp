// The stage cache: MemoryResponseCache (TTL on the injected clock, the byte budget with LRU
// eviction, AWS's 1 MB entry bound, flush), StageCaches (kept across deploys, replaced on a
// resize), and through the loopback stage: hits never reach the integration (a counting backend)
// but still pass the Method Request stage, keys from cacheKeyParameters, GET only from "*/*",
// TTL expiry, `Cache-Control: max-age=0` under each unauthorized strategy, and the canary's keys.
#include <gtest/gtest.h>

#include "gateway/memory_response_cache.h"
#include "gateway/response_caching.h"
#include "gateway/stage_caches.h"
#include "support/loopback_stage.h"

namespace portico::loopback {
namespace {

using gateway::CachedResponse;
using gateway::MemoryResponseCache;
using std::chrono::seconds;

std::shared_ptr<const CachedResponse> entry(std::string body) {
  auto e = std::make_shared<CachedResponse>();
  e->body = std::move(body);
  e->headers = {{"Content-Type", "text/plain"}};
  return e;
}

TEST(MemoryResponseCache, EntriesLiveForTheirTtl) {
  FixedClock clock(std::chrono::system_clock::time_point{} + std::chrono::hours(1000));
  MemoryResponseCache cache(1 << 20, clock);
  cache.put("k", entry("v"), seconds(300));
  ASSERT_NE(cache.get("k"), nullptr);
  EXPECT_EQ(cache.get("k")->body, "v");
  clock.set(clock.now() + seconds(299));
  EXPECT_NE(cache.get("k"), nullptr);
  clock.set(clock.now() + seconds(1));
  EXPECT_EQ(cache.get("k"), nullptr) << "expired at its TTL";
  cache.put("zero", entry("v"), seconds(0));
  EXPECT_EQ(cache.get("zero"), nullptr) << "a TTL of 0 is no caching";
  auto stats = cache.stats();
  EXPECT_EQ(stats.hits, 3u);
  EXPECT_EQ(stats.misses, 2u);
  EXPECT_EQ(stats.entries, 0u);
}

TEST(MemoryResponseCache, TheBudgetEvictsTheLeastRecentlyUsed) {
  FixedClock clock(std::chrono::system_clock::time_point{});
  // Keys that land in one shard, so its share of the budget (1/8) decides.
  const std::size_t budget = 8 * 10'000;
  MemoryResponseCache cache(budget, clock);
  std::vector<std::string> keys;
  for (int i = 0; keys.size() < 4; ++i) {
    std::string k = "key" + std::to_string(i);
    if (std::hash<std::string_view>{}(k) % MemoryResponseCache::kShards == 0) keys.push_back(k);
  }
  const std::string body(3000, 'x');  // ~3.3 KB each: three fit in a 10 KB shard, not four
  for (int i = 0; i < 3; ++i) cache.put(keys[i], entry(body), seconds(60));
  ASSERT_NE(cache.get(keys[0]), nullptr);  // now the most recently used
  cache.put(keys[3], entry(body), seconds(60));
  EXPECT_NE(cache.get(keys[0]), nullptr);
  EXPECT_EQ(cache.get(keys[1]), nullptr) << "the least recently used made room";
  EXPECT_NE(cache.get(keys[2]), nullptr);
  EXPECT_NE(cache.get(keys[3]), nullptr);
  auto stats = cache.stats();
  EXPECT_EQ(stats.evictions, 1u);
  EXPECT_EQ(stats.entries, 3u);
  EXPECT_LE(stats.bytes, budget);
  EXPECT_EQ(stats.budgetBytes, budget);
}

TEST(MemoryResponseCache, OversizedEntriesAreNotKeptAndFlushEmptiesIt) {
  FixedClock clock(std::chrono::system_clock::time_point{});
  MemoryResponseCache big(std::size_t{1} << 30, clock);
  big.put("over", entry(std::string(gateway::kMaxCachedResponseBytes + 1, 'x')), seconds(60));
  EXPECT_EQ(big.get("over"), nullptr) << "AWS caches responses up to 1,048,576 bytes";
  big.put("max", entry(std::string(gateway::kMaxCachedResponseBytes, 'x')), seconds(60));
  EXPECT_NE(big.get("max"), nullptr);
  MemoryResponseCache small(8 * 1000, clock);
  small.put("k", entry(std::string(2000, 'x')), seconds(60));
  EXPECT_EQ(small.get("k"), nullptr) << "larger than its share of the budget";
  big.flush();
  EXPECT_EQ(big.get("max"), nullptr);
  EXPECT_EQ(big.stats().bytes, 0u);
}

TEST(StageCaches, KeptWhileTheSizeHoldsReplacedOnAResize) {
  int made = 0;
  FixedClock clock(std::chrono::system_clock::time_point{});
  gateway::StageCaches caches([&](std::size_t budget) -> std::shared_ptr<gateway::ResponseCache> {
    ++made;
    return std::make_shared<MemoryResponseCache>(budget, clock);
  });
  auto a = caches.acquire("api", "dev", 500'000'000);
  EXPECT_EQ(caches.acquire("api", "dev", 500'000'000), a);
  EXPECT_EQ(caches.find("api", "dev"), a);
  auto b = caches.acquire("api", "dev", 1'600'000'000);
  EXPECT_NE(b, a) << "a resize deletes the cached data, as on AWS";
  caches.acquire("api", "prod", 500'000'000);
  caches.release("api", "dev");
  EXPECT_EQ(caches.find("api", "dev"), nullptr);
  EXPECT_NE(caches.find("api", "prod"), nullptr);
  caches.releaseApi("api");
  EXPECT_EQ(caches.find("api", "prod"), nullptr);
  EXPECT_EQ(made, 3);
  EXPECT_EQ(gateway::cacheClusterBytes("0.5"), std::size_t{500'000'000});
  EXPECT_EQ(gateway::cacheClusterBytes("237"), std::size_t{237'000'000'000});
  EXPECT_FALSE(gateway::cacheClusterBytes("1"));
  EXPECT_FALSE(gateway::cacheClusterBytes(""));
}

/// A stage with its cache on, whose GET /items (and POST) go to a backend that counts.
class StageCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_ = &gw_.addUpstream();
    backend_->respond([this](const http::Request& req) {
      ++calls_;
      return LoopbackUpstream::reply(200, "call " + std::to_string(calls_) + " " + std::string(req.target()),
                                     {{"Content-Type", "text/plain"}, {"X-Backend", "yes"}});
    });
    for (const char* verb : {"GET", "POST"}) {
      bj::object& i = doc_.integration("/items", verb);
      i["type"] = "HTTP_PROXY";
      i["httpMethod"] = verb;
      i["uri"] = backend_->url("/items");
    }
  }
  /// Deploys with cacheClusterEnabled and these method settings.
  void deploy(bj::object settings) {
    bj::object stage = stageDoc({}, std::move(settings));
    stage["cacheClusterEnabled"] = true;
    stage["cacheClusterSize"] = "0.5";
    ASSERT_TRUE(gw_.deploy(doc_, stage));
  }
  static bj::object everyMethod(bj::object extra = {}) {
    bj::object s{{"cachingEnabled", true}, {"cacheTtlInSeconds", 300}};
    for (auto& [k, v] : extra) s[k] = v;
    return bj::object{{"*/*", std::move(s)}};
  }
  http::Response get(std::string_view target, std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto req = gw_.request(beast::http::verb::get, target);
    for (auto& [k, v] : headers) req.set(k, v);
    return gw_.send(std::move(req));
  }

  LoopbackStage gw_;
  DeploymentDoc doc_;
  LoopbackUpstream* backend_ = nullptr;
  int calls_ = 0;
};

TEST_F(StageCacheTest, AHitNeverReachesTheIntegration) {
  deploy(everyMethod());
  auto first = get("/items?type=a");
  ASSERT_EQ(first.result_int(), 200u) << first.body();
  auto second = get("/items?type=a");
  EXPECT_EQ(calls_, 1);
  EXPECT_EQ(second.body(), first.body());
  EXPECT_EQ(second[beast::http::field::content_type], "text/plain");
  EXPECT_EQ(second["X-Backend"], "yes");
  EXPECT_NE(second["x-amzn-RequestId"], first["x-amzn-RequestId"]) << "each request its own id";
  EXPECT_EQ(second[beast::http::field::content_length], std::to_string(first.body().size()));
  // A query string parameter that is not a cache key shares the entry, as on AWS.
  EXPECT_EQ(get("/items?type=b").body(), first.body());
  EXPECT_EQ(calls_, 1);
  auto stats = gw_.caches().find(kApiId, kStageName)->stats();
  EXPECT_EQ(stats.hits, 2u);
  EXPECT_EQ(stats.misses, 1u);
}

TEST_F(StageCacheTest, CacheKeyParametersSeparateEntries) {
  doc_.integration("/items", "GET")["cacheKeyParameters"] = bj::array{"method.request.querystring.type"};
  doc_.method("/items", "GET")["requestParameters"] = bj::object{{"method.request.querystring.type", false}};
  deploy(everyMethod());
  auto a = get("/items?type=a");
  auto b = get("/items?type=b");
  EXPECT_EQ(calls_, 2);
  EXPECT_NE(a.body(), b.body());
  EXPECT_EQ(get("/items?type=a&other=1").body(), a.body());
  auto none = get("/items");
  EXPECT_EQ(calls_, 3) << "no value is a key of its own";
  EXPECT_EQ(get("/items?type=").body().find("call 4"), 0u) << "nor is an empty one the same as none";
  EXPECT_EQ(get("/items").body(), none.body());
}

TEST_F(StageCacheTest, EntriesExpireAfterTheirTtl) {
  deploy(everyMethod(bj::object{{"cacheTtlInSeconds", 60}}));
  get("/items");
  gw_.clock().set(gw_.clock().now() + seconds(59));
  get("/items");
  EXPECT_EQ(calls_, 1);
  gw_.clock().set(gw_.clock().now() + seconds(1));
  get("/items");
  EXPECT_EQ(calls_, 2);
}

TEST_F(StageCacheTest, TheStageWideSwitchCachesGetOnly) {
  deploy(everyMethod());
  for (int i = 0; i < 2; ++i) gw_.send(gw_.request(beast::http::verb::post, "/items", "{}"));
  EXPECT_EQ(calls_, 2) << "POST is not cached by \"*/*\"";
  deploy(bj::object{{"~1items/POST", bj::object{{"cachingEnabled", true}}}});
  for (int i = 0; i < 2; ++i) gw_.send(gw_.request(beast::http::verb::post, "/items", "{}"));
  EXPECT_EQ(calls_, 3) << "a method's own setting caches any verb";
  get("/items");
  get("/items");
  EXPECT_EQ(calls_, 5) << "GET has no setting of its own and none stage-wide";
}

TEST_F(StageCacheTest, OffWithoutTheClusterOrWithATtlOfZero) {
  bj::object stage = stageDoc({}, everyMethod());
  ASSERT_TRUE(gw_.deploy(doc_, stage));  // cacheClusterEnabled absent
  get("/items");
  get("/items");
  EXPECT_EQ(calls_, 2);
  deploy(everyMethod(bj::object{{"cacheTtlInSeconds", 0}}));
  get("/items");
  get("/items");
  EXPECT_EQ(calls_, 4);
}

TEST_F(StageCacheTest, AHitStillPassesTheMethodRequestStage) {
  doc_.method("/items", "GET")["apiKeyRequired"] = true;
  deploy(everyMethod());
  gw_.addApiKey("key1", "secret-key-value-0123456789", true);
  bj::object plan = usagePlan("plan1");
  gw_.addUsagePlan(plan, {"key1"});
  EXPECT_EQ(get("/items", {{"x-api-key", "secret-key-value-0123456789"}}).result_int(), 200u);
  EXPECT_EQ(get("/items").result_int(), 403u) << "no key: refused before the cache";
  EXPECT_EQ(get("/items", {{"x-api-key", "secret-key-value-0123456789"}}).result_int(), 200u);
  EXPECT_EQ(calls_, 1);
}

TEST_F(StageCacheTest, MaxAgeZeroFromAnAuthorizedCallerRefreshes) {
  deploy(everyMethod(bj::object{{"requireAuthorizationForCacheControl", false}}));
  auto first = get("/items");
  auto fresh = get("/items", {{"Cache-Control", "max-age=0"}});
  EXPECT_EQ(calls_, 2);
  EXPECT_NE(fresh.body(), first.body());
  EXPECT_EQ(get("/items").body(), fresh.body()) << "the fresh response replaced the entry";
  get("/items", {{"Cache-Control", "no-store, max-age=10"}});
  EXPECT_EQ(calls_, 2) << "only max-age=0 invalidates";
}

TEST_F(StageCacheTest, UnauthorizedInvalidationFollowsTheStrategy) {
  deploy(everyMethod());  // requireAuthorizationForCacheControl defaults to true
  auto first = get("/items");
  auto warned = get("/items", {{"Cache-Control", "max-age=0"}});
  EXPECT_EQ(calls_, 1) << "SUCCEED_WITH_RESPONSE_HEADER (the default) serves the cached response";
  EXPECT_EQ(warned.body(), first.body());
  EXPECT_FALSE(warned[gateway::kCacheWarningHeader].empty());
  EXPECT_TRUE(get("/items")[gateway::kCacheWarningHeader].empty());

  deploy(everyMethod(bj::object{{"unauthorizedCacheControlHeaderStrategy", "SUCCEED_WITHOUT_RESPONSE_HEADER"}}));
  auto quiet = get("/items", {{"Cache-Control", "max-age=0"}});
  EXPECT_EQ(calls_, 1) << "a redeploy keeps the stage's cache";
  EXPECT_TRUE(quiet[gateway::kCacheWarningHeader].empty());

  deploy(everyMethod(bj::object{{"unauthorizedCacheControlHeaderStrategy", "FAIL_WITH_403"}}));
  auto refused = get("/items", {{"Cache-Control", "max-age=0"}});
  EXPECT_EQ(refused.result_int(), 403u);
  EXPECT_EQ(jsonBody(refused).at("Message"), "User is not authorized to access this resource");
  EXPECT_EQ(calls_, 1);
}

TEST_F(StageCacheTest, FlushAndTheCanarysOwnKeys) {
  deploy(everyMethod());
  get("/items");
  gw_.caches().find(kApiId, kStageName)->flush();
  get("/items");
  EXPECT_EQ(calls_, 2);

  bj::object stage = stageDoc({}, everyMethod());
  stage["cacheClusterEnabled"] = true;
  stage["canarySettings"] = bj::object{{"deploymentId", kDeploymentId}, {"percentTraffic", 100.0}};
  ASSERT_TRUE(gw_.deploy(doc_, stage));
  get("/items");
  EXPECT_EQ(calls_, 3) << "a canary without useStageCache keeps its entries apart";
  get("/items");
  EXPECT_EQ(calls_, 3);
  stage["canarySettings"].as_object()["useStageCache"] = true;
  ASSERT_TRUE(gw_.deploy(doc_, stage));
  auto shared = get("/items");
  EXPECT_EQ(calls_, 3);
  EXPECT_EQ(shared.body().find("call 2"), 0u) << "useStageCache: the stage's entry";
}

}  // namespace
}  // namespace portico::loopback
